"""The findings explorer's queries: filters parsed from the URL into bound DuckDB SQL.

Nothing from the request is ever spliced into SQL: values are bound parameters, sort keys
and enumerations come from fixed whitelists, and unknown values are dropped with a message.
Triage decisions and suppressions live in the state DB; they join in as Arrow tables
registered on the request's cursor (`triage`, `sup_fp`, `sup_du`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import duckdb

from claude_compliance.state.triage import TriageStatus, TriageTables

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")
SOURCES = (
    "chat_message",
    "chat_file",
    "project_description",
    "project_instruction",
    "project_file",
)
CATEGORIES = (
    "ssn",
    "credit_card",
    "api_key",
    "private_key",
    "password",
    "bearer_token",
    "email",
    "phone",
    "ip_address",
)
STATUSES = tuple(s.value for s in TriageStatus)
SUPPRESSED_MODES = ("hide", "include", "only")
PER_PAGE = (25, 50, 100, 200)
RANGES = {"24h": 1, "7d": 7, "30d": 30, "90d": 90, "365d": 365}
MAX_TEXT = 200

SEVERITY_RANK_SQL = (
    "case f.severity when 'CRITICAL' then 4 when 'HIGH' then 3 when 'MEDIUM' then 2 "
    "when 'LOW' then 1 else 0 end"
)
SORTS: dict[str, str] = {
    "occurred_at": "f.occurred_at",
    "severity": SEVERITY_RANK_SQL,
    "detector": "f.detector",
    "category": "f.category",
    "source": "f.source",
    "user": "f.user_email",
    "organization": "f.organization_name",
    "status": "status",
}

COLUMNS = (
    "f.finding_id, f.key_id, f.organization_uuid, f.organization_name, f.user_id, "
    "f.user_email, f.source, f.source_id, f.chat_id, f.project_id, f.occurred_at, f.detector, "
    "f.category, f.severity, f.redacted_match, f.fingerprint"
)


@dataclass(frozen=True, slots=True)
class FindingFilter:
    start: date | None = None
    end: date | None = None
    range: str | None = None
    severities: tuple[str, ...] = ()
    user: str | None = None
    organization: str | None = None
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    detector: str | None = None
    status: str | None = None
    text: str | None = None
    key_id: str | None = None
    fingerprint: str | None = None
    suppressed: str = "hide"
    sort: str = "occurred_at"
    order: str = "desc"
    page: int = 1
    per_page: int = 50
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, today: date | None = None) -> FindingFilter:
        """Parse query parameters (a Starlette QueryParams or a plain mapping of lists)."""
        problems: list[str] = []

        def many(name: str) -> list[str]:
            getlist = getattr(params, "getlist", None)
            if getlist is not None:
                values = list(getlist(name))
            else:
                raw = params.get(name)
                values = raw if isinstance(raw, list) else ([raw] if raw else [])
            return [v for v in (str(x).strip() for x in values) if v]

        def one(name: str, limit: int = MAX_TEXT) -> str | None:
            values = many(name)
            if not values:
                return None
            value = values[0]
            if len(value) > limit:
                problems.append(f"{name} is too long (at most {limit} characters)")
                return None
            return value

        def pick(name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
            chosen = []
            for value in many(name):
                if value in allowed:
                    chosen.append(value)
                else:
                    problems.append(f"ignored unknown {name} {value[:40]!r}")
            return tuple(dict.fromkeys(chosen))

        start = _date(one("start"), "start", problems)
        end = _date(one("end"), "end", problems)
        range_ = one("range")
        if range_ and range_ not in RANGES:
            problems.append(f"ignored unknown range {range_[:20]!r}")
            range_ = None
        if range_ and not (start or end):
            end = today or date.today()
            start = end - timedelta(days=RANGES[range_] - 1)
        status = one("status")
        if status and status not in (*STATUSES, "any"):
            problems.append(f"ignored unknown status {status[:40]!r}")
            status = None
        suppressed = one("suppressed") or "hide"
        if suppressed not in SUPPRESSED_MODES:
            problems.append("ignored unknown suppressed mode")
            suppressed = "hide"
        sort = one("sort") or "occurred_at"
        if sort not in SORTS:
            problems.append(f"ignored unknown sort {sort[:40]!r}")
            sort = "occurred_at"
        order = one("order") or "desc"
        if order not in ("asc", "desc"):
            order = "desc"
        page = _int(one("page"), 1, 1, 1_000_000)
        per_page = _int(one("per_page"), 50, 1, 200)
        if per_page not in PER_PAGE:
            per_page = 50
        return cls(
            start=start,
            end=end,
            range=range_,
            severities=pick("severity", SEVERITIES),
            user=one("user"),
            organization=one("organization"),
            sources=pick("source", SOURCES),
            categories=pick("category", CATEGORIES),
            detector=one("detector", 100),
            status=None if status == "any" else status,
            text=one("q"),
            key_id=one("key", 60),
            fingerprint=one("fingerprint", 128),
            suppressed=suppressed,
            sort=sort,
            order=order,
            page=page,
            per_page=per_page,
            problems=tuple(problems),
        )

    def params(self, **overrides: Any) -> list[tuple[str, str]]:
        """This filter as query parameters (for links), with `overrides` applied."""
        f = replace(self, **overrides) if overrides else self
        pairs: list[tuple[str, str]] = []
        if f.range:
            pairs.append(("range", f.range))
        else:
            if f.start:
                pairs.append(("start", f.start.isoformat()))
            if f.end:
                pairs.append(("end", f.end.isoformat()))
        pairs += [("severity", s) for s in f.severities]
        pairs += [("source", s) for s in f.sources]
        pairs += [("category", c) for c in f.categories]
        for name, value in (
            ("user", f.user),
            ("organization", f.organization),
            ("detector", f.detector),
            ("status", f.status),
            ("q", f.text),
            ("key", f.key_id),
            ("fingerprint", f.fingerprint),
        ):
            if value:
                pairs.append((name, value))
        if f.suppressed != "hide":
            pairs.append(("suppressed", f.suppressed))
        if f.sort != "occurred_at" or f.order != "desc":
            pairs += [("sort", f.sort), ("order", f.order)]
        if f.per_page != 50:
            pairs.append(("per_page", str(f.per_page)))
        if f.page != 1:
            pairs.append(("page", str(f.page)))
        return pairs

    def query(self, **overrides: Any) -> str:
        return urlencode(self.params(**overrides))

    @property
    def is_filtered(self) -> bool:
        return bool(self.params(page=1, sort="occurred_at", order="desc", per_page=50))


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    suppressed: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _date(value: str | None, name: str, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"ignored {name}: not a date (YYYY-MM-DD)")
        return None


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value) if value else default
    except ValueError:
        return default
    return min(max(number, low), high)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(slots=True)
class _Sql:
    joins: list[str]
    where: list[str]
    params: list[Any]
    status_expr: str
    suppression_expr: str


def _build(f: FindingFilter, tables: TriageTables) -> _Sql:
    joins: list[str] = []
    where: list[str] = []
    params: list[Any] = []
    status_expr = "'open'"
    if tables.triage.num_rows:
        joins.append("left join triage t on t.finding_id = f.finding_id")
        status_expr = "coalesce(t.status, 'open')"
    sup_terms = []
    if tables.suppressed_fingerprints.num_rows:
        joins.append("left join sup_fp on sup_fp.fingerprint = f.fingerprint")
        sup_terms.append("sup_fp.suppression_id")
    if tables.suppressed_detector_users.num_rows:
        joins.append(
            "left join sup_du on sup_du.detector = f.detector and sup_du.user_id = f.user_id"
        )
        sup_terms.append("sup_du.suppression_id")
    suppression_expr = f"coalesce({', '.join(sup_terms)})" if sup_terms else "null::bigint"
    if len(sup_terms) == 1:
        suppression_expr = sup_terms[0]
    if f.start:
        where.append("f.occurred_at >= ?")
        params.append(datetime(f.start.year, f.start.month, f.start.day, tzinfo=UTC))
    if f.end:
        end = f.end + timedelta(days=1)
        where.append("f.occurred_at < ?")
        params.append(datetime(end.year, end.month, end.day, tzinfo=UTC))
    if f.severities:
        where.append(f"f.severity in ({', '.join('?' * len(f.severities))})")
        params += list(f.severities)
    if f.sources:
        where.append(f"f.source in ({', '.join('?' * len(f.sources))})")
        params += list(f.sources)
    if f.categories:
        where.append(f"f.category in ({', '.join('?' * len(f.categories))})")
        params += list(f.categories)
    if f.user:
        where.append("(f.user_id = ? or f.user_email ilike ? escape '\\')")
        params += [f.user, _like(f.user)]
    if f.organization:
        where.append("(f.organization_uuid = ? or f.organization_name = ?)")
        params += [f.organization, f.organization]
    if f.detector:
        where.append("f.detector = ?")
        params.append(f.detector)
    if f.key_id:
        where.append("f.key_id = ?")
        params.append(f.key_id)
    if f.fingerprint:
        where.append("f.fingerprint = ?")
        params.append(f.fingerprint)
    if f.text:
        where.append("f.redacted_match ilike ? escape '\\'")
        params.append(_like(f.text))
    if f.status:
        where.append(f"{status_expr} = ?")
        params.append(f.status)
    return _Sql(joins, where, params, status_expr, suppression_expr)


def register_tables(cursor: duckdb.DuckDBPyConnection, tables: TriageTables) -> None:
    cursor.register("triage", tables.triage)
    cursor.register("sup_fp", tables.suppressed_fingerprints)
    cursor.register("sup_du", tables.suppressed_detector_users)


def _from(sql: _Sql, suppressed: str) -> tuple[str, list[str]]:
    where = list(sql.where)
    if suppressed == "hide":
        where.append(f"{sql.suppression_expr} is null")
    elif suppressed == "only":
        where.append(f"{sql.suppression_expr} is not null")
    clause = f"from findings f {' '.join(sql.joins)}"
    return clause, where


def _where(where: list[str]) -> str:
    return f"where {' and '.join(where)}" if where else ""


def search(cursor: duckdb.DuckDBPyConnection, f: FindingFilter, tables: TriageTables) -> Page:
    """One page of findings matching `f`, the total, and how many suppressed are hidden."""
    register_tables(cursor, tables)
    sql = _build(f, tables)
    base, _ = _from(sql, "include")
    counts = cursor.execute(
        f"select count(*) filter (where {sql.suppression_expr} is null), "
        f"count(*) filter (where {sql.suppression_expr} is not null) "
        f"{base} {_where(sql.where)}",
        sql.params,
    ).fetchall()[0]
    visible, hidden = int(counts[0]), int(counts[1])
    total = {"hide": visible, "only": hidden, "include": visible + hidden}[f.suppressed]
    clause, where = _from(sql, f.suppressed)
    direction = "asc" if f.order == "asc" else "desc"
    order = f"{SORTS[f.sort]} {direction} nulls last, f.occurred_at desc, f.finding_id"
    pages = max(1, -(-total // f.per_page))
    page = min(f.page, pages)
    cursor.execute(
        f"select {COLUMNS}, {sql.status_expr} as status, {sql.suppression_expr} as "
        f"suppression_id {clause} {_where(where)} order by {order} limit ? offset ?",
        [*sql.params, f.per_page, (page - 1) * f.per_page],
    )
    names = [d[0] for d in cursor.description or []]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return Page(rows=rows, total=total, suppressed=hidden, page=page, per_page=f.per_page)


CSV_COLUMNS = (
    "finding_id",
    "occurred_at",
    "severity",
    "category",
    "detector",
    "source",
    "source_id",
    "chat_id",
    "project_id",
    "organization_uuid",
    "organization_name",
    "user_id",
    "user_email",
    "redacted_match",
    "fingerprint",
    "status",
    "suppression_id",
    "key_id",
)


def export_csv(
    cursor: duckdb.DuckDBPyConnection, f: FindingFilter, tables: TriageTables
) -> Iterator[str]:
    """Every finding matching `f` (no paging) as CSV text chunks; masked previews only."""
    register_tables(cursor, tables)
    sql = _build(f, tables)
    clause, where = _from(sql, f.suppressed)
    direction = "asc" if f.order == "asc" else "desc"
    cursor.execute(
        f"select {COLUMNS}, {sql.status_expr} as status, {sql.suppression_expr} as "
        f"suppression_id {clause} {_where(where)} "
        f"order by {SORTS[f.sort]} {direction} nulls last, f.occurred_at desc, f.finding_id",
        sql.params,
    )
    names = [d[0] for d in cursor.description or []]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    while True:
        batch = cursor.fetchmany(5000)
        if not batch:
            break
        for row in batch:
            record = dict(zip(names, row, strict=True))
            writer.writerow([_cell(record.get(c)) for c in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
