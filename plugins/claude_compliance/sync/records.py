"""API records → lake rows. Each row keeps the whole record in `raw_json`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from claude_compliance.lake.interval import parse_timestamp

Row = dict[str, Any]


def raw(record: Mapping[str, Any]) -> str:
    # A lone surrogate the API sent (in a value or a key) stays in this string: the lake
    # writer replaces it with U+FFFD and counts it (`lake.text`), like every other column.
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def _user(record: Mapping[str, Any]) -> Mapping[str, Any]:
    value = record.get("user")
    return value if isinstance(value, Mapping) else {}


def organization_row(record: Mapping[str, Any], key_id: str, synced_at: datetime) -> Row:
    return {
        "organization_uuid": record["uuid"],
        "name": record.get("name"),
        "created_at": parse_timestamp(record.get("created_at")),
        "raw_json": raw(record),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def user_row(
    record: Mapping[str, Any], organization_uuid: str, key_id: str, synced_at: datetime
) -> Row:
    return {
        "user_id": record["id"],
        "organization_uuid": organization_uuid,
        "email": record.get("email"),
        "full_name": record.get("full_name"),
        "organization_role": record.get("organization_role"),
        "created_at": parse_timestamp(record.get("created_at")),
        "raw_json": raw(record),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def activity_row(record: Mapping[str, Any], key_id: str, synced_at: datetime) -> Row:
    actor = record.get("actor") if isinstance(record.get("actor"), Mapping) else {}
    assert isinstance(actor, Mapping)
    return {
        "activity_id": record["id"],
        "created_at": parse_timestamp(record.get("created_at")),
        "type": record.get("type"),
        "organization_uuid": record.get("organization_uuid"),
        "actor_type": actor.get("type"),
        "actor_user_id": actor.get("user_id"),
        "actor_email": actor.get("email_address"),
        "actor_api_key_id": actor.get("api_key_id"),
        "claude_chat_id": record.get("claude_chat_id"),
        "claude_project_id": record.get("claude_project_id"),
        "claude_file_id": record.get("claude_file_id"),
        "claude_project_document_id": record.get("claude_project_document_id"),
        "request_id": record.get("request_id"),
        "raw_json": raw(record),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def chat_row(record: Mapping[str, Any], key_id: str, synced_at: datetime) -> Row:
    meta = {k: v for k, v in record.items() if k not in ("chat_messages", "has_more")}
    return {
        "chat_id": record["id"],
        "name": record.get("name"),
        "created_at": parse_timestamp(record.get("created_at")),
        "updated_at": parse_timestamp(record.get("updated_at")),
        "deleted_at": parse_timestamp(record.get("deleted_at")),
        "organization_uuid": record.get("organization_uuid"),
        "project_id": record.get("project_id"),
        "user_id": _user(record).get("id"),
        "user_email": _user(record).get("email_address"),
        "href": record.get("href"),
        "model": record.get("model"),
        "tombstone": "deleted_by_user" if record.get("deleted_at") else None,
        "raw_json": raw(meta),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def message_text(message: Mapping[str, Any]) -> str:
    """The message's text blocks joined by "\\n": the scanned input of a user turn."""
    blocks = message.get("content") or []
    return "\n".join(
        str(block.get("text") or "")
        for block in blocks
        if isinstance(block, Mapping) and block.get("type") == "text"
    )


def message_row(
    message: Mapping[str, Any],
    chat_id: str,
    key_id: str,
    synced_at: datetime,
    tombstone: str | None = None,
) -> Row:
    files = message.get("files") or []
    return {
        "message_id": message["id"],
        "chat_id": chat_id,
        "role": message.get("role"),
        "created_at": parse_timestamp(message.get("created_at")),
        "text": message_text(message),
        "file_ids": [f["id"] for f in files if isinstance(f, Mapping) and f.get("id")],
        "tombstone": tombstone,
        "raw_json": raw(message),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def project_row(detail: Mapping[str, Any], key_id: str, synced_at: datetime) -> Row:
    return {
        "project_id": detail["id"],
        "name": detail.get("name"),
        "created_at": parse_timestamp(detail.get("created_at")),
        "updated_at": parse_timestamp(detail.get("updated_at")),
        "deleted_at": parse_timestamp(detail.get("deleted_at")),
        "is_private": detail.get("is_private"),
        "organization_uuid": detail.get("organization_uuid"),
        "user_id": _user(detail).get("id"),
        "user_email": _user(detail).get("email_address"),
        "description": detail.get("description"),
        "instructions": detail.get("instructions"),
        "tombstone": "deleted_by_user" if detail.get("deleted_at") else None,
        "raw_json": raw(detail),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def role_row(
    record: Mapping[str, Any], organization_uuid: str, key_id: str, synced_at: datetime
) -> Row:
    return {
        "role_id": record["id"],
        "organization_uuid": organization_uuid,
        "name": record.get("name"),
        "description": record.get("description"),
        "created_at": parse_timestamp(record.get("created_at")),
        "updated_at": parse_timestamp(record.get("updated_at")),
        "raw_json": raw(record),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def group_row(record: Mapping[str, Any], key_id: str, synced_at: datetime) -> Row:
    return {
        "group_id": record["id"],
        "name": record.get("name"),
        "source_type": record.get("source_type"),
        "created_at": parse_timestamp(record.get("created_at")),
        "updated_at": parse_timestamp(record.get("updated_at")),
        "raw_json": raw(record),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def member_row(record: Mapping[str, Any], group_id: str, key_id: str, synced_at: datetime) -> Row:
    return {
        "group_id": group_id,
        "user_id": record["user_id"],
        "email": record.get("email"),
        "raw_json": raw(record),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def settings_row(
    record: Mapping[str, Any], organization_uuid: str, key_id: str, synced_at: datetime
) -> Row:
    return {
        "organization_uuid": organization_uuid,
        "raw_json": raw(record),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def collaborator_row(
    record: Mapping[str, Any], project_id: str, key_id: str, synced_at: datetime
) -> Row:
    kind = record.get("type")
    principal = {
        "user": record.get("user_id"),
        "group": record.get("group_id"),
        "organization": record.get("organization_uuid"),
        "organization_role": record.get("organization_role"),
    }.get(str(kind))
    return {
        "project_id": project_id,
        "collaborator_type": kind,
        "principal_id": principal,
        "role": record.get("role"),
        "granted_at": parse_timestamp(record.get("granted_at")),
        "raw_json": raw(record),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def session_row(record: Mapping[str, Any], kind: str, key_id: str, synced_at: datetime) -> Row:
    """A local (§5.8) or remote (§5.9) session; unknown surfaces and statuses kept as given."""
    started_by = record.get("started_by_user")
    return {
        "session_id": record["id"],
        "session_kind": kind,
        "organization_uuid": record.get("organization_uuid"),
        "user_id": _user(record).get("id"),
        "user_email": _user(record).get("email_address"),
        "product_surface": record.get("product_surface"),
        "status": record.get("status"),
        "agent_id": record.get("agent_id"),
        "started_by_user_id": started_by.get("id") if isinstance(started_by, Mapping) else None,
        "project_id": record.get("claude_project_id"),
        "workspace_id": record.get("workspace_id"),
        "created_at": parse_timestamp(record.get("created_at")),
        "updated_at": parse_timestamp(record.get("updated_at")),
        "is_truncated": bool(record.get("truncated")),
        "tombstone": None,
        "raw_json": raw(record),
        "key_id": key_id,
        "synced_at": synced_at,
    }


def session_message_text(message: Mapping[str, Any]) -> str:
    """Its `text` blocks and the text items of its `tool_result` blocks, in server order,
    joined by "\\n": for a user-role message, the scanned input. `tool_use` inputs are the
    model's, never the user's, and are left out."""
    parts: list[str] = []
    for block in message.get("content") or []:
        if not isinstance(block, Mapping):
            continue
        if block.get("type") == "text":
            parts.append(str(block.get("text") or ""))
        elif block.get("type") == "tool_result":
            for item in block.get("content") or []:
                if isinstance(item, Mapping) and item.get("type") == "text":
                    parts.append(str(item.get("text") or ""))
    return "\n".join(parts)


def session_message_row(
    message: Mapping[str, Any],
    session_id: str,
    kind: str,
    seq: int,
    key_id: str,
    synced_at: datetime,
) -> Row:
    provenance = message.get("provenance")
    provenance_type = reason = None
    if isinstance(provenance, Mapping):
        provenance_type = provenance.get("type")
        reason = provenance.get("reason")
    # Remote messages flag missing content with a boolean instead of a provenance.
    if message.get("content_unavailable") is True and provenance_type is None:
        provenance_type = "content_unavailable"
    blocks = [b for b in message.get("content") or [] if isinstance(b, Mapping)]
    return {
        "message_id": message["id"],
        "session_id": session_id,
        "session_kind": kind,
        "role": message.get("role"),
        "created_at": parse_timestamp(message.get("created_at")),
        "seq": seq,
        "model": message.get("model"),
        "provenance_type": provenance_type,
        "provenance_reason": reason,
        "is_content_unavailable": provenance_type == "content_unavailable",
        "sent_by_user_id": message.get("sent_by_user_id"),
        "text": session_message_text(message),
        "is_truncated": any(bool(b.get("truncated")) for b in blocks),
        "tombstone": None,
        "raw_json": raw(message),
        "key_id": key_id,
        "synced_at": synced_at,
    }
