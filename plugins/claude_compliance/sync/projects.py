"""Projects with their details, collaborators, and the attachments of the interval.

Projects are listed by `updated_at >= start`, plus those the interval's activity feed names
(a document upload may not move a project's `updated_at`). A project is written for the
interval when it was created or updated in it or has attachments created in it; the
attachments' content comes from the content cache when its MD5 is known. Projects and
attachments deleted since an earlier capture are kept as tombstones.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from claude_compliance.api import NotFoundError, PermissionDeniedError
from claude_compliance.api.pagination import PageTokenPaginator
from claude_compliance.lake.interval import parse_timestamp
from claude_compliance.sync import records
from claude_compliance.sync.chats import HARD_DELETED
from claude_compliance.sync.content import TEXT_FORMAT, FileContent, fetch_document, fetch_file
from claude_compliance.sync.context import ExtractContext, Rows, TableReport, Tracker

log = logging.getLogger(__name__)

PROJECT_ACTIVITY_TYPES = frozenset(
    {
        "claude_project_created",
        "claude_project_document_uploaded",
        "claude_project_document_updated",
        "claude_project_file_uploaded",
    }
)


def projects_named_by(activities: Rows) -> set[str]:
    return {
        str(a["claude_project_id"])
        for a in activities
        if a.get("type") in PROJECT_ACTIVITY_TYPES and a.get("claude_project_id")
    }


def projects(ctx: ExtractContext, named: set[str]) -> tuple[list[TableReport], Rows]:
    projects_t = Tracker(ctx, "projects")
    attachments_t = Tracker(ctx, "project_attachments")
    collaborators_t = Tracker(ctx, "project_collaborators")
    candidates: dict[str, Mapping[str, Any]] = {}
    listing = ctx.client.paginate(
        "/v1/compliance/apps/projects", PageTokenPaginator(), ctx.plan.projects
    )
    for page in listing:
        projects_t.page(page)
        for project in page.items:
            candidates[project["id"]] = project
    project_rows: dict[str, dict[str, Any]] = {}
    attachment_rows: dict[str, dict[str, Any]] = {}
    collaborator_rows: Rows = []
    gone: set[str] = set()
    collaborators_readable = True
    for project_id in sorted(set(candidates) | named):
        try:
            page = ctx.client.get_json(f"/v1/compliance/apps/projects/{project_id}")
        except NotFoundError:
            projects_t.call(1)
            gone.add(project_id)
            log.info("project %s no longer exists", project_id)
            continue
        projects_t.call(page.attempts, page.request_id)
        detail = page.body
        attachments = _attachments(ctx, attachments_t, project_id)
        created_at = parse_timestamp(detail.get("created_at"))
        updated_at = parse_timestamp(detail.get("updated_at"))
        touched = any(t is not None and ctx.interval.contains(t) for t in (created_at, updated_at))
        if not (touched or attachments or project_id in named):
            continue
        project_rows[project_id] = records.project_row(detail, ctx.key_id, ctx.synced_at)
        attachment_rows.update((r["attachment_id"], r) for r in attachments)
        if collaborators_readable:
            try:
                collaborator_rows.extend(_collaborators(ctx, collaborators_t, project_id))
            except PermissionDeniedError as exc:
                collaborators_readable = False
                collaborators_t.report.status = "skipped_no_scope"
                collaborators_t.note(exc.message)
    kept = _keep_what_was_captured(ctx, gone, project_rows, attachment_rows, candidates)
    if kept:
        projects_t.note(f"{kept} record(s) kept from an earlier sync as tombstones")
    projects_t.write(list(project_rows.values()))
    attachments_t.write(list(attachment_rows.values()))
    collaborators_t.write(collaborator_rows)
    return [projects_t.report, attachments_t.report, collaborators_t.report], list(
        project_rows.values()
    )


def _attachments(ctx: ExtractContext, tracker: Tracker, project_id: str) -> Rows:
    rows: Rows = []
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


def _collaborators(ctx: ExtractContext, tracker: Tracker, project_id: str) -> Rows:
    rows: Rows = []
    pages = ctx.client.paginate(
        f"/v1/compliance/apps/projects/{project_id}/collaborators",
        PageTokenPaginator(),
        {"limit": 100},
    )
    for page in pages:
        tracker.page(page)
        rows.extend(
            records.collaborator_row(r, project_id, ctx.key_id, ctx.synced_at) for r in page.items
        )
    return rows


def _attachment_row(
    ctx: ExtractContext,
    tracker: Tracker,
    project_id: str,
    item: Mapping[str, Any],
    created_at: datetime,
) -> dict[str, Any]:
    kind = str(item.get("type"))
    user_id = None
    if kind == "project_doc":
        document = fetch_document(ctx.client, str(item["id"]), ctx.content)
        tracker.call(document.requests, document.request_id)
        content = FileContent(
            document.text, None, document.md5, detected_format=TEXT_FORMAT, extractor="api-text"
        )
        user_id = document.user_id
    else:
        content = fetch_file(
            ctx.client,
            f"/v1/compliance/apps/chats/files/{item['id']}/content",
            item,
            ctx.options.size_cap_bytes,
            ctx.content,
        )
        tracker.call(content.requests, content.request_id)
    return {
        "attachment_id": item["id"],
        "attachment_type": kind,
        "project_id": project_id,
        "filename": item.get("filename"),
        "mime_type": item.get("mime_type"),
        "size_bytes": item.get("size_bytes"),
        "md5": content.md5,
        "created_at": created_at,
        "user_id": user_id,
        **content.columns(),
        "tombstone": None,
        "raw_json": records.raw(item),
        "key_id": ctx.key_id,
        "synced_at": ctx.synced_at,
    }


def _keep_what_was_captured(
    ctx: ExtractContext,
    gone: set[str],
    project_rows: dict[str, dict[str, Any]],
    attachment_rows: dict[str, dict[str, Any]],
    listed: Mapping[str, Any],
) -> int:
    """Projects (and their attachments) captured before but deleted since stay, marked."""
    kept = 0
    for project_id, row in ctx.previous("projects", "project_id").items():
        if project_id in project_rows:
            continue
        if project_id in gone or project_id not in listed:
            project_rows[project_id] = {**row, "tombstone": row["tombstone"] or HARD_DELETED}
            kept += 1
    for attachment_id, row in ctx.previous("project_attachments", "attachment_id").items():
        if attachment_id not in attachment_rows and row["project_id"] in project_rows:
            attachment_rows[attachment_id] = {**row, "tombstone": row["tombstone"] or HARD_DELETED}
            kept += 1
    return kept
