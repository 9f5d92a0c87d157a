"""The findings explorer's queries: filters parsed from the URL into bound DuckDB SQL.

Nothing from the request is ever spliced into SQL: values are bound parameters, sort keys
and enumerations come from fixed whitelists, and unknown values are dropped with a message.
Text filters are plain substring tests (`contains`), so `%` and `_` mean themselves.
Triage decisions and suppressions live in the state DB; `build_marks` resolves them to row
ids once per published version and state change, and pages join that small `marks` table.
"""

from __future__ import annotations

import csv
import io
import re
import typing
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import duckdb
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, field_validator

from claude_compliance.scan.sources import SOURCE_NAMES
from claude_compliance.state.triage import TriageStatus, TriageTables
from claude_compliance.web.warehouse import records
from scanners.model import Category

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")
SOURCES = SOURCE_NAMES
# The engine's own vocabulary: a new category reaches the filters without a second list.
CATEGORIES = tuple(category.value for category in Category)
STATUSES = tuple(s.value for s in TriageStatus)
SUPPRESSED_MODES = ("hide", "include", "only")
PER_PAGE = (25, 50, 100, 200)
RANGES = {"24h": 1, "7d": 7, "30d": 30, "90d": 90, "365d": 365}
MAX_TEXT = 200
# The Compliance API's user ids (`user_01PYtgp3…`); any other user filter matches emails.
USER_ID = re.compile(r"^user_[A-Za-z0-9]+$")

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

# What the list shows (the CSV adds the rest): fewer wide columns make the top-N cheaper.
LIST_COLUMNS = (
    "f.finding_id, f.organization_uuid, f.organization_name, f.user_id, f.user_email, "
    "f.source, f.occurred_at, f.detector, f.category, f.severity, f.redacted_match"
)
COLUMNS = (
    "f.finding_id, f.key_id, f.organization_uuid, f.organization_name, f.user_id, "
    "f.user_email, f.source, f.source_id, f.chat_id, f.project_id, f.occurred_at, f.detector, "
    "f.category, f.severity, f.redacted_match, f.fingerprint, f.session_id, f.location"
)


class FindingQuery(BaseModel):
    """The findings filter as the URL carries it, parsed by FastAPI
    (`Annotated[FindingQuery, Query()]`); `FindingFilter.from_query` then applies the
    whitelists. Unknown parameters are ignored; a page number that is not a number is a 422."""

    model_config = ConfigDict(extra="ignore")

    start: str | None = None
    end: str | None = None
    range: str | None = None
    severity: list[str] = Field(default_factory=list)
    user: str | None = None
    organization: str | None = None
    source: list[str] = Field(default_factory=list)
    category: list[str] = Field(default_factory=list)
    detector: str | None = None
    status: str | None = None
    q: str | None = None
    key: str | None = None
    fingerprint: str | None = None
    suppressed: str | None = None
    sort: str | None = None
    order: str | None = None
    page: int | None = None
    per_page: int | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        """`?q=` is no filter; list values lose their blanks (`?severity=&severity=HIGH`)."""
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, list):
            return [v.strip() for v in value if isinstance(v, str) and v.strip()]
        return value


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
    def from_query(cls, query: FindingQuery, *, today: date | None = None) -> FindingFilter:
        """The filter a parsed query asks for: values outside the whitelists are dropped, each
        with a message the page shows (a stale link still opens, saying what it ignored)."""
        problems: list[str] = []

        def text(name: str, value: str | None, limit: int = MAX_TEXT) -> str | None:
            if value and len(value) > limit:
                problems.append(f"{name} is too long (at most {limit} characters)")
                return None
            return value

        def pick(name: str, values: list[str], allowed: tuple[str, ...]) -> tuple[str, ...]:
            for value in values:
                if value not in allowed:
                    problems.append(f"ignored unknown {name} {value[:40]!r}")
            return tuple(dict.fromkeys(v for v in values if v in allowed))

        def known(name: str, value: str | None, allowed: Collection[str]) -> str | None:
            if value and value not in allowed:
                problems.append(f"ignored unknown {name} {value[:40]!r}")
                return None
            return value

        start = _date(text("start", query.start), "start", problems)
        end = _date(text("end", query.end), "end", problems)
        range_ = known("range", query.range, RANGES)
        if range_ and not (start or end):
            end = today or date.today()
            start = end - timedelta(days=RANGES[range_] - 1)
        status = known("status", query.status, (*STATUSES, "any"))
        return cls(
            start=start,
            end=end,
            range=range_,
            severities=pick("severity", query.severity, SEVERITIES),
            user=text("user", query.user),
            organization=text("organization", query.organization),
            sources=pick("source", query.source, SOURCES),
            categories=pick("category", query.category, CATEGORIES),
            detector=text("detector", query.detector, 100),
            status=None if status == "any" else status,
            text=text("q", query.q),
            key_id=text("key", query.key, 60),
            fingerprint=text("fingerprint", query.fingerprint, 128),
            suppressed=known("suppressed mode", query.suppressed, SUPPRESSED_MODES) or "hide",
            sort=known("sort", query.sort, SORTS) or "occurred_at",
            order=query.order if query.order in ("asc", "desc") else "desc",
            page=min(max(query.page or 1, 1), 1_000_000),
            per_page=query.per_page if query.per_page in PER_PAGE else 50,
            problems=tuple(problems),
        )

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, today: date | None = None) -> FindingFilter:
        """Parse raw query parameters (a Starlette QueryParams or a mapping of lists) the way
        FastAPI parses `FindingQuery` for the routes: for scripts and benchmarks."""
        getlist = getattr(params, "getlist", None)
        raw: dict[str, Any] = {}
        for name, info in FindingQuery.model_fields.items():
            values = list(getlist(name)) if getlist else params.get(name)
            if not isinstance(values, list):
                values = [values] if values is not None else []
            if values:
                is_list = typing.get_origin(info.annotation) is list
                raw[name] = values if is_list else values[0]
        return cls.from_query(FindingQuery.model_validate(raw), today=today)

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


MARKS_SCHEMA = pa.schema(
    [("rid", pa.int64()), ("status", pa.string()), ("suppression_id", pa.int64())]
)


def build_marks(cursor: duckdb.DuckDBPyConnection, tables: TriageTables) -> pa.Table:
    """The findings of this warehouse version that carry a triage status or a suppression,
    by `rowid`: `marks(rid, status, suppression_id)`.

    Triage and suppressions match findings on long strings (finding id, fingerprint); doing
    that once per published version and state change, then joining every page on an integer
    row id, keeps the explorer fast at a million findings.
    """
    marks = tables.marks_sql("f.rowid as rid")
    if marks is None:
        return MARKS_SCHEMA.empty_table()
    register_tables(cursor, tables)
    table: pa.Table = cursor.sql(
        f"select rid, status, suppression_id from ({marks})"  # noqa: S608 - constant fragments
    ).to_arrow_table()
    return table.cast(MARKS_SCHEMA)


def register_tables(cursor: duckdb.DuckDBPyConnection, tables: TriageTables) -> None:
    tables.register(cursor)


@dataclass(slots=True)
class _Sql:
    joins: str
    where: list[str]
    params: list[Any]
    status_expr: str
    suppression_expr: str


def _build(f: FindingFilter, marks: pa.Table) -> _Sql:
    where: list[str] = []
    params: list[Any] = []
    joins, status_expr, suppression_expr = "", "'open'", "null::bigint"
    if marks.num_rows:
        joins = "left join marks x on x.rid = f.rowid"
        status_expr, suppression_expr = "coalesce(x.status, 'open')", "x.suppression_id"
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
    if f.user and USER_ID.match(f.user):
        where.append("f.user_id = ?")
        params.append(f.user)
    elif f.user:
        # contains(lower(…)) is pushed into the scan; ILIKE … ESCAPE is not (10x slower)
        where.append("contains(lower(f.user_email), ?)")
        params.append(f.user.lower())
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
    if f.text and f.text.lower() == f.text.upper():
        # nothing to fold (digits, bullets, punctuation): skip the case folding
        where.append("contains(f.redacted_match, ?)")
        params.append(f.text)
    elif f.text:
        where.append("contains(lower(f.redacted_match), ?)")
        params.append(f.text.lower())
    if f.status:
        where.append(f"{status_expr} = ?")
        params.append(f.status)
    return _Sql(joins, where, params, status_expr, suppression_expr)


def _where(where: list[str]) -> str:
    return f"where {' and '.join(where)}" if where else ""


def _visible(sql: _Sql, suppressed: str) -> list[str]:
    if suppressed == "hide":
        return [*sql.where, f"{sql.suppression_expr} is null"]
    if suppressed == "only":
        return [*sql.where, f"{sql.suppression_expr} is not null"]
    return list(sql.where)


def _order(f: FindingFilter) -> str:
    direction = "asc" if f.order == "asc" else "desc"
    # rowid breaks ties: stable within a published version and far cheaper than a string
    return f"{SORTS[f.sort]} {direction} nulls last, f.occurred_at desc, f.rowid"


def search(cursor: duckdb.DuckDBPyConnection, f: FindingFilter, marks: pa.Table) -> Page:
    """One page of findings matching `f`, the total, and how many suppressed are hidden."""
    cursor.register("marks", marks)
    sql = _build(f, marks)
    base = f"from findings f {sql.joins} {_where(sql.where)}"
    counts = cursor.execute(
        f"select count(*) filter (where {sql.suppression_expr} is null), "
        f"count(*) filter (where {sql.suppression_expr} is not null) {base}",
        sql.params,
    ).fetchall()[0]
    visible, hidden = int(counts[0]), int(counts[1])
    total = {"hide": visible, "only": hidden, "include": visible + hidden}[f.suppressed]
    pages = max(1, -(-total // f.per_page))
    page = min(f.page, pages)
    cursor.execute(
        f"select {LIST_COLUMNS}, {sql.status_expr} as status, "  # noqa: S608 - whitelisted fragments; values are bound parameters
        f"{sql.suppression_expr} as suppression_id from findings f {sql.joins} "
        f"{_where(_visible(sql, f.suppressed))} order by {_order(f)} limit ? offset ?",
        [*sql.params, f.per_page, (page - 1) * f.per_page],
    )
    rows = records(cursor)
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
    "session_id",
    "location",
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
    cursor: duckdb.DuckDBPyConnection, f: FindingFilter, marks: pa.Table
) -> Iterator[str]:
    """Every finding matching `f` (no paging) as CSV text chunks; masked previews only."""
    cursor.register("marks", marks)
    sql = _build(f, marks)
    cursor.execute(
        f"select {COLUMNS}, {sql.status_expr} as status, "  # noqa: S608 - whitelisted fragments; values are bound parameters
        f"{sql.suppression_expr} as suppression_id from findings f {sql.joins} "
        f"{_where(_visible(sql, f.suppressed))} order by {_order(f)}",
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
