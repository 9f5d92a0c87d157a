"""Remediation: an analyst requests removal at the source from a finding; an admin other
than the requester approves or rejects; the pages say which key could execute it.

Execution is not a button: `claude-compliance remediate execute` (or the DAG) runs approved
requests, so a browser session never holds a key. Every step is in the audit log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from claude_compliance.remediation import service
from claude_compliance.remediation.store import RemediationError
from claude_compliance.web.auth import AdminSession, AnalystSession, csrf_protect, root
from claude_compliance.web.context import ctx
from claude_compliance.web.render import render

router = APIRouter(dependencies=[Depends(csrf_protect)])


def _error(request: Request, message: str) -> Response:
    return render(request, "error.html", {"title": "Not saved", "message": message}, 400)


@router.post("/findings/{finding_id}/remediate")
def request_removal(
    request: Request,
    finding_id: str,
    session: AnalystSession,
    scope: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        record = service.request(
            ctx(request).settings,
            finding_id[:64],
            actor=session.user.username,
            scope=scope or None,
            note=note,
        )
    except RemediationError as exc:
        return _error(request, str(exc))
    return RedirectResponse(
        f"{root(request)}/remediation/{record.request_id}?notice=remediation_requested",
        status_code=303,
    )


@router.get("/remediation")
def remediation_page(request: Request, session: AnalystSession) -> Response:
    settings = ctx(request).settings
    records = list(reversed(service.requests(settings)))
    advice = {r.request_id: service.key_advice(settings, r) for r in records}
    return render(request, "remediation.html", {"records": records, "advice": advice})


@router.get("/remediation/{request_id}")
def remediation_detail(request: Request, request_id: str, session: AnalystSession) -> Response:
    context = ctx(request)
    try:
        record = service.get(context.settings, request_id[:40])
    except RemediationError:
        return render(
            request, "error.html", {"title": "Not found", "message": "No such request."}, 404
        )
    history, _ = context.audit.recent(target=record.request_id, limit=100)
    may_decide = session.user.role.value == "admin" and (
        session.user.username != record.requested_by or context.settings.remediation_single_approver
    )
    return render(
        request,
        "remediation_detail.html",
        {
            "r": record,
            "history": list(reversed(history)),
            "advice": service.key_advice(context.settings, record),
            "may_decide": may_decide,
        },
    )


@router.post("/remediation/{request_id}/{decision}")
def decide(
    request: Request,
    request_id: str,
    decision: service.Decision,
    session: AdminSession,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Approve or reject: one handler, the decision is the last path segment."""
    try:
        record = service.decide(
            ctx(request).settings,
            request_id[:40],
            decision,
            actor=session.user.username,
            note=note or None,
        )
    except RemediationError as exc:
        return _error(request, str(exc))
    return RedirectResponse(
        f"{root(request)}/remediation/{record.request_id}?notice=remediation_{record.status.value}",
        status_code=303,
    )
