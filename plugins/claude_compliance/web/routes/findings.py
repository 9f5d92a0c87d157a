"""The findings explorer (filters, sorting, paging, CSV export) and the finding detail.

Analysts and admins only: these pages show masked previews. Every detail view and export is
written to the audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from claude_compliance.state.triage import MANUAL_STATUSES, FindingRef
from claude_compliance.web import masking, queries
from claude_compliance.web.auth import AnalystSession
from claude_compliance.web.context import ctx
from claude_compliance.web.findings import (
    CATEGORIES,
    PER_PAGE,
    RANGES,
    SEVERITIES,
    SORTS,
    SOURCES,
    STATUSES,
    FindingFilter,
    FindingQuery,
    export_csv,
    search,
)
from claude_compliance.web.render import render
from claude_compliance.web.warehouse import WarehouseMissing

router = APIRouter()
FilterQuery = Annotated[FindingQuery, Query()]


def _detectors(request: Request) -> list[str]:
    warehouse = ctx(request).warehouse

    def load() -> list[str]:
        with warehouse.cursor() as cursor:
            rows = cursor.execute("select distinct detector from findings order by 1").fetchall()
        return [str(r[0]) for r in rows]

    return warehouse.memo("detectors", load)


@router.get("/findings")
def findings_page(request: Request, session: AnalystSession, query: FilterQuery) -> Response:
    context = ctx(request)
    f = FindingFilter.from_query(query, today=datetime.now(UTC).date())
    if not context.warehouse.has("findings"):
        return render(request, "findings.html", {"page": None, "f": f})
    marks = context.marks()
    with context.warehouse.cursor() as cursor:
        page = search(cursor, f, marks)
    return render(
        request,
        "findings.html",
        {
            "page": page,
            "f": f,
            "severities": SEVERITIES,
            "sources": SOURCES,
            "categories": CATEGORIES,
            "statuses": STATUSES,
            "ranges": list(RANGES),
            "sorts": list(SORTS),
            "per_pages": PER_PAGE,
            "detectors": _detectors(request),
            "organizations": queries.organization_choices(ctx(request).warehouse),
        },
    )


@router.get("/findings.csv")
def findings_csv(request: Request, session: AnalystSession, query: FilterQuery) -> Response:
    context = ctx(request)
    f = FindingFilter.from_query(query, today=datetime.now(UTC).date())
    if not context.warehouse.has("findings"):  # before the response starts streaming
        raise WarehouseMissing(str(context.warehouse.path))
    context.audit.record(
        session.user.username, "export_csv", "findings", {"filter": f.params(page=1)}
    )
    marks = context.marks()

    def stream() -> Any:
        with context.warehouse.cursor() as cursor:
            yield from export_csv(cursor, f, marks)

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return StreamingResponse(
        stream(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="findings-{stamp}.csv"'},
    )


def _finding(request: Request, finding_id: str) -> dict[str, Any] | None:
    with ctx(request).warehouse.cursor() as cursor:
        cursor.execute("select * from findings where finding_id = ?", [finding_id])
        names = [d[0] for d in cursor.description or []]
        row = cursor.fetchone()
    return dict(zip(names, row, strict=True)) if row else None


def claude_link(finding: dict[str, Any], chat_href: str | None) -> str | None:
    """Where the input lives in claude.ai (the API's chat href when known)."""
    if finding.get("chat_id"):
        return chat_href or f"https://claude.ai/chat/{finding['chat_id']}"
    if finding.get("project_id"):
        return f"https://claude.ai/project/{finding['project_id']}"
    return None


@router.get("/findings/{finding_id}")
def finding_detail(request: Request, finding_id: str, session: AnalystSession) -> Response:
    context = ctx(request)
    if len(finding_id) > 64:
        return render(request, "error.html", {"title": "No such finding", "message": ""}, 404)
    finding = _finding(request, finding_id)
    if finding is None:
        return render(
            request, "error.html", {"title": "No such finding", "message": finding_id}, 404
        )
    context.audit.record(session.user.username, "view_finding", finding_id)
    with context.warehouse.cursor() as cursor:
        same = cursor.execute(
            "select finding_id, occurred_at, severity, detector, source, user_email, "
            "redacted_match, chat_id, project_id from findings "
            "where fingerprint = ? and finding_id <> ? order by occurred_at desc limit 50",
            [finding["fingerprint"], finding_id],
        ).fetchall()
        same_total = cursor.execute(
            "select count(*) from findings where fingerprint = ? and finding_id <> ?",
            [finding["fingerprint"], finding_id],
        ).fetchall()[0][0]
        recorded = cursor.execute(
            "select finding_id, start_offset, end_offset, redacted_match, severity "
            "from findings where key_id = ? and source = ? and source_id = ?",
            [finding["key_id"], finding["source"], finding["source_id"]],
        ).fetchall()
        chat_href = None
        if finding.get("chat_id") and context.warehouse.has("chats"):
            hit = cursor.execute(
                "select href from chats where chat_id = ?", [finding["chat_id"]]
            ).fetchall()
            chat_href = str(hit[0][0]) if hit and hit[0][0] else None
    text = context.lake.input_text(finding["key_id"], finding["source"], finding["source_id"])
    context_segments: list[masking.Segment] = []
    if text is not None:
        spans = [
            masking.Span(int(s), int(e), str(p), str(fid), str(sev))
            for fid, s, e, p, sev in recorded
        ]
        segments = masking.mask(text, context.scan_engine(), spans)
        context_segments = masking.window(segments, finding_id)
    ref = FindingRef.from_row(finding)
    state = context.triage.states([ref])[finding_id]
    return render(
        request,
        "finding_detail.html",
        {
            "f": finding,
            "same": [
                dict(
                    zip(
                        (
                            "finding_id",
                            "occurred_at",
                            "severity",
                            "detector",
                            "source",
                            "user_email",
                            "redacted_match",
                            "chat_id",
                            "project_id",
                        ),
                        r,
                        strict=True,
                    )
                )
                for r in same
            ],
            "same_total": int(same_total),
            "context_segments": context_segments,
            "has_text": text is not None,
            "state": state,
            "history": context.triage.history(finding_id),
            "statuses": [s.value for s in MANUAL_STATUSES],
            "claude_link": claude_link(finding, chat_href),
        },
    )
