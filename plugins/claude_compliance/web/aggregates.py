"""Aggregates for the overview, users and sync-health pages (no masked content here, so
the viewer role may see all of it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from claude_compliance.vocabulary import SEVERITIES
from claude_compliance.web.warehouse import Warehouse

OVERVIEW_RANGES = {"7d": 7, "30d": 30, "90d": 90, "365d": 365, "all": None}


@dataclass(frozen=True, slots=True)
class Overview:
    start: date | None
    end: date
    by_severity: dict[str, int]
    total: int
    suppressed: int
    days: list[date]
    trend: dict[str, list[int]]
    by_source: list[tuple[str, int]]
    top_detectors: list[tuple[str, int]]
    top_users: list[dict[str, Any]]
    inputs_scanned: int
    inputs_with_findings: int
    trend_source: str
    # Inputs not scanned, by reason (encrypted, image, extraction_failed, content_unavailable…)
    not_scanned: list[tuple[str, int]] = field(default_factory=list)


def _rows(cursor: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> list[Any]:
    return cursor.execute(sql, list(params)).fetchall()


def overview(
    warehouse: Warehouse,
    marks: pa.Table,
    *,
    days: int | None,
    organization: str | None,
    today: date | None = None,
) -> Overview:
    end = today or datetime.now(UTC).date()
    start = end - timedelta(days=days - 1) if days else None
    where: list[str] = ["1 = 1"]
    params: list[Any] = []
    if start is not None:
        where.append("f.occurred_at >= ?")
        params.append(datetime(start.year, start.month, start.day, tzinfo=UTC))
    if organization:
        where.append("f.organization_uuid = ?")
        params.append(organization)
    suppressed_rows = marks.num_rows - marks.column("suppression_id").null_count
    has_suppressions = suppressed_rows > 0
    joins = "left join marks x on x.rid = f.rowid" if has_suppressions else ""
    hidden = "x.suppression_id is not null" if has_suppressions else "false"
    base = f"from findings f {joins} where {' and '.join(where)}"
    with warehouse.cursor() as cursor:
        cursor.register("marks", marks)
        by_sev = {
            s: int(n)
            for s, n in _rows(
                cursor,
                f"select f.severity, count(*) {base} and not ({hidden}) group by 1",
                params,
            )
        }
        suppressed = int(_rows(cursor, f"select count(*) {base} and {hidden}", params)[0][0])
        trend_rows, trend_source = _trend(
            warehouse, cursor, has_suppressions, base, hidden, params, start, organization
        )
        by_source = [
            (str(s), int(n))
            for s, n in _rows(
                cursor,
                f"select f.source, count(*) {base} and not ({hidden}) group by 1 order by 2 desc",
                params,
            )
        ]
        detectors = [
            (str(d), int(n))
            for d, n in _rows(
                cursor,
                f"select f.detector, count(*) {base} and not ({hidden}) "
                "group by 1 order by 2 desc, 1 limit 10",
                params,
            )
        ]
        users = [
            {
                "user_id": u,
                "user_email": e,
                "critical": int(c),
                "high": int(h),
                "total": int(t),
            }
            for u, e, c, h, t in _rows(
                cursor,
                "select f.user_id, any_value(f.user_email), "
                "count(*) filter (where f.severity = 'CRITICAL'), "
                "count(*) filter (where f.severity = 'HIGH'), count(*) "
                f"{base} and not ({hidden}) and f.user_id is not null "
                "group by 1 order by 3 desc, 4 desc, 5 desc, 1 limit 10",
                params,
            )
        ]
        inputs_where: list[str] = ["skipped_reason is null"]
        inputs_params: list[Any] = []
        if start is not None:
            inputs_where.append("occurred_at >= ?")
            inputs_params.append(datetime(start.year, start.month, start.day, tzinfo=UTC))
        if organization:
            inputs_where.append("organization_uuid = ?")
            inputs_params.append(organization)
        scanned, with_findings = (0, 0)
        not_scanned: list[tuple[str, int]] = []
        if warehouse.has("scanned_inputs"):
            skipped_where = ["skipped_reason is not null", *inputs_where[1:]]
            not_scanned = [
                (str(reason), int(n))
                for reason, n in _rows(
                    cursor,
                    # content_unavailable:<reason> counts under content_unavailable
                    "select split_part(skipped_reason, ':', 1), count(*) "  # noqa: S608 - whitelisted identifiers and fragments; values are bound parameters
                    f"from scanned_inputs where {' and '.join(skipped_where)} "
                    "group by 1 order by 2 desc, 1",
                    inputs_params,
                )
            ]
            scanned, with_findings = _rows(
                cursor,
                "select count(*), count(*) filter (where finding_count > 0) "  # noqa: S608 - whitelisted identifiers and fragments; values are bound parameters
                f"from scanned_inputs where {' and '.join(inputs_where)}",
                inputs_params,
            )[0]
    day_list, series = _series(trend_rows, start, end)
    return Overview(
        start=start,
        end=end,
        by_severity={s: by_sev.get(s, 0) for s in SEVERITIES},
        total=sum(by_sev.values()),
        suppressed=suppressed,
        days=day_list,
        trend=series,
        by_source=by_source,
        top_detectors=detectors,
        top_users=users,
        inputs_scanned=int(scanned),
        inputs_with_findings=int(with_findings),
        trend_source=trend_source,
        not_scanned=not_scanned,
    )


def _trend(
    warehouse: Warehouse,
    cursor: duckdb.DuckDBPyConnection,
    has_suppressions: bool,
    base: str,
    hidden: str,
    params: list[Any],
    start: date | None,
    organization: str | None,
) -> tuple[list[Any], str]:
    """Findings per UTC day and severity: from the `findings_daily` mart when no suppression
    applies (it is exactly that count), else from `findings` minus the suppressed ones."""
    if not has_suppressions and warehouse.has("findings_daily"):
        where: list[str] = ["1 = 1"]
        daily_params: list[Any] = []
        if start is not None:
            where.append("day >= ?")
            daily_params.append(start)
        if organization:
            where.append("organization_uuid = ?")
            daily_params.append(organization)
        rows = _rows(
            cursor,
            "select day, severity, sum(finding_count) from findings_daily "  # noqa: S608 - whitelisted identifiers and fragments; values are bound parameters
            f"where {' and '.join(where)} group by 1, 2",
            daily_params,
        )
        return rows, "findings_daily"
    rows = _rows(
        cursor,
        "select cast(timezone('UTC', f.occurred_at) as date), f.severity, count(*) "
        f"{base} and not ({hidden}) group by 1, 2",
        params,
    )
    return rows, "findings"


def _series(
    rows: list[Any], start: date | None, end: date
) -> tuple[list[date], dict[str, list[int]]]:
    counts: dict[tuple[date, str], int] = {}
    for day, severity, count in rows:
        if day is None:
            continue
        counts[(day, str(severity))] = counts.get((day, str(severity)), 0) + int(count)
    if not counts:
        return [], {s: [] for s in SEVERITIES}
    first = start or min(d for d, _ in counts)
    last = max(end, max(d for d, _ in counts))
    if start is None and (last - first).days > 400:
        first = last - timedelta(days=400)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return days, {s: [counts.get((d, s), 0) for d in days] for s in SEVERITIES}
