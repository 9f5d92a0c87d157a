"""Reconciliation: the interval's activity feed against the content synced for it.

Every chat, project document and file the feed says was created in the interval must be in
the interval's partitions. Anything referenced but missing is written as `missing` (and
counted in the ledger), so an auditor sees the hole instead of trusting silence.
"""

from __future__ import annotations

from claude_compliance.lake.interval import parse_timestamp
from claude_compliance.sync.context import ExtractContext, Rows, TableReport, Tracker

# activity type → (what it references, the activity field naming it)
REFERENCES: dict[str, tuple[str, str]] = {
    "claude_chat_created": ("chat", "claude_chat_id"),
    "claude_project_created": ("project", "claude_project_id"),
    "claude_project_document_uploaded": ("project_document", "claude_project_document_id"),
    "claude_project_file_uploaded": ("project_file", "claude_file_id"),
    "claude_file_uploaded": ("chat_file", "claude_file_id"),
}


def reconcile(ctx: ExtractContext, activities: Rows) -> tuple[list[TableReport], Rows]:
    tracker = Tracker(ctx, "reconciliation")
    synced = {
        "chat": set(ctx.previous("chats", "chat_id")),
        "project": set(ctx.previous("projects", "project_id")),
        "project_document": set(ctx.previous("project_attachments", "attachment_id")),
        "project_file": set(ctx.previous("project_attachments", "attachment_id")),
        "chat_file": set(ctx.previous("chat_files", "file_id"))
        | set(ctx.previous("project_attachments", "attachment_id")),
    }
    rows: Rows = []
    for activity in activities:
        reference = REFERENCES.get(str(activity.get("type")))
        if reference is None:
            continue
        kind, field = reference
        referenced = activity.get(field)
        if not referenced:
            continue
        if kind == "chat_file" and not activity.get("claude_chat_id"):
            continue  # uploaded but not (yet) attached to a message: nothing to expect
        rows.append(
            {
                "key_id": ctx.key_id,
                "activity_id": activity["id"],
                "activity_type": activity["type"],
                "activity_at": parse_timestamp(activity.get("created_at")),
                "referenced_kind": kind,
                "referenced_id": referenced,
                "status": "found" if referenced in synced[kind] else "missing",
                "synced_at": ctx.synced_at,
            }
        )
    missing = sum(1 for r in rows if r["status"] == "missing")
    if missing:
        tracker.note(f"{missing} item(s) the activity feed references are missing")
    tracker.write(rows)
    return [tracker.report], rows
