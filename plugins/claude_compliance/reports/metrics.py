"""The numbers of a period report, computed by SQL over the published marts.

Every figure is a function of the period's bounds (`occurred_at` in `[start, end)`) and of
triage as it stood at the period's end, never of the time the report is run, so re-running
a past period gives the same numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb

from claude_compliance.reports.findings import safe_preview
from claude_compliance.reports.marts import columns_of, has_table, records
from claude_compliance.reports.period import Period
from claude_compliance.reports.triage import (
    FindingRef,
    TriageState,
    TriageStatus,
    TriageView,
    state_of,
)
from claude_compliance.state.schema import as_utc
from claude_compliance.vocabulary import RISK_WEIGHTS, SEVERITIES, max_severity_sql

TOP_USERS = 10
TOP_SHARED_FINGERPRINTS = 25
LEDGER_OK_STATUSES = ("ok", "skipped_no_scope")
"""`sync_ledger.status` values that leave nothing to sync for the interval: synced in full, or
not readable with the key's scopes (nothing the sync could have fetched)."""

IN_PERIOD = "occurred_at >= ? and occurred_at < ?"
PER_SEVERITY = ", ".join(
    f"count(*) filter (where severity = '{s}') as {s.lower()}" for s in SEVERITIES
)


@dataclass(frozen=True, slots=True)
class SeverityCounts:
    critical: int = 0
    high: int = 0
    medium: int = 0
    low: int = 0

    @property
    def total(self) -> int:
        return self.critical + self.high + self.medium + self.low

    def of(self, severity: str) -> int:
        return int(getattr(self, severity.lower()))

    @property
    def by_severity(self) -> dict[str, int]:
        """`{"CRITICAL": n, …}`: what the charts draw."""
        return {s: self.of(s) for s in SEVERITIES}

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, int]]) -> SeverityCounts:
        counts = {s.lower(): 0 for s in SEVERITIES}
        for severity, count in pairs:
            counts[severity.lower()] += int(count)
        return cls(**counts)


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One row of a "findings by X" table."""

    key: str
    label: str
    counts: SeverityCounts


@dataclass(frozen=True, slots=True)
class DayCounts:
    day: date
    counts: SeverityCounts


@dataclass(frozen=True, slots=True)
class Headline:
    findings: SeverityCounts
    previous_findings: SeverityCounts
    inputs_scanned: int
    inputs_skipped: int
    inputs_with_findings: int
    users_with_findings: int
    distinct_fingerprints: int
    organizations_with_findings: int


@dataclass(frozen=True, slots=True)
class UserRisk:
    user_id: str
    organization_uuid: str | None
    user_email: str | None
    organization_name: str | None
    counts: SeverityCounts
    inputs_scanned: int
    inputs_with_findings: int
    last_finding_at: datetime | None
    risk_score: float


@dataclass(frozen=True, slots=True)
class SharedFingerprint:
    fingerprint: str
    category: str
    severity: str
    preview: str
    users: int
    occurrences: int
    organizations: int
    first_seen_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class TriageSummary:
    new_by_status: Mapping[str, int]
    new_suppressed: int
    resolved_in_period: int
    false_positive_in_period: int
    open_at_end: int
    """Findings that occurred before the period's end and were still open or acknowledged."""

    @property
    def new_total(self) -> int:
        return sum(self.new_by_status.values())


@dataclass(frozen=True, slots=True)
class SyncCoverage:
    key_id: str
    resource: str
    intervals_ok: int
    intervals_failed: int
    records: int
    requests: int
    coverage: float
    """Share of the period covered by successfully synced intervals, 0 to 1."""


@dataclass(frozen=True, slots=True)
class KeyDayCoverage:
    key_id: str
    days: tuple[tuple[date, float], ...]
    """Per day, the share synced for every resource of the key (the least-covered one)."""

    @property
    def coverage(self) -> float:
        return sum(c for _, c in self.days) / len(self.days) if self.days else 0.0


@dataclass(frozen=True, slots=True)
class SyncSection:
    is_available: bool
    resources: tuple[SyncCoverage, ...] = ()
    keys: tuple[KeyDayCoverage, ...] = ()
    failures: tuple[Mapping[str, Any], ...] = ()
    """Failed intervals not later covered by a successful run."""


@dataclass(frozen=True, slots=True)
class ReportData:
    period: Period
    headline: Headline
    trend: tuple[DayCounts, ...]
    by_source: tuple[Breakdown, ...]
    by_category: tuple[Breakdown, ...]
    by_organization: tuple[Breakdown, ...]
    top_users: tuple[UserRisk, ...]
    triage: TriageSummary
    sync: SyncSection
    shared_fingerprints: tuple[SharedFingerprint, ...]
    shared_fingerprints_total: int
    notes: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        """Every number of the report as plain JSON values (`summary.json`)."""
        document: dict[str, Any] = _jsonable(dataclasses.asdict(self))
        return document


def compute(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    *,
    triage: TriageView,
    expected_keys: Sequence[str] = (),
) -> ReportData:
    """Every figure of the report for `period`."""
    notes: list[str] = []
    bounds = [period.start_at, period.end_at]
    findings = _severity_counts(con, "findings", bounds)
    previous = period.previous()
    previous_findings = _severity_counts(con, "findings", [previous.start_at, previous.end_at])
    inputs = con.execute(
        "select count(*), count(*) filter (where skipped_reason is not null), "
        "count(*) filter (where finding_count > 0) "
        "from scanned_inputs where occurred_at >= ? and occurred_at < ?",
        bounds,
    ).fetchall()[0]
    people = con.execute(
        "select count(distinct user_id), count(distinct fingerprint), "
        "count(distinct organization_uuid) from findings "
        "where occurred_at >= ? and occurred_at < ?",
        bounds,
    ).fetchall()[0]
    headline = Headline(
        findings=findings,
        previous_findings=previous_findings,
        inputs_scanned=int(inputs[0]),
        inputs_skipped=int(inputs[1]),
        inputs_with_findings=int(inputs[2]),
        users_with_findings=int(people[0]),
        distinct_fingerprints=int(people[1]),
        organizations_with_findings=int(people[2]),
    )
    trend = _trend(con, period, notes)
    shared, shared_total = _shared_fingerprints(con, bounds)
    return ReportData(
        period=period,
        headline=headline,
        trend=trend,
        by_source=_breakdown(con, "source", "source", bounds),
        by_category=_breakdown(con, "category", "category", bounds),
        by_organization=_breakdown(
            con, "organization_uuid", "coalesce(max(organization_name), organization_uuid)", bounds
        ),
        top_users=_top_users(con, bounds),
        triage=_triage(con, period, triage),
        sync=_sync(con, period, expected_keys, notes),
        shared_fingerprints=shared,
        shared_fingerprints_total=shared_total,
        notes=tuple(notes),
    )


def _severity_counts(
    con: duckdb.DuckDBPyConnection, table: str, bounds: list[datetime]
) -> SeverityCounts:
    rows = con.execute(
        f"select severity, count(*) from {table} where {IN_PERIOD} group by severity",  # noqa: S608 - constant table name
        bounds,
    ).fetchall()
    return SeverityCounts.from_pairs(rows)


def _trend(
    con: duckdb.DuckDBPyConnection, period: Period, notes: list[str]
) -> tuple[DayCounts, ...]:
    if has_table(con, "findings_daily"):
        rows = con.execute(
            "select day, severity, sum(finding_count) from findings_daily "
            "where day >= ? and day < ? group by day, severity",
            [period.start, period.end],
        ).fetchall()
    else:
        notes.append(
            "findings_daily is not in this warehouse: the daily trend was counted from findings."
        )
        rows = con.execute(
            "select cast(occurred_at as date) as day, severity, count(*) from findings "
            "where occurred_at >= ? and occurred_at < ? group by day, severity",
            [period.start_at, period.end_at],
        ).fetchall()
    by_day: dict[date, list[tuple[str, int]]] = {day: [] for day in period.each_day()}
    for day, severity, count in rows:
        by_day[_as_date(day)].append((severity, int(count)))
    return tuple(DayCounts(day, SeverityCounts.from_pairs(pairs)) for day, pairs in by_day.items())


def _breakdown(
    con: duckdb.DuckDBPyConnection, key: str, label: str, bounds: list[datetime]
) -> tuple[Breakdown, ...]:
    rows = records(
        con,
        f"select {key} as key, {label} as label, {PER_SEVERITY} "  # noqa: S608 - constant expressions
        f"from findings where {IN_PERIOD} group by {key}",
        bounds,
    )
    result = [
        Breakdown(
            key=str(r["key"]),
            label=str(r["label"] if r["label"] is not None else "(unknown)"),
            counts=SeverityCounts(*(int(r[s.lower()]) for s in SEVERITIES)),
        )
        for r in rows
    ]
    return tuple(sorted(result, key=lambda b: (-b.counts.total, b.label, b.key)))


def _top_users(con: duckdb.DuckDBPyConnection, bounds: list[datetime]) -> tuple[UserRisk, ...]:
    weights = " + ".join(
        f"{RISK_WEIGHTS[s]} * count(*) filter (where severity = '{s}')" for s in SEVERITIES
    )
    rows = records(
        con,
        f"""
        with per_user as (
            select
                organization_uuid,
                user_id,
                max(user_email) as user_email,
                max(organization_name) as organization_name,
                {PER_SEVERITY},
                max(occurred_at) as last_finding_at,
                {weights} as risk_score
            from findings
            where {IN_PERIOD} and user_id is not null
            group by organization_uuid, user_id
        ),
        inputs as (
            select
                organization_uuid,
                user_id,
                count(*) as inputs_scanned,
                count(*) filter (where finding_count > 0) as inputs_with_findings
            from scanned_inputs
            where {IN_PERIOD} and user_id is not null
            group by organization_uuid, user_id
        )
        select per_user.*, coalesce(inputs.inputs_scanned, 0) as inputs_scanned,
            coalesce(inputs.inputs_with_findings, 0) as inputs_with_findings
        from per_user left join inputs
            on per_user.user_id = inputs.user_id
            and per_user.organization_uuid is not distinct from inputs.organization_uuid
        order by risk_score desc, critical desc, user_id, organization_uuid
        limit {TOP_USERS}
        """,  # noqa: S608 - constant expressions; bounds are bound parameters
        bounds + bounds,
    )
    return tuple(
        UserRisk(
            user_id=r["user_id"],
            organization_uuid=r["organization_uuid"],
            user_email=r["user_email"],
            organization_name=r["organization_name"],
            counts=SeverityCounts(*(int(r[s.lower()]) for s in SEVERITIES)),
            inputs_scanned=int(r["inputs_scanned"]),
            inputs_with_findings=int(r["inputs_with_findings"]),
            last_finding_at=r["last_finding_at"],
            risk_score=float(r["risk_score"]),
        )
        for r in rows
    )


def _shared_fingerprints(
    con: duckdb.DuckDBPyConnection, bounds: list[datetime]
) -> tuple[tuple[SharedFingerprint, ...], int]:
    rows = records(
        con,
        f"""
        select
            fingerprint,
            min(category) as category,
            {max_severity_sql()} as severity,
            min(redacted_match) as preview,
            count(distinct user_id) as users,
            count(*) as occurrences,
            count(distinct organization_uuid) as organizations,
            min(occurred_at) as first_seen_at,
            max(occurred_at) as last_seen_at
        from findings
        where {IN_PERIOD}
        group by fingerprint
        having count(distinct user_id) >= 2
        order by users desc, occurrences desc, fingerprint
        """,  # noqa: S608 - constant expressions; bounds are bound parameters
        bounds,
    )
    shared = [
        SharedFingerprint(
            fingerprint=r["fingerprint"],
            category=r["category"],
            severity=r["severity"],
            preview=safe_preview(r["preview"]),
            users=int(r["users"]),
            occurrences=int(r["occurrences"]),
            organizations=int(r["organizations"]),
            first_seen_at=r["first_seen_at"],
            last_seen_at=r["last_seen_at"],
        )
        for r in rows
    ]
    return tuple(shared[:TOP_SHARED_FINGERPRINTS]), len(shared)


def _triage(con: duckdb.DuckDBPyConnection, period: Period, view: TriageView) -> TriageSummary:
    rows = con.execute(
        "select finding_id, fingerprint, detector, user_id, occurred_at >= ? as is_new "
        "from findings where occurred_at < ? order by finding_id",
        [period.start_at, period.end_at],
    ).fetchall()
    refs = [
        FindingRef(fid, fingerprint, detector, user) for fid, fingerprint, detector, user, _ in rows
    ]
    states = view.states(refs, as_of=period.end_at)
    new_by_status = {status.value: 0 for status in TriageStatus}
    new_suppressed = resolved = dismissed = open_at_end = 0
    for finding_id, _, _, _, is_new in rows:
        state: TriageState = state_of(states, finding_id)
        if is_new:
            new_by_status[state.status.value] += 1
            new_suppressed += state.is_suppressed
        decided_in_period = (
            state.decided_at is not None
            and period.start_at <= state.decided_at.astimezone(UTC) < period.end_at
        )
        if decided_in_period and state.status is TriageStatus.RESOLVED:
            resolved += 1
        elif decided_in_period and state.status is TriageStatus.FALSE_POSITIVE:
            dismissed += 1
        if not state.status.is_closed and not state.is_suppressed:
            open_at_end += 1
    return TriageSummary(
        new_by_status=new_by_status,
        new_suppressed=new_suppressed,
        resolved_in_period=resolved,
        false_positive_in_period=dismissed,
        open_at_end=open_at_end,
    )


def _sync(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    expected_keys: Sequence[str],
    notes: list[str],
) -> SyncSection:
    needed = {"key_id", "resource", "interval_start", "interval_end", "status"}
    if not has_table(con, "sync_ledger") or not needed <= columns_of(con, "sync_ledger"):
        notes.append(
            "sync_ledger is not in this warehouse: sync completeness cannot be shown for "
            "this period."
        )
        return SyncSection(is_available=False)
    rows = records(
        con,
        "select key_id, resource, interval_start, interval_end, lower(status) as status, "
        "coalesce(records, 0) as records, coalesce(requests, 0) as requests "
        "from sync_ledger where interval_end > ? and interval_start < ? "
        "order by key_id, resource, interval_start, interval_end",
        [period.start_at, period.end_at],
    )
    all_resources = sorted(
        {r for (r,) in con.execute("select distinct resource from sync_ledger").fetchall()}
    )
    keys = sorted({r["key_id"] for r in rows} | set(expected_keys))
    resources: list[SyncCoverage] = []
    per_key: list[KeyDayCoverage] = []
    failures: list[Mapping[str, Any]] = []
    start, end = period.start_at, period.end_at
    for key_id in keys:
        spans_by_resource: dict[str, list[tuple[datetime, datetime]]] = {}
        for resource in all_resources:
            mine = [r for r in rows if r["key_id"] == key_id and r["resource"] == resource]
            ok = [r for r in mine if r["status"] in LEDGER_OK_STATUSES]
            spans = _merge(
                [
                    (_clip(r["interval_start"], start, end), _clip(r["interval_end"], start, end))
                    for r in ok
                ]
            )
            spans_by_resource[resource] = spans
            failed = [r for r in mine if r["status"] not in LEDGER_OK_STATUSES]
            for r in failed:
                lo = _clip(r["interval_start"], start, end)
                hi = _clip(r["interval_end"], start, end)
                if _covered(spans, lo, hi) < (hi - lo).total_seconds():
                    failures.append(
                        {
                            "key_id": key_id,
                            "resource": resource,
                            "interval_start": as_utc(r["interval_start"]),
                            "interval_end": as_utc(r["interval_end"]),
                            "status": r["status"],
                        }
                    )
            resources.append(
                SyncCoverage(
                    key_id=key_id,
                    resource=resource,
                    intervals_ok=len(ok),
                    intervals_failed=len(failed),
                    records=sum(int(r["records"]) for r in ok),
                    requests=sum(int(r["requests"]) for r in mine),
                    coverage=_covered(spans, start, end) / (end - start).total_seconds(),
                )
            )
        days = []
        for day in period.each_day():
            lo = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
            hi = lo + timedelta(days=1)
            shares = [_covered(s, lo, hi) / 86400 for s in spans_by_resource.values()]
            days.append((day, min(shares) if shares else 0.0))
        per_key.append(KeyDayCoverage(key_id=key_id, days=tuple(days)))
    return SyncSection(
        is_available=True,
        resources=tuple(resources),
        keys=tuple(per_key),
        failures=tuple(failures),
    )


def _clip(value: datetime, lo: datetime, hi: datetime) -> datetime:
    return min(max(as_utc(value), lo), hi)


def _merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in sorted(s for s in spans if s[1] > s[0]):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _covered(spans: list[tuple[datetime, datetime]], lo: datetime, hi: datetime) -> float:
    """Seconds of `[lo, hi)` inside the merged `spans`."""
    return sum(
        max(0.0, (min(b, hi) - max(a, lo)).total_seconds()) for a, b in spans if b > lo and a < hi
    )


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.astimezone(UTC).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
