"""Records as the API serialises them (JSON-ready dicts)."""

from __future__ import annotations

import datetime as dt

from .directory import Collaborator, Group, Permission, Role
from .keys import ApiKey
from .model import (
    Activity,
    Block,
    Chat,
    Document,
    LocalSession,
    Message,
    Organization,
    Project,
    RemoteSession,
    SessionBlock,
    SessionMessage,
    SessionText,
    SessionToolUse,
    SimData,
    StoredFile,
    TextBlock,
    ToolUseBlock,
    User,
)

JsonDict = dict[str, object]


def ts(value: dt.datetime) -> str:
    """RFC 3339 UTC with microseconds and ``Z`` (activities, chats, messages, files)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ts_seconds(value: dt.datetime) -> str:
    """RFC 3339 UTC to the second (directory records)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ts_offset(value: dt.datetime) -> str:
    """RFC 3339 with a ``+00:00`` offset (projects): the API mixes precisions and forms."""
    return value.astimezone(dt.UTC).isoformat()


def organization(org: Organization) -> JsonDict:
    return {"uuid": org.uuid, "name": org.name, "created_at": ts_seconds(org.created_at)}


def user(record: User) -> JsonDict:
    return {
        "id": record.id,
        "email": record.email,
        "full_name": record.full_name,
        "organization_role": record.organization_role,
        "created_at": ts_seconds(record.created_at),
    }


def user_ref(data: SimData, user_id: str) -> JsonDict | None:
    record = data.users_by_id.get(user_id)
    return {"id": record.id, "email_address": record.email} if record else None


def activity(record: Activity) -> JsonDict:
    out: JsonDict = {
        "id": record.id,
        "created_at": ts(record.created_at),
        "organization_id": record.organization_id,
        "organization_uuid": record.organization_uuid,
        "actor": dict(record.actor),
        "type": record.type,
    }
    out.update(record.fields)
    return out


def chat(data: SimData, record: Chat) -> JsonDict:
    org = data.orgs_by_uuid[record.organization_uuid]
    return {
        "id": record.id,
        "name": record.name,
        "created_at": ts(record.created_at),
        "updated_at": ts(record.updated_at),
        "deleted_at": ts(record.deleted_at) if record.deleted_at else None,
        "href": f"https://claude.ai/chat/{record.uuid}",
        "model": record.model,
        "organization_uuid": org.uuid,
        "organization_id": org.org_id,
        "project_id": record.project_id,
        "user": user_ref(data, record.user_id),
    }


def _clip(value: str, max_chars: int) -> tuple[str, bool]:
    if max_chars < 0 or len(value) <= max_chars:
        return value, False
    return value[:max_chars], True


def block(record: Block, tool_use_max: int, tool_result_max: int) -> JsonDict:
    if isinstance(record, TextBlock):
        return {"type": "text", "text": record.text, "thinking_redacted": False, "truncated": False}
    if isinstance(record, ToolUseBlock):
        clipped, truncated = _clip(record.input, tool_use_max)
        return {
            "type": "tool_use",
            "id": record.id,
            "name": record.name,
            "input": clipped,
            "integration_name": None,
            "mcp_server_url": None,
            "truncated": truncated,
        }
    clipped, truncated = _clip(record.text, tool_result_max)
    return {
        "type": "tool_result",
        "tool_use_id": record.tool_use_id,
        "name": record.name,
        "is_error": record.is_error,
        "content": [{"type": "text", "text": clipped}],
        "integration_name": None,
        "mcp_server_url": None,
        "truncated": truncated,
    }


def file_ref(record: StoredFile) -> JsonDict:
    return {
        "id": record.id,
        "created_at": ts(record.created_at),
        "filename": record.filename,
        "md5": record.md5,
        "mime_type": record.mime_type,
        "size_bytes": record.size_bytes,
    }


def message(
    data: SimData, record: Message, is_deleted: bool, tool_use_max: int, tool_result_max: int
) -> JsonDict:
    """A chat message; a chat deleted in claude.ai returns its messages without content."""
    content = (
        [] if is_deleted else [block(b, tool_use_max, tool_result_max) for b in record.content]
    )
    # a file deleted on its own through the API leaves the message, not its reference
    files = (
        [] if is_deleted else [file_ref(data.files[f]) for f in record.file_ids if f in data.files]
    )
    return {
        "id": record.id,
        "role": record.role,
        "created_at": ts(record.created_at),
        "content": content,
        "files": files if record.role == "user" else None,
        "generated_files": None,
        "artifacts": None,
    }


def file_metadata(data: SimData, record: StoredFile) -> JsonDict:
    chat_ids = [record.chat_id] if record.chat_id else []
    message_ids = [record.message_id] if record.message_id else []
    return {
        "id": record.id,
        "filename": record.filename,
        "mime_type": record.mime_type,
        "size_bytes": record.size_bytes,
        "md5": record.md5,
        "created_at": ts(record.created_at),
        "message_ids": message_ids,
        "claude_chat_ids": chat_ids,
    }


def project(data: SimData, record: Project) -> JsonDict:
    org = data.orgs_by_uuid[record.organization_uuid]
    return {
        "id": record.id,
        "name": record.name,
        "created_at": ts_offset(record.created_at),
        "updated_at": ts_offset(record.updated_at),
        "deleted_at": ts_offset(record.deleted_at) if record.deleted_at else None,
        "is_private": record.is_private,
        "organization_uuid": org.uuid,
        "organization_id": org.org_id,
        "user": user_ref(data, record.user_id),
    }


def project_detail(data: SimData, record: Project) -> JsonDict:
    out = project(data, record)
    out.update(
        {
            "description": record.description,
            "instructions": record.instructions,
            "chats_count": len(data.project_chats(record.id)),
            "attachments_count": len(data.project_documents(record.id))
            + len(data.project_files(record.id)),
        }
    )
    return out


def attachment(record: Document | StoredFile) -> JsonDict:
    if isinstance(record, Document):
        return {
            "id": record.id,
            "created_at": ts_offset(record.created_at),
            "filename": record.filename,
            "mime_type": "text/plain",
            "updated_at": None,
            "type": "project_doc",
        }
    return {
        "id": record.id,
        "created_at": ts_offset(record.created_at),
        "filename": record.filename,
        "mime_type": record.mime_type,
        "md5": record.md5,
        "size_bytes": record.size_bytes,
        "type": "project_file",
    }


def document(data: SimData, record: Document) -> JsonDict:
    return {
        "id": record.id,
        "filename": record.filename,
        "created_at": ts_offset(record.created_at),
        "content": record.content,
        "user": user_ref(data, record.user_id),
    }


def document_metadata(data: SimData, record: Document) -> JsonDict:
    return {
        "id": record.id,
        "claude_project_id": record.project_id,
        "filename": record.filename,
        "created_at": ts_offset(record.created_at),
        "mime_type": "text/plain",
        "md5": record.md5,
        "size_bytes": record.size_bytes,
        "user": user_ref(data, record.user_id),
    }


def role(record: Role) -> JsonDict:
    return {
        "id": record.id,
        "name": record.name,
        "description": record.description,
        "created_at": ts(record.created_at),
        "updated_at": ts(record.updated_at),
    }


def permission(record: Permission) -> JsonDict:
    return {
        "action": record.action,
        "resource_id": record.resource_id,
        "resource_type": record.resource_type,
    }


def group(record: Group) -> JsonDict:
    return {
        "id": record.id,
        "name": record.name,
        "description": record.description,
        "source_type": record.source_type,
        "roles": list(record.role_ids),
        "created_at": ts(record.created_at),
        "updated_at": ts(record.updated_at),
    }


def member(record: User, added_at: dt.datetime) -> JsonDict:
    return {
        "user_id": record.id,
        "email": record.email,
        "created_at": ts(added_at),
        "updated_at": None,
    }


def collaborator(record: Collaborator) -> JsonDict:
    subject_field = {
        "user": "user_id",
        "group": "group_id",
        "organization": "organization_uuid",
        "organization_role": "organization_role",
    }[record.kind]
    return {
        "type": record.kind,
        subject_field: record.subject,
        "role": record.role,
        "granted_at": ts(record.granted_at),
    }


SETTING_ROWS: tuple[JsonDict, ...] = (
    {
        "name": "data_retention_periods",
        "type": "data_retention",
        "value": {
            "chat": {"type": "fixed", "timescale": "day", "duration": 90},
            "project": {"type": "indefinite"},
        },
    },
    {"name": "content_redaction_enabled", "type": "boolean", "value": False},
    {"name": "chat_enabled", "type": "boolean", "value": True},
    {"name": "web_search_enabled", "type": "boolean", "value": True},
    {"name": "sso_enabled", "type": "boolean", "value": True},
    {"name": "account_session_duration_seconds", "type": "integer", "value": 86400},
    {"name": "allowed_invite_domains", "type": "string_list", "value": ["acme-analytics.test"]},
    {"name": "sso_provisioning_mode", "type": "provisioning_mode", "value": "scim_advanced"},
)


def settings(org_uuid: str, keys: list[ApiKey]) -> JsonDict:
    """Effective settings of a linked organization; ``api_keys`` lists the parent's keys."""
    return {
        "type": "effective_organization_settings",
        "organization_id": org_uuid,
        "settings": [dict(row) for row in SETTING_ROWS],
        "api_keys": [
            {
                "type": "compliance_api_key",
                "id": k.id,
                "name": k.name,
                "scopes": list(k.scopes),
                "is_active": k.is_active,
                "created_at": ts_seconds(k.created_at),
                "created_by_id": None,
                "expires_at": None,
            }
            for k in keys
        ],
    }


# --- sessions (§5.8, §5.9) ------------------------------------------------------------------------


def _session_user(data: SimData, user_id: str | None, with_email: bool) -> JsonDict | None:
    """``{id, email_address}``; the address is null for users out of the directory."""
    if user_id is None:
        return None
    record = data.users_by_id.get(user_id)
    email = record.email if record is not None and with_email else None
    return {"id": user_id, "email_address": email}


def local_session(data: SimData, record: LocalSession, with_email: bool) -> JsonDict:
    """A local session; inside a messages response ``user.email_address`` is always null."""
    return {
        "type": "compliance_local_session",
        "id": record.id,
        "organization_uuid": record.organization_uuid,
        "workspace_id": record.workspace_id,
        "user": _session_user(data, record.user_id, with_email),
        "product_surface": record.product_surface,
        "created_at": ts(record.created_at),
        "updated_at": ts(record.updated_at),
        "truncated": record.truncated,
    }


def remote_session(data: SimData, record: RemoteSession, in_messages: bool) -> JsonDict:
    """A remote session; a messages response nulls emails, ``started_by_user`` and project."""
    return {
        "id": record.id,
        "organization_uuid": record.organization_uuid,
        "user": _session_user(data, record.user_id, not in_messages),
        "agent_id": record.agent_id,
        "started_by_user": None
        if in_messages
        else _session_user(data, record.started_by_user_id, True),
        "status": record.status,
        "created_at": ts(record.created_at),
        "updated_at": ts(record.updated_at),
        "product_surface": record.product_surface,
        "claude_project_id": None if in_messages else record.claude_project_id,
    }


def clip_bytes(value: str, max_bytes: int, parameter: str) -> tuple[str, bool]:
    """Cut ``value`` to ``max_bytes`` UTF-8 bytes (whole characters) plus the in-band suffix."""
    raw = value.encode()
    if len(raw) <= max_bytes:
        return value, False
    kept = raw[:max_bytes].decode("utf-8", errors="ignore")
    return f"{kept}…[truncated; pass {parameter}=-1 for the server max]", True


def session_block(record: SessionBlock, tool_use_max: int, tool_result_max: int) -> JsonDict:
    if isinstance(record, SessionText):
        return {"type": "text", "text": record.text, "truncated": record.truncated}
    if isinstance(record, SessionToolUse):
        clipped, truncated = clip_bytes(record.input, tool_use_max, "tool_use_input_max_bytes")
        return {
            "type": "tool_use",
            "id": record.id,
            "name": record.name,
            "input": clipped,
            "truncated": truncated,
        }
    items = [clip_bytes(t, tool_result_max, "tool_result_max_bytes") for t in record.texts]
    return {
        "type": "tool_result",
        "tool_use_id": record.tool_use_id,
        "name": record.name,
        "is_error": record.is_error,
        "content": [{"type": "text", "text": t} for t, _ in items],
        "truncated": any(truncated for _, truncated in items),
    }


def local_message(record: SessionMessage, tool_use_max: int, tool_result_max: int) -> JsonDict:
    provenance: JsonDict | None = None
    if record.provenance is not None:
        provenance = {"type": record.provenance.type}
        if record.provenance.reason is not None:
            provenance["reason"] = record.provenance.reason
    return {
        "type": "compliance_local_session_message",
        "id": record.id,
        "role": record.role,
        "model": record.model,
        "created_at": ts(record.created_at),
        "provenance": provenance,
        "content": [session_block(b, tool_use_max, tool_result_max) for b in record.content],
    }


def remote_message(record: SessionMessage, tool_use_max: int, tool_result_max: int) -> JsonDict:
    return {
        "id": record.id,
        "role": record.role,
        "created_at": ts(record.created_at),
        "content": [session_block(b, tool_use_max, tool_result_max) for b in record.content],
        "sent_by_user_id": record.sent_by_user_id,
        "content_unavailable": record.content_unavailable,
    }
