"""Chats, their messages of the interval, and the text files attached to user turns.

Chats are walked org-wide in `updated_at` order from the interval start; only messages
created inside the interval are kept. What was captured before is the record: when a chat
was deleted since (its content is gone, or the chat is gone altogether), a re-run of the
interval keeps the content it had and marks it as a tombstone instead of losing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from claude_compliance.api.pagination import CursorPaginator
from claude_compliance.lake.interval import parse_timestamp
from claude_compliance.sync import records
from claude_compliance.sync.content import FileContent, fetch_file
from claude_compliance.sync.context import ExtractContext, Rows, TableReport, Tracker

HARD_DELETED = "hard_deleted"
DELETED_BY_USER = "deleted_by_user"


def chats(ctx: ExtractContext) -> tuple[list[TableReport], Rows]:
    chats_t = Tracker(ctx, "chats")
    messages_t = Tracker(ctx, "chat_messages")
    files_t = Tracker(ctx, "chat_files")
    chat_rows: dict[str, dict[str, Any]] = {}
    message_rows: dict[str, dict[str, Any]] = {}
    file_rows: dict[str, dict[str, Any]] = {}
    listed: set[str] = set()
    listing = ctx.client.paginate("/v1/compliance/apps/chats", CursorPaginator(), ctx.plan.chats)
    for page in listing:
        chats_t.page(page)
        for chat in page.items:
            listed.add(chat["id"])
            created_at = parse_timestamp(chat.get("created_at"))
            if created_at is not None and created_at >= ctx.interval.end:
                continue  # created after the interval: none of its messages can be in it
            messages = _messages(ctx, messages_t, chat["id"])
            if not messages and not (created_at and ctx.interval.contains(created_at)):
                continue
            chat_rows[chat["id"]] = records.chat_row(chat, ctx.key_id, ctx.synced_at)
            deleted = bool(chat.get("deleted_at"))
            for message in messages:
                row = records.message_row(
                    message,
                    chat["id"],
                    ctx.key_id,
                    ctx.synced_at,
                    tombstone=DELETED_BY_USER if deleted else None,
                )
                message_rows[row["message_id"]] = row
                for meta in message.get("files") or []:
                    file_row = _file_row(ctx, files_t, chat["id"], message, meta, deleted)
                    file_rows[file_row["file_id"]] = file_row
    kept = _keep_what_was_captured(ctx, listed, chat_rows, message_rows, file_rows)
    if kept:
        chats_t.note(f"{kept} record(s) kept from an earlier sync as tombstones")
    chats_t.write(list(chat_rows.values()))
    messages_t.write(list(message_rows.values()))
    files_t.write(list(file_rows.values()))
    return [chats_t.report, messages_t.report, files_t.report], list(chat_rows.values())


def _messages(ctx: ExtractContext, tracker: Tracker, chat_id: str) -> list[Mapping[str, Any]]:
    messages: list[Mapping[str, Any]] = []
    pages = ctx.client.paginate(
        f"/v1/compliance/apps/chats/{chat_id}/messages",
        CursorPaginator(items_key="chat_messages"),
        ctx.plan.messages,
    )
    for page in pages:
        tracker.page(page)
        messages.extend(page.items)
    return messages


def _file_row(
    ctx: ExtractContext,
    tracker: Tracker,
    chat_id: str,
    message: Mapping[str, Any],
    meta: Mapping[str, Any],
    is_deleted: bool,
) -> dict[str, Any]:
    file_id = str(meta["id"])
    if is_deleted:
        content = FileContent(None, "deleted", meta.get("md5"))
    else:
        content = fetch_file(
            ctx.client,
            f"/v1/compliance/apps/chats/files/{file_id}/content",
            meta,
            ctx.options.size_cap_bytes,
            ctx.content,
        )
        tracker.call(content.requests, content.request_id)
    return {
        "file_id": file_id,
        "chat_id": chat_id,
        "message_id": message["id"],
        "filename": meta.get("filename"),
        "mime_type": meta.get("mime_type"),
        "size_bytes": meta.get("size_bytes"),
        "md5": meta.get("md5"),
        "created_at": parse_timestamp(meta.get("created_at") or message.get("created_at")),
        **content.columns(),
        "tombstone": DELETED_BY_USER if is_deleted else None,
        "raw_json": records.raw(meta),
        "key_id": ctx.key_id,
        "synced_at": ctx.synced_at,
    }


def _keep_what_was_captured(
    ctx: ExtractContext,
    listed: set[str],
    chat_rows: dict[str, dict[str, Any]],
    message_rows: dict[str, dict[str, Any]],
    file_rows: dict[str, dict[str, Any]],
) -> int:
    """Merge the interval's previous capture into this one where the source lost content."""
    kept = 0
    previous_chats = ctx.previous("chats", "chat_id")
    for chat_id, row in previous_chats.items():
        if chat_id not in chat_rows and chat_id not in listed:
            chat_rows[chat_id] = {**row, "tombstone": HARD_DELETED}
            kept += 1
    tombstones = {c: r["tombstone"] for c, r in chat_rows.items() if r.get("tombstone")}
    for message_id, row in ctx.previous("chat_messages", "message_id").items():
        current = message_rows.get(message_id)
        if current is None and row["chat_id"] in tombstones:
            message_rows[message_id] = {**row, "tombstone": tombstones[row["chat_id"]]}
            kept += 1
        elif current is not None and not current["text"] and row["text"]:
            message_rows[message_id] = {**row, "tombstone": current["tombstone"]}
            kept += 1
    for file_id, row in ctx.previous("chat_files", "file_id").items():
        current = file_rows.get(file_id)
        if current is None and row["chat_id"] in tombstones:
            file_rows[file_id] = {**row, "tombstone": tombstones[row["chat_id"]]}
            kept += 1
        elif (
            current is not None
            and current["content_text"] is None
            and row["content_text"] is not None
        ):
            file_rows[file_id] = {**row, "tombstone": current["tombstone"]}
            kept += 1
    return kept
