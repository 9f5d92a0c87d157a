"""Triage (open / acknowledged / false_positive / resolved, with a note, one or many
findings at once) and suppression rules. Every change is in the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from claude_compliance.state.triage import FindingRef, SuppressionKind, TriageError
from claude_compliance.web import queries
from claude_compliance.web.auth import AnalystSession, csrf_protect, root, safe_next
from claude_compliance.web.context import ctx
from claude_compliance.web.render import render

router = APIRouter(dependencies=[Depends(csrf_protect)])


def _refs(request: Request, finding_ids: list[str]) -> list[FindingRef]:
    return queries.finding_refs(ctx(request).warehouse, finding_ids)


def _back(request: Request, target: str, notice: str) -> RedirectResponse:
    url = safe_next(request, target)
    glue = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{glue}notice={notice}", status_code=303)


def _error(request: Request, message: str) -> Response:
    return render(request, "error.html", {"title": "Not saved", "message": message}, 400)


@router.post("/findings/triage")
def triage(
    request: Request,
    session: AnalystSession,
    status: Annotated[str, Form(max_length=30)],
    finding_id: Annotated[list[str] | None, Form()] = None,
    note: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    refs = _refs(request, finding_id or [])
    if not refs:
        return _error(request, "Select at least one finding.")
    try:
        ctx(request).triage.set_status(refs, status, actor=session.user.username, note=note)
    except TriageError as exc:
        return _error(request, str(exc))
    return _back(request, next or f"{root(request)}/findings", "triaged")


@router.get("/suppressions")
def suppressions_page(request: Request, session: AnalystSession) -> Response:
    context = ctx(request)
    rules = context.triage.suppressions(include_removed=True)
    counts: dict[int, int] = {}
    active = [r for r in rules if r.is_active]
    if active and context.warehouse.has("findings"):
        marks = context.marks()
        with context.warehouse.cursor() as cursor:
            cursor.register("marks", marks)
            for sid, n in cursor.execute(
                "select suppression_id, count(*) from marks where suppression_id is not null "
                "group by 1"
            ).fetchall():
                counts[int(sid)] = int(n)
    return render(request, "suppressions.html", {"rules": rules, "counts": counts})


@router.post("/suppressions")
def add_suppression(
    request: Request,
    session: AnalystSession,
    kind: Annotated[str, Form(max_length=30)],
    finding_id: Annotated[str, Form(max_length=64)] = "",
    detector: Annotated[str, Form(max_length=100)] = "",
    user_id: Annotated[str, Form(max_length=100)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    values: dict[str, Any] = {}
    if finding_id:
        refs = _refs(request, [finding_id])
        if not refs:
            return _error(request, "No such finding.")
        ref = refs[0]
        values = {"fingerprint": ref.fingerprint, "detector": ref.detector, "user_id": ref.user_id}
    else:
        values = {"detector": detector or None, "user_id": user_id or None}
    if kind == SuppressionKind.FINGERPRINT.value:
        values.pop("detector", None)
        values.pop("user_id", None)
    else:
        values.pop("fingerprint", None)
    try:
        ctx(request).triage.add_suppression(kind, actor=session.user.username, note=note, **values)
    except TriageError as exc:
        return _error(request, str(exc))
    return _back(request, next or f"{root(request)}/suppressions", "suppressed")


@router.post("/suppressions/{suppression_id}/remove")
def remove_suppression(request: Request, suppression_id: int, session: AnalystSession) -> Response:
    try:
        ctx(request).triage.remove_suppression(suppression_id, actor=session.user.username)
    except TriageError as exc:
        return _error(request, str(exc))
    return _back(request, f"{root(request)}/suppressions", "unsuppressed")
