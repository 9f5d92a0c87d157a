"""The dashboard's warehouse queries outside the findings explorer and the overview: typed
filters in, typed rows out.

SQL is assembled only from fixed fragments and whitelisted identifiers (`Where` holds both
the fragments and their bound values), so the routes hold no SQL at all. The findings
explorer (`web/findings.py`) and the overview (`web/aggregates.py`) keep their own modules:
they are the two large query families.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

import duckdb

from claude_compliance.state.triage import FindingRef
from claude_compliance.web.masking import Span
from claude_compliance.web.warehouse import Warehouse

PER_PAGE = 100
MAX_TEXT = 200
MAX_ID = 100

RowT = TypeVar("RowT")


def like(text: str) -> str:
    """`text` as an `ilike ? escape '\\'` pattern that matches it anywhere, literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def page_number(value: int) -> int:
    return max(1, min(value, 1_000_000))


@dataclass(frozen=True, slots=True)
class Where:
    """A conjunction of fixed SQL fragments and the values bound to their `?`s."""

    clauses: tuple[str, ...] = ()
    params: tuple[Any, ...] = ()

    def and_(self, clause: str, *params: Any) -> Where:
        if clause.count("?") != len(params):
            raise ValueError(f"{clause!r} binds {clause.count('?')} values, given {len(params)}")
        return Where((*self.clauses, clause), (*self.params, *params))

    @property
    def sql(self) -> str:
        return " and ".join(self.clauses) or "true"


@dataclass(frozen=True, slots=True)
class Page(Generic[RowT]):
    rows: list[RowT]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _typed(cursor: duckdb.DuckDBPyConnection, make: Callable[..., RowT]) -> list[RowT]:
    names = [d[0] for d in cursor.description or []]
    return [make(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _paged(
    cursor: duckdb.DuckDBPyConnection,
    make: Callable[..., RowT],
    *,
    source: str,
    where: Where,
    columns: str,
    order: str,
    page: int,
    per_page: int = PER_PAGE,
) -> Page[RowT]:
    """How many rows of `source` match `where`, and the `page`-th page of them as `make`s."""
    count = f"select count(*) from {source} where {where.sql}"  # noqa: S608 - fixed fragments; values bound
    total = int(cursor.execute(count, list(where.params)).fetchall()[0][0])
    listing = f"select {columns} from {source} where {where.sql} order by {order} limit ? offset ?"  # noqa: S608 - fixed fragments; values bound
    cursor.execute(listing, [*where.params, per_page, (page - 1) * per_page])
    return Page(_typed(cursor, make), total, page, per_page)


# --- organizations --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Organization:
    organization_uuid: str
    organization_name: str
    user_count: int | None = None
    created_at: datetime | None = None


def organizations(warehouse: Warehouse) -> list[Organization]:
    """Every organization by name (its uuid where it has none); memoised per publish."""

    def load() -> list[Organization]:
        if not warehouse.has("organizations"):
            return []
        with warehouse.cursor() as cursor:
            cursor.execute(
                "select organization_uuid, "
                "coalesce(organization_name, organization_uuid) as organization_name, "
                "user_count, created_at from organizations order by 2"
            )
            return _typed(cursor, Organization)

    return warehouse.memo("organizations", load)


def organization_names(warehouse: Warehouse) -> dict[str, str]:
    return dict(organization_choices(warehouse))


def organization_choices(warehouse: Warehouse) -> list[tuple[str, str]]:
    """(uuid, name) pairs in name order: what the pages' organization selects list."""
    return [(o.organization_uuid, o.organization_name) for o in organizations(warehouse)]


# --- users by risk --------------------------------------------------------------------------

RISK_SORTS = {
    "risk": "risk_score",
    "critical": "critical_count",
    "high": "high_count",
    "findings": "finding_count",
    "inputs": "inputs_scanned",
    "last": "last_finding_at",
    "email": "user_email",
}


@dataclass(frozen=True, slots=True)
class RiskRow:
    user_id: str
    organization_uuid: str
    user_email: str | None
    critical_count: int
    high_count: int
    medium_count: int
    low_count: int
    finding_count: int
    inputs_scanned: int
    inputs_with_findings: int
    last_finding_at: datetime | None
    risk_score: float
    organization_name: str = ""


def user_risk(
    warehouse: Warehouse, *, sort: str, organization: str | None, q: str | None, page: int
) -> Page[RiskRow]:
    """One page of `user_risk`, riskiest first unless `sort` (a `RISK_SORTS` key) says else."""
    column = RISK_SORTS.get(sort, "risk_score")
    direction = "asc" if column == "user_email" else "desc"
    where = Where()
    if organization:
        where = where.and_("organization_uuid = ?", organization)
    if q and len(q) <= MAX_TEXT:
        where = where.and_("(user_email ilike ? escape '\\' or user_id = ?)", like(q), q)
    with warehouse.cursor() as cursor:
        found = _paged(
            cursor,
            RiskRow,
            source="user_risk",
            where=where,
            columns="user_id, organization_uuid, user_email, critical_count, high_count, "
            "medium_count, low_count, finding_count, inputs_scanned, inputs_with_findings, "
            "last_finding_at, risk_score",
            order=f"{column} {direction} nulls last, user_id",
            page=page_number(page),
        )
    names = organization_names(warehouse)
    rows = [
        dataclasses.replace(
            r, organization_name=names.get(r.organization_uuid, r.organization_uuid)
        )
        for r in found.rows
    ]
    return dataclasses.replace(found, rows=rows)


# --- sync health ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncHealth:
    """One key × resource's record in the sync ledger."""

    key_id: str
    resource: str
    last_ok_end: datetime | None
    last_end: datetime | None
    last_status: str | None
    last_records: int | None
    records: int | None
    failed: int
    last_finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class SyncFailure:
    key_id: str
    resource: str
    interval_start: datetime | None
    interval_end: datetime | None
    detail: str | None
    finished_at: datetime | None


def sync_health(warehouse: Warehouse) -> tuple[list[SyncHealth], list[SyncFailure]]:
    """Each key × resource's latest sync, and the 50 latest failed intervals."""
    if not warehouse.has("sync_ledger"):
        return [], []
    with warehouse.cursor() as cursor:
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
        health = _typed(cursor, SyncHealth)
        cursor.execute(
            "select key_id, resource, interval_start, interval_end, detail, finished_at "
            "from sync_ledger where status = 'failed' order by finished_at desc nulls last "
            "limit 50"
        )
        return health, _typed(cursor, SyncFailure)


# --- the activity feed ----------------------------------------------------------------------

# Activity type groups (the feed has ~500 types; these are the ones analysts ask for).
ACTIVITY_GROUPS: dict[str, tuple[str, str]] = {
    "logins": ("Logins", "(a.activity_type like '%login%' or a.activity_type like '%logout%')"),
    "chats": ("Chat interactions", "a.activity_type like 'claude\\_chat\\_%' escape '\\'"),
    "files": (
        "File uploads",
        "(a.activity_type like '%\\_uploaded' escape '\\' or a.activity_type like '%file%')",
    ),
    "projects": ("Projects", "a.activity_type like 'claude\\_project\\_%' escape '\\'"),
    "admin": (
        "Administrative",
        "(a.activity_type like 'org\\_%' escape '\\' or a.activity_type like 'rbac\\_%' "
        "escape '\\' or a.activity_type like '%api\\_key%' escape '\\' "
        "or a.activity_type like 'group\\_%' escape '\\' "
        "or a.activity_type like 'role\\_%' escape '\\' "
        "or a.activity_type like '%settings\\_updated' escape '\\' "
        "or a.activity_type like 'admin\\_%' escape '\\' or a.activity_type like '%invite%' "
        "or a.activity_type like '%role\\_updated' escape '\\')",
    ),
}


@dataclass(frozen=True, slots=True)
class ActivityFilter:
    """The feed's filters; days are inclusive (`end` keeps that whole day)."""

    start: date | None = None
    end: date | None = None
    group: str | None = None
    activity_type: str | None = None
    user: str | None = None
    organization: str | None = None
    page: int = 1

    def where(self) -> Where:
        where = Where()
        if self.start:
            where = where.and_("a.created_at >= ?", _midnight(self.start))
        if self.end:
            where = where.and_("a.created_at < ?", _midnight(self.end + timedelta(days=1)))
        if self.group in ACTIVITY_GROUPS:
            where = where.and_(ACTIVITY_GROUPS[self.group][1])
        if self.activity_type and len(self.activity_type) <= MAX_ID:
            where = where.and_("a.activity_type = ?", self.activity_type)
        if self.user and len(self.user) <= MAX_TEXT:
            where = where.and_(
                "(a.actor_user_id = ? or a.actor_email ilike ? escape '\\')",
                self.user,
                like(self.user),
            )
        if self.organization and len(self.organization) <= MAX_ID:
            where = where.and_("a.organization_uuid = ?", self.organization)
        return where


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Activity:
    activity_id: str
    created_at: datetime
    activity_type: str
    organization_uuid: str | None
    actor_type: str | None
    actor_user_id: str | None
    actor_email: str | None
    chat_id: str | None
    project_id: str | None
    file_id: str | None


def activities(warehouse: Warehouse, feed: ActivityFilter) -> Page[Activity]:
    with warehouse.cursor() as cursor:
        return _paged(
            cursor,
            Activity,
            source="activities a",
            where=feed.where(),
            columns="a.activity_id, a.created_at, a.activity_type, a.organization_uuid, "
            "a.actor_type, a.actor_user_id, a.actor_email, a.chat_id, a.project_id, a.file_id",
            order="a.created_at desc, a.activity_id",
            page=page_number(feed.page),
        )


def activity_types(warehouse: Warehouse) -> list[str]:
    def load() -> list[str]:
        with warehouse.cursor() as cursor:
            rows = cursor.execute("select distinct activity_type from activities order by 1")
            return [str(r[0]) for r in rows.fetchall()]

    return warehouse.memo("activity_types", load)


# --- the directory --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DirectoryUser:
    user_id: str
    organization_uuid: str
    user_email: str | None
    full_name: str | None
    organization_role: str | None
    joined_at: datetime | None


def directory_users(
    warehouse: Warehouse, *, organization: str | None, q: str | None, page: int
) -> Page[DirectoryUser]:
    where = Where()
    if organization and len(organization) <= MAX_ID:
        where = where.and_("u.organization_uuid = ?", organization)
    if q and len(q) <= MAX_TEXT:
        where = where.and_(
            "(u.user_email ilike ? escape '\\' or u.full_name ilike ? escape '\\' "
            "or u.user_id = ?)",
            like(q),
            like(q),
            q,
        )
    with warehouse.cursor() as cursor:
        return _paged(
            cursor,
            DirectoryUser,
            source="users u",
            where=where,
            columns="u.user_id, u.organization_uuid, u.user_email, u.full_name, "
            "u.organization_role, u.joined_at",
            order="u.user_email",
            page=page_number(page),
        )


@dataclass(frozen=True, slots=True)
class Listed:
    """A chat or a project in the directory; `name` is the raw name until masked."""

    id: str
    name: str | None
    key_id: str
    organization_uuid: str | None
    user_id: str | None
    user_email: str | None
    created_at: datetime | None
    updated_at: datetime | None
    is_deleted: bool | None
    finding_count: int
    model: str | None = None
    href: str | None = None
    is_private: bool | None = None


# table -> (its id column, its name column, what else the listing shows)
LISTINGS: dict[str, tuple[str, str, str]] = {
    "chats": ("chat_id", "chat_name", "model, href"),
    "projects": ("project_id", "project_name", "is_private"),
}


def listing(
    warehouse: Warehouse,
    table: Literal["chats", "projects"],
    *,
    user: str | None,
    organization: str | None,
    page: int,
) -> Page[Listed]:
    id_col, name_col, extra = LISTINGS[table]
    where = Where()
    if user and len(user) <= MAX_TEXT:
        where = where.and_("(t.user_id = ? or t.user_email ilike ? escape '\\')", user, like(user))
    if organization and len(organization) <= MAX_ID:
        where = where.and_("t.organization_uuid = ?", organization)
    counts = (
        f"(select count(*) from findings f where f.{id_col} = t.{id_col})"  # noqa: S608 - fixed identifiers
        if warehouse.has("findings")
        else "0"
    )
    with warehouse.cursor() as cursor:
        return _paged(
            cursor,
            Listed,
            source=f"{table} t",
            where=where,
            columns=f"t.{id_col} as id, t.{name_col} as name, t.key_id, t.organization_uuid, "
            f"t.user_id, t.user_email, t.created_at, t.updated_at, t.is_deleted, {extra}, "
            f"{counts} as finding_count",
            order="t.updated_at desc nulls last, id",
            page=page_number(page),
        )


# --- one chat, project or session -----------------------------------------------------------

# table -> its id column: the only tables a conversation page reads one row of
CONVERSATIONS = {"chats": "chat_id", "projects": "project_id", "sessions": "session_id"}


def conversation_item(warehouse: Warehouse, table: str, item_id: str) -> dict[str, Any] | None:
    """The mart row of one chat, project or session (every column: the page shows them)."""
    column = CONVERSATIONS[table]
    if len(item_id) > MAX_ID or not warehouse.has(table):
        return None
    with warehouse.cursor() as cursor:
        cursor.execute(f"select * from {table} where {column} = ?", [item_id])  # noqa: S608 - fixed identifiers; value bound
        names = [d[0] for d in cursor.description or []]
        row = cursor.fetchone()
    return dict(zip(names, row, strict=True)) if row else None


def recorded_spans(
    warehouse: Warehouse, table: str, item_id: str
) -> dict[tuple[str, str], list[Span]]:
    """The warehouse's findings of one chat, project or session, by (source, source_id)."""
    column = CONVERSATIONS[table]
    spans: dict[tuple[str, str], list[Span]] = {}
    if not warehouse.has("findings"):
        return spans
    with warehouse.cursor() as cursor:
        rows = cursor.execute(
            "select source, source_id, finding_id, start_offset, end_offset, redacted_match, "  # noqa: S608 - fixed identifiers; value bound
            f"severity from findings where {column} = ?",
            [item_id],
        ).fetchall()
    for source, source_id, finding_id, start, end, preview, severity in rows:
        spans.setdefault((str(source), str(source_id)), []).append(
            Span(int(start), int(end), str(preview), str(finding_id), str(severity))
        )
    return spans


# --- triage ---------------------------------------------------------------------------------

MAX_BULK = 1000


def finding_refs(warehouse: Warehouse, finding_ids: list[str]) -> list[FindingRef]:
    """What triage records of each finding (at most `MAX_BULK`, ids of a plausible length)."""
    ids = sorted({i for i in finding_ids if i and len(i) <= 64})[:MAX_BULK]
    if not ids:
        return []
    with warehouse.cursor() as cursor:
        cursor.execute(
            "select finding_id, fingerprint, detector, user_id from findings "  # noqa: S608 - one bound ? per id
            f"where finding_id in ({', '.join('?' * len(ids))})",
            ids,
        )
        return [FindingRef(str(a), b, c, d) for a, b, c, d in cursor.fetchall()]
