"""Aggregate pages, open to every role: the overview, users by risk, and sync health."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from claude_compliance.web import charts, queries
from claude_compliance.web.aggregates import OVERVIEW_RANGES, overview
from claude_compliance.web.auth import ViewerSession
from claude_compliance.web.context import ctx
from claude_compliance.web.findings import SEVERITIES, SOURCES
from claude_compliance.web.render import render

router = APIRouter()


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
    orgs = queries.organization_choices(context.warehouse)
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
    found = queries.user_risk(
        context.warehouse, sort=sort, organization=organization, q=q, page=page
    )
    return render(
        request,
        "risk.html",
        {
            "rows": found.rows,
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
            "sort": sort if sort in queries.RISK_SORTS else "risk",
            "organization": organization,
            "organizations": queries.organization_choices(context.warehouse),
            "q": q or "",
        },
    )


@router.get("/sync")
def sync_page(request: Request, session: ViewerSession) -> Response:
    context = ctx(request)
    keys = {k.key_id: k for k in context.key_store().all()}
    has_ledger = context.warehouse.has("sync_ledger")
    health, failures = queries.sync_health(context.warehouse)
    now = datetime.now(UTC)
    rows = [
        {
            **dataclasses.asdict(row),
            "lag": now - row.last_ok_end if row.last_ok_end else None,
            "key_status": keys[row.key_id].status if row.key_id in keys else "unknown",
            "key_name": keys[row.key_id].name if row.key_id in keys else row.key_id,
        }
        for row in health
    ]
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
