"""Aggregate pages, open to every role: the overview, users by risk, and sync health."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from claude_compliance.web import charts
from claude_compliance.web.aggregates import OVERVIEW_RANGES, overview
from claude_compliance.web.auth import ViewerSession
from claude_compliance.web.context import ctx
from claude_compliance.web.findings import SEVERITIES, SOURCES
from claude_compliance.web.render import render
from claude_compliance.web.warehouse import records

router = APIRouter()


def _organizations(request: Request) -> list[tuple[str, str]]:
    warehouse = ctx(request).warehouse

    def load() -> list[tuple[str, str]]:
        if not warehouse.has("organizations"):
            return []
        with warehouse.cursor() as cursor:
            rows = cursor.execute(
                "select organization_uuid, coalesce(organization_name, organization_uuid) "
                "from organizations order by 2"
            ).fetchall()
        return [(str(u), str(n)) for u, n in rows]

    return warehouse.memo("organizations", load)


@router.get("/")
def overview_page(
    request: Request,
    session: ViewerSession,
    range: str = "30d",
    organization: str | None = None,
) -> Response:
    context = ctx(request)
    if range not in OVERVIEW_RANGES:
        range = "30d"
    if not context.warehouse.has("findings"):
        return render(request, "overview.html", {"data": None, "range": range})
    orgs = _organizations(request)
    if organization not in {u for u, _ in orgs}:
        organization = None
    data = overview(
        context.warehouse,
        context.marks(),
        days=OVERVIEW_RANGES[range],
        organization=organization,
    )
    return render(
        request,
        "overview.html",
        {
            "data": data,
            "range": range,
            "ranges": list(OVERVIEW_RANGES),
            "organization": organization,
            "organizations": orgs,
            "trend_chart": charts.stacked_bars(data.days, data.trend),
            "source_chart": charts.hbars(
                [(s, n) for s, n in data.by_source], title="Findings by source"
            ),
            "detector_chart": charts.hbars(data.top_detectors, title="Top detectors"),
            "share_chart": charts.share(
                data.inputs_with_findings, data.inputs_scanned, label="Inputs with findings"
            ),
            "severities": SEVERITIES,
        },
    )


RISK_SORTS = {
    "risk": "risk_score",
    "critical": "critical_count",
    "high": "high_count",
    "findings": "finding_count",
    "inputs": "inputs_scanned",
    "last": "last_finding_at",
    "email": "user_email",
}


@router.get("/risk")
def risk_page(
    request: Request,
    session: ViewerSession,
    sort: str = "risk",
    organization: str | None = None,
    q: str | None = None,
    page: int = 1,
) -> Response:
    context = ctx(request)
    if not context.warehouse.has("user_risk"):
        return render(request, "risk.html", {"rows": None})
    column = RISK_SORTS.get(sort, "risk_score")
    direction = "asc" if column == "user_email" else "desc"
    where, params = ["1 = 1"], []
    if organization:
        where.append("organization_uuid = ?")
        params.append(organization)
    if q and len(q) <= 200:
        where.append("(user_email ilike ? escape '\\' or user_id = ?)")
        params += ["%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", q]
    per_page = 100
    page = max(1, min(page, 100_000))
    with context.warehouse.cursor() as cursor:
        total = cursor.execute(
            f"select count(*) from user_risk where {' and '.join(where)}",  # noqa: S608 - whitelisted fragments; values are bound parameters
            params,
        ).fetchall()[0][0]
        cursor.execute(
            "select user_id, organization_uuid, user_email, critical_count, high_count, "  # noqa: S608 - whitelisted identifiers and fragments; values are bound parameters
            "medium_count, low_count, finding_count, inputs_scanned, inputs_with_findings, "
            f"last_finding_at, risk_score from user_risk where {' and '.join(where)} "
            f"order by {column} {direction} nulls last, user_id limit ? offset ?",
            [*params, per_page, (page - 1) * per_page],
        )
        rows = records(cursor)
    orgs = dict(_organizations(request))
    for row in rows:
        row["organization_name"] = orgs.get(row["organization_uuid"], row["organization_uuid"])
    return render(
        request,
        "risk.html",
        {
            "rows": rows,
            "total": int(total),
            "page": page,
            "pages": max(1, -(-int(total) // per_page)),
            "sort": sort if sort in RISK_SORTS else "risk",
            "organization": organization,
            "organizations": list(orgs.items()),
            "q": q or "",
        },
    )


@router.get("/sync")
def sync_page(request: Request, session: ViewerSession) -> Response:
    context = ctx(request)
    keys = {k.key_id: k for k in context.key_store().all()}
    rows: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    has_ledger = context.warehouse.has("sync_ledger")
    if has_ledger:
        with context.warehouse.cursor() as cursor:
            cursor.execute(
                "select key_id, resource, "
                "max(interval_end) filter (where status = 'ok') as last_ok_end, "
                "max(interval_end) as last_end, "
                "arg_max(status, finished_at) as last_status, "
                "arg_max(records, finished_at) as last_records, "
                "sum(records) filter (where status = 'ok') as records, "
                "count(*) filter (where status = 'failed') as failed, "
                "max(finished_at) as last_finished_at "
                "from sync_ledger group by 1, 2 order by 1, 2"
            )
            rows = records(cursor)
            cursor.execute(
                "select key_id, resource, interval_start, interval_end, detail, finished_at "
                "from sync_ledger where status = 'failed' order by finished_at desc nulls last "
                "limit 50"
            )
            failures = records(cursor)
    now = datetime.now(UTC)
    for row in rows:
        last = row["last_ok_end"]
        row["lag"] = (now - last) if isinstance(last, datetime) else None
        key = keys.get(row["key_id"])
        row["key_status"] = key.status if key else "unknown"
        row["key_name"] = key.name if key else row["key_id"]
    return render(
        request,
        "sync.html",
        {
            "rows": rows,
            "failures": failures,
            "keys": list(keys.values()),
            "has_ledger": has_ledger,
            "sources": SOURCES,
        },
    )
