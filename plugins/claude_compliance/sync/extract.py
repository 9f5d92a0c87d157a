"""Extract one key × data interval into the raw lake.

The interval rule (ARCHITECTURE §2): an interval must come out the same whether it is
synced right after it closes or months later. So chats are listed by `updated_at >= start`
with no upper bound and only the messages created inside the interval are kept; projects
likewise by `updated_at >= start`, plus every project the interval's activity feed names;
activities by `created_at` inside the interval; the directory is a snapshot.

Each table of the interval is written only after all of its pages arrived, so an API
failure leaves that table's previous partition intact and the error propagates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claude_compliance.api import (
    ComplianceAPIError,
    ComplianceClient,
    NotFoundError,
    PermissionDeniedError,
)
from claude_compliance.api.client import Page
from claude_compliance.api.pagination import CursorPaginator, PageTokenPaginator
from claude_compliance.lake.interval import Interval, parse_timestamp
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import Written, write_interval
from claude_compliance.sync import records
from claude_compliance.sync.content import fetch_text

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]

PROJECT_ACTIVITY_TYPES = frozenset(
    {
        "claude_project_created",
        "claude_project_document_uploaded",
        "claude_project_document_updated",
        "claude_project_file_uploaded",
    }
)


@dataclass(slots=True)
class TableReport:
    """One line of the completeness ledger: what one table of one interval took."""

    table: str
    status: str = "ok"
    records: int = 0
    requests: int = 0
    first_cursor: str | None = None
    last_cursor: str | None = None
    last_request_id: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    detail: str | None = None

    def as_manifest(self) -> dict[str, Any]:
        document = asdict(self)
        for name in ("started_at", "finished_at"):
            value = document[name]
            document[name] = value.isoformat() if value else None
        return document

    def as_ledger_row(self, key_id: str, interval: Interval) -> dict[str, Any]:
        return {
            **asdict(self),
            "resource": self.table,
            "key_id": key_id,
            "interval_start": interval.start,
            "interval_end": interval.end,
        }


@dataclass(frozen=True, slots=True)
class ExtractContext:
    client: ComplianceClient
    lake_dir: Path
    key_id: str
    interval: Interval
    size_cap_bytes: int
    synced_at: datetime
    progress: Progress


class _Tracker:
    """Counts the requests and cursors of one table's walk."""

    def __init__(self, ctx: ExtractContext, table: str) -> None:
        self.ctx = ctx
        self.report = TableReport(table=table)

    def page(self, page: Page) -> None:
        """Account for one list page (its requests, cursor and request id)."""
        if self.report.first_cursor is None and page.cursor:
            self.report.first_cursor = page.cursor
        if page.cursor:
            self.report.last_cursor = page.cursor
        self.call(page.attempts, page.request_id)

    def call(self, attempts: int, request_id: str | None = None) -> None:
        """Account for a single request (a detail or a download), retries included."""
        self.report.requests += attempts
        if request_id:
            self.report.last_request_id = request_id

    def write(self, rows: list[dict[str, Any]]) -> Written:
        self.report.records = len(rows)
        self.report.finished_at = datetime.now(UTC)
        written = write_interval(
            self.ctx.lake_dir,
            "raw",
            self.report.table,
            self.ctx.key_id,
            self.ctx.interval,
            rows,
            RAW[self.report.table],
            manifest=self.report.as_manifest(),
        )
        self.ctx.progress(self.report.table, len(rows))
        return written


def extract_interval(
    client: ComplianceClient,
    lake_dir: Path,
    key_id: str,
    interval: Interval,
    *,
    size_cap_bytes: int = 10 * 1024 * 1024,
    progress: Progress | None = None,
) -> list[TableReport]:
    """Sync every resource of one interval; returns the ledger lines."""
    ctx = ExtractContext(
        client=client,
        lake_dir=lake_dir,
        key_id=key_id,
        interval=interval,
        size_cap_bytes=size_cap_bytes,
        synced_at=datetime.now(UTC),
        progress=progress or (lambda _table, _rows: None),
    )
    reports: list[TableReport] = []
    try:
        orgs = _guarded(ctx, reports, ("organizations",), lambda: _organizations(ctx))
        org_ids = [row["organization_uuid"] for row in orgs or []]
        _guarded(ctx, reports, ("users",), lambda: _users(ctx, org_ids))
        activities = _guarded(ctx, reports, ("activities",), lambda: _activities(ctx)) or []
        _guarded(ctx, reports, ("chats", "chat_messages", "chat_files"), lambda: _chats(ctx))
        named = {
            str(a["claude_project_id"])
            for a in activities
            if a.get("type") in PROJECT_ACTIVITY_TYPES and a.get("claude_project_id")
        }
        _guarded(ctx, reports, ("projects", "project_attachments"), lambda: _projects(ctx, named))
    finally:
        write_interval(
            lake_dir,
            "raw",
            "sync_ledger",
            key_id,
            interval,
            [r.as_ledger_row(key_id, interval) for r in reports],
            RAW["sync_ledger"],
            manifest={"status": "failed" if any(r.status == "failed" for r in reports) else "ok"},
        )
    return reports


def _guarded(
    ctx: ExtractContext,
    reports: list[TableReport],
    tables: tuple[str, ...],
    work: Callable[[], tuple[list[TableReport], list[dict[str, Any]]]],
) -> list[dict[str, Any]] | None:
    """Run one resource family; a missing scope is reported and skipped, not failed."""
    try:
        family_reports, rows = work()
    except ComplianceAPIError as exc:
        if not isinstance(exc, PermissionDeniedError):
            # Nothing of this family was written: its previous partitions stay as they were.
            now = datetime.now(UTC)
            reports.extend(
                TableReport(table=t, status="failed", detail=str(exc), finished_at=now)
                for t in tables
            )
            raise
        log.warning("key %s has no scope for %s: skipped (%s)", ctx.key_id, tables, exc.message)
        for table in tables:
            tracker = _Tracker(ctx, table)
            tracker.report.status = "skipped_no_scope"
            tracker.report.detail = exc.message
            tracker.write([])
            reports.append(tracker.report)
        return None
    reports.extend(family_reports)
    return rows


def _organizations(ctx: ExtractContext) -> tuple[list[TableReport], list[dict[str, Any]]]:
    tracker = _Tracker(ctx, "organizations")
    rows: list[dict[str, Any]] = []
    pages = ctx.client.paginate(
        "/v1/compliance/organizations", PageTokenPaginator(), {"limit": 1000}
    )
    for page in pages:
        tracker.page(page)
        rows.extend(records.organization_row(r, ctx.key_id, ctx.synced_at) for r in page.items)
    tracker.write(rows)
    return [tracker.report], rows


def _users(
    ctx: ExtractContext, org_ids: Iterable[str]
) -> tuple[list[TableReport], list[dict[str, Any]]]:
    tracker = _Tracker(ctx, "users")
    rows: list[dict[str, Any]] = []
    for org_id in org_ids:
        pages = ctx.client.paginate(
            f"/v1/compliance/organizations/{org_id}/users", PageTokenPaginator(), {"limit": 1000}
        )
        for page in pages:
            tracker.page(page)
            rows.extend(records.user_row(r, org_id, ctx.key_id, ctx.synced_at) for r in page.items)
    tracker.write(rows)
    return [tracker.report], rows


def _activities(ctx: ExtractContext) -> tuple[list[TableReport], list[dict[str, Any]]]:
    tracker = _Tracker(ctx, "activities")
    by_id: dict[str, dict[str, Any]] = {}
    params = {
        "limit": 5000,
        "created_at.gte": ctx.interval.start,
        "created_at.lt": ctx.interval.end,
    }
    for page in ctx.client.paginate("/v1/compliance/activities", CursorPaginator(), params):
        tracker.page(page)
        for record in page.items:
            by_id[record["id"]] = record
    rows = [records.activity_row(r, ctx.key_id, ctx.synced_at) for r in by_id.values()]
    tracker.write(rows)
    return [tracker.report], [dict(r) for r in by_id.values()]


def _chats(ctx: ExtractContext) -> tuple[list[TableReport], list[dict[str, Any]]]:
    chats_t = _Tracker(ctx, "chats")
    messages_t = _Tracker(ctx, "chat_messages")
    files_t = _Tracker(ctx, "chat_files")
    chat_rows: list[dict[str, Any]] = []
    message_rows: list[dict[str, Any]] = []
    file_rows: list[dict[str, Any]] = []
    listing = ctx.client.paginate(
        "/v1/compliance/apps/chats",
        CursorPaginator(),
        {"order_by": "updated_at", "updated_at.gte": ctx.interval.start, "limit": 1000},
    )
    for page in listing:
        chats_t.page(page)
        for chat in page.items:
            created_at = parse_timestamp(chat.get("created_at"))
            if created_at is not None and created_at >= ctx.interval.end:
                continue  # created after the interval: none of its messages can be in it
            messages = _chat_messages(ctx, messages_t, chat["id"])
            if not messages and not (created_at and ctx.interval.contains(created_at)):
                continue
            chat_rows.append(records.chat_row(chat, ctx.key_id, ctx.synced_at))
            is_deleted = bool(chat.get("deleted_at"))
            for message in messages:
                message_rows.append(
                    records.message_row(message, chat["id"], ctx.key_id, ctx.synced_at)
                )
                for meta in message.get("files") or []:
                    file_rows.append(
                        _chat_file_row(ctx, files_t, chat["id"], message, meta, is_deleted)
                    )
    chats_t.write(chat_rows)
    messages_t.write(message_rows)
    files_t.write(file_rows)
    return [chats_t.report, messages_t.report, files_t.report], chat_rows


def _chat_messages(ctx: ExtractContext, tracker: _Tracker, chat_id: str) -> list[Mapping[str, Any]]:
    messages: list[Mapping[str, Any]] = []
    pages = ctx.client.paginate(
        f"/v1/compliance/apps/chats/{chat_id}/messages",
        CursorPaginator(items_key="chat_messages"),
        {"created_at.gte": ctx.interval.start, "created_at.lt": ctx.interval.end, "limit": 1000},
    )
    for page in pages:
        tracker.page(page)
        messages.extend(page.items)
    return messages


def _chat_file_row(
    ctx: ExtractContext,
    tracker: _Tracker,
    chat_id: str,
    message: Mapping[str, Any],
    meta: Mapping[str, Any],
    is_deleted: bool,
) -> dict[str, Any]:
    file_id = str(meta["id"])
    text: str | None
    reason: str | None
    if is_deleted:
        text, reason = None, "deleted"
    else:
        content = fetch_text(
            ctx.client,
            f"/v1/compliance/apps/chats/files/{file_id}/content",
            meta,
            ctx.size_cap_bytes,
        )
        tracker.call(content.requests, content.request_id)
        text, reason = content.text, content.skipped_reason
    return {
        "file_id": file_id,
        "chat_id": chat_id,
        "message_id": message["id"],
        "filename": meta.get("filename"),
        "mime_type": meta.get("mime_type"),
        "size_bytes": meta.get("size_bytes"),
        "md5": meta.get("md5"),
        "created_at": parse_timestamp(meta.get("created_at") or message.get("created_at")),
        "content_text": text,
        "skipped_reason": reason,
        "raw_json": records.raw(meta),
        "key_id": ctx.key_id,
        "synced_at": ctx.synced_at,
    }


def _projects(
    ctx: ExtractContext, named_by_activity: set[str]
) -> tuple[list[TableReport], list[dict[str, Any]]]:
    projects_t = _Tracker(ctx, "projects")
    attachments_t = _Tracker(ctx, "project_attachments")
    candidates: dict[str, Mapping[str, Any]] = {}
    listing = ctx.client.paginate(
        "/v1/compliance/apps/projects",
        PageTokenPaginator(),
        {"updated_at.gte": ctx.interval.start, "limit": 100},
    )
    for page in listing:
        projects_t.page(page)
        for project in page.items:
            candidates[project["id"]] = project
    project_rows: list[dict[str, Any]] = []
    attachment_rows: list[dict[str, Any]] = []
    for project_id in sorted(set(candidates) | named_by_activity):
        try:
            page = ctx.client.get_json(f"/v1/compliance/apps/projects/{project_id}")
            projects_t.call(page.attempts, page.request_id)
            detail = page.body
        except NotFoundError:
            projects_t.call(1)
            if project_id in candidates:
                raise
            log.info("project %s named by the activity feed no longer exists", project_id)
            continue
        attachments = _project_attachments(ctx, attachments_t, project_id)
        created_at = parse_timestamp(detail.get("created_at"))
        updated_at = parse_timestamp(detail.get("updated_at"))
        touched = any(t is not None and ctx.interval.contains(t) for t in (created_at, updated_at))
        if touched or attachments or project_id in named_by_activity:
            project_rows.append(records.project_row(detail, ctx.key_id, ctx.synced_at))
        attachment_rows.extend(attachments)
    projects_t.write(project_rows)
    attachments_t.write(attachment_rows)
    return [projects_t.report, attachments_t.report], project_rows


def _project_attachments(
    ctx: ExtractContext, tracker: _Tracker, project_id: str
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    pages = ctx.client.paginate(
        f"/v1/compliance/apps/projects/{project_id}/attachments",
        PageTokenPaginator(),
        {"limit": 100},
    )
    for page in pages:
        tracker.page(page)
        for item in page.items:
            created_at = parse_timestamp(item.get("created_at"))
            if created_at is None or not ctx.interval.contains(created_at):
                continue
            rows.append(_attachment_row(ctx, tracker, project_id, item, created_at))
    return rows


def _attachment_row(
    ctx: ExtractContext,
    tracker: _Tracker,
    project_id: str,
    item: Mapping[str, Any],
    created_at: datetime,
) -> dict[str, Any]:
    kind = str(item.get("type"))
    user_id = None
    text: str | None
    reason: str | None
    if kind == "project_doc":
        fetched = ctx.client.get_json(f"/v1/compliance/apps/projects/documents/{item['id']}")
        tracker.call(fetched.attempts, fetched.request_id)
        document = fetched.body
        content_value = document.get("content")
        text, reason = (str(content_value) if content_value is not None else None), None
        user = document.get("user")
        user_id = user.get("id") if isinstance(user, Mapping) else None
        md5 = item.get("md5")
    else:
        content = fetch_text(
            ctx.client,
            f"/v1/compliance/apps/chats/files/{item['id']}/content",
            item,
            ctx.size_cap_bytes,
        )
        tracker.call(content.requests, content.request_id)
        text, reason, md5 = content.text, content.skipped_reason, content.md5
    return {
        "attachment_id": item["id"],
        "attachment_type": kind,
        "project_id": project_id,
        "filename": item.get("filename"),
        "mime_type": item.get("mime_type"),
        "size_bytes": item.get("size_bytes"),
        "md5": md5,
        "created_at": created_at,
        "user_id": user_id,
        "content_text": text,
        "skipped_reason": reason,
        "raw_json": records.raw(item),
        "key_id": ctx.key_id,
        "synced_at": ctx.synced_at,
    }
