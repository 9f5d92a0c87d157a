"""Arrow schemas of every lake table; a record that does not fit fails loudly.

Every raw table keeps the API's whole record in `raw_json`, so fields we do not model (and
activity types we do not know) are never lost.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

SEGMENTS = pa.list_(pa.struct([pa.field("start", pa.int64()), pa.field("location", pa.string())]))

_COMMON = [pa.field("key_id", pa.string(), nullable=False), pa.field("synced_at", TS)]

RAW: dict[str, pa.Schema] = {
    "organizations": pa.schema(
        [
            pa.field("organization_uuid", pa.string(), nullable=False),
            pa.field("name", pa.string()),
            pa.field("created_at", TS),
            pa.field("raw_json", pa.string()),
            *_COMMON,
        ]
    ),
    "users": pa.schema(
        [
            pa.field("user_id", pa.string(), nullable=False),
            pa.field("organization_uuid", pa.string(), nullable=False),
            pa.field("email", pa.string()),
            pa.field("full_name", pa.string()),
            pa.field("organization_role", pa.string()),
            pa.field("created_at", TS),
            pa.field("raw_json", pa.string()),
            *_COMMON,
        ]
    ),
    "activities": pa.schema(
        [
            pa.field("activity_id", pa.string(), nullable=False),
            pa.field("created_at", TS),
            pa.field("type", pa.string()),
            pa.field("organization_uuid", pa.string()),
            pa.field("actor_type", pa.string()),
            pa.field("actor_user_id", pa.string()),
            pa.field("actor_email", pa.string()),
            pa.field("actor_api_key_id", pa.string()),
            pa.field("claude_chat_id", pa.string()),
            pa.field("claude_project_id", pa.string()),
            pa.field("claude_file_id", pa.string()),
            pa.field("claude_project_document_id", pa.string()),
            # For compliance_api_accessed: the request-id of the API call it records.
            pa.field("request_id", pa.string()),
            pa.field("raw_json", pa.string()),
            *_COMMON,
        ]
    ),
    "chats": pa.schema(
        [
            pa.field("chat_id", pa.string(), nullable=False),
            pa.field("name", pa.string()),
            pa.field("created_at", TS),
            pa.field("updated_at", TS),
            pa.field("deleted_at", TS),
            pa.field("organization_uuid", pa.string()),
            pa.field("project_id", pa.string()),
            pa.field("user_id", pa.string()),
            pa.field("user_email", pa.string()),
            pa.field("href", pa.string()),
            pa.field("model", pa.string()),
            pa.field("tombstone", pa.string()),
            pa.field("raw_json", pa.string()),
            *_COMMON,
        ]
    ),
    "chat_messages": pa.schema(
        [
            pa.field("message_id", pa.string(), nullable=False),
            pa.field("chat_id", pa.string(), nullable=False),
            pa.field("role", pa.string()),
            pa.field("created_at", TS),
            # The text blocks joined by "\n": for user turns, the scanned input.
            pa.field("text", pa.string()),
            pa.field("file_ids", pa.list_(pa.string())),
            pa.field("tombstone", pa.string()),
            pa.field("raw_json", pa.string()),
            *_COMMON,
        ]
    ),
    "chat_files": pa.schema(
        [
            pa.field("file_id", pa.string(), nullable=False),
            pa.field("chat_id", pa.string()),
            pa.field("message_id", pa.string()),
            pa.field("filename", pa.string()),
            pa.field("mime_type", pa.string()),
            pa.field("size_bytes", pa.int64()),
            pa.field("md5", pa.string()),
            pa.field("created_at", TS),
            pa.field("content_text", pa.string()),
            pa.field("skipped_reason", pa.string()),
            # What the bytes are (text, pdf, docx, …) and what read them: a file is judged by
            # its content, never by its name or MIME type.
            pa.field("detected_format", pa.string()),
            pa.field("extractor", pa.string()),
            # Where each stretch of content_text came from (page, sheet and cell, slide,
            # archive member): `start` is a character offset into content_text.
            pa.field("content_segments", SEGMENTS),
            pa.field("tombstone", pa.string()),
            pa.field("raw_json", pa.string()),
            *_COMMON,
        ]
    ),
    "projects": pa.schema(
        [
            pa.field("project_id", pa.string(), nullable=False),
            pa.field("name", pa.string()),
            pa.field("created_at", TS),
            pa.field("updated_at", TS),
            pa.field("deleted_at", TS),
            pa.field("is_private", pa.bool_()),
            pa.field("organization_uuid", pa.string()),
            pa.field("user_id", pa.string()),
            pa.field("user_email", pa.string()),
            pa.field("description", pa.string()),
            pa.field("instructions", pa.string()),
            pa.field("tombstone", pa.string()),
            pa.field("raw_json", pa.string()),
            *_COMMON,
        ]
    ),
    "project_attachments": pa.schema(
        [
            pa.field("attachment_id", pa.string(), nullable=False),
            # project_doc (text knowledge) or project_file (an uploaded file)
            pa.field("attachment_type", pa.string(), nullable=False),
            pa.field("project_id", pa.string(), nullable=False),
            pa.field("filename", pa.string()),
            pa.field("mime_type", pa.string()),
            pa.field("size_bytes", pa.int64()),
            pa.field("md5", pa.string()),
            pa.field("created_at", TS),
            pa.field("user_id", pa.string()),
            pa.field("content_text", pa.string()),
            pa.field("skipped_reason", pa.string()),
            # What the bytes are (text, pdf, docx, …) and what read them: a file is judged by
            # its content, never by its name or MIME type.
            pa.field("detected_format", pa.string()),
            pa.field("extractor", pa.string()),
            # Where each stretch of content_text came from (page, sheet and cell, slide,
            # archive member): `start` is a character offset into content_text.
            pa.field("content_segments", SEGMENTS),
            pa.field("tombstone", pa.string()),
            pa.field("raw_json", pa.string()),
            *_COMMON,
        ]
    ),
}

# Claude Code and Cowork sessions (spec §5.8 local, §5.9 remote), one table for both kinds.
RAW["sessions"] = pa.schema(
    [
        pa.field("session_id", pa.string(), nullable=False),
        # local (clls_…) or remote (cse_…)
        pa.field("session_kind", pa.string(), nullable=False),
        pa.field("organization_uuid", pa.string()),
        pa.field("user_id", pa.string()),
        pa.field("user_email", pa.string()),
        pa.field("product_surface", pa.string()),
        pa.field("status", pa.string()),
        pa.field("agent_id", pa.string()),
        pa.field("started_by_user_id", pa.string()),
        pa.field("project_id", pa.string()),
        pa.field("workspace_id", pa.string()),
        pa.field("created_at", TS),
        pa.field("updated_at", TS),
        pa.field("is_truncated", pa.bool_()),
        pa.field("tombstone", pa.string()),
        pa.field("raw_json", pa.string()),
        *_COMMON,
    ]
)
RAW["session_messages"] = pa.schema(
    [
        pa.field("message_id", pa.string(), nullable=False),
        pa.field("session_id", pa.string(), nullable=False),
        pa.field("session_kind", pa.string(), nullable=False),
        pa.field("role", pa.string()),
        pa.field("created_at", TS),
        # Position in the server's order of the transcript walk: messages of one inference
        # call share a timestamp, and remote commit times may tie or invert.
        pa.field("seq", pa.int64()),
        pa.field("model", pa.string()),
        # null (verified), content_unavailable, client_asserted, synthetic_marker, or a new one
        pa.field("provenance_type", pa.string()),
        pa.field("provenance_reason", pa.string()),
        pa.field("is_content_unavailable", pa.bool_()),
        pa.field("sent_by_user_id", pa.string()),
        # text blocks and the text of tool_result blocks, in server order, joined by "\n":
        # for user-role messages, the scanned input.
        pa.field("text", pa.string()),
        # Whether the server cut any block (even at its maximum size).
        pa.field("is_truncated", pa.bool_()),
        pa.field("tombstone", pa.string()),
        pa.field("raw_json", pa.string()),
        *_COMMON,
    ]
)

# Directory snapshots beyond organizations and users.
RAW.update(
    {
        "roles": pa.schema(
            [
                pa.field("role_id", pa.string(), nullable=False),
                pa.field("organization_uuid", pa.string(), nullable=False),
                pa.field("name", pa.string()),
                pa.field("description", pa.string()),
                pa.field("created_at", TS),
                pa.field("updated_at", TS),
                pa.field("raw_json", pa.string()),
                *_COMMON,
            ]
        ),
        "groups": pa.schema(
            [
                pa.field("group_id", pa.string(), nullable=False),
                pa.field("name", pa.string()),
                pa.field("source_type", pa.string()),
                pa.field("created_at", TS),
                pa.field("updated_at", TS),
                pa.field("raw_json", pa.string()),
                *_COMMON,
            ]
        ),
        "group_members": pa.schema(
            [
                pa.field("group_id", pa.string(), nullable=False),
                pa.field("user_id", pa.string(), nullable=False),
                pa.field("email", pa.string()),
                pa.field("raw_json", pa.string()),
                *_COMMON,
            ]
        ),
        "org_settings": pa.schema(
            [
                pa.field("organization_uuid", pa.string(), nullable=False),
                pa.field("raw_json", pa.string()),
                *_COMMON,
            ]
        ),
        "project_collaborators": pa.schema(
            [
                pa.field("project_id", pa.string(), nullable=False),
                pa.field("collaborator_type", pa.string()),
                pa.field("principal_id", pa.string()),
                pa.field("role", pa.string()),
                pa.field("granted_at", TS),
                pa.field("raw_json", pa.string()),
                *_COMMON,
            ]
        ),
        # The request-ids of our own API calls, so their compliance_api_accessed events
        # can be told apart from everyone else's. One file set per sync run.
        "own_requests": pa.schema(
            [
                pa.field("request_id", pa.string(), nullable=False),
                pa.field("key_id", pa.string(), nullable=False),
                pa.field("synced_at", TS),
            ]
        ),
    }
)

# What the interval's activity feed says was created, checked against what was synced.
RAW["reconciliation"] = pa.schema(
    [
        pa.field("key_id", pa.string(), nullable=False),
        pa.field("activity_id", pa.string(), nullable=False),
        pa.field("activity_type", pa.string(), nullable=False),
        pa.field("activity_at", TS),
        pa.field("referenced_kind", pa.string(), nullable=False),
        pa.field("referenced_id", pa.string(), nullable=False),
        # found | missing
        pa.field("status", pa.string(), nullable=False),
        pa.field("synced_at", TS),
    ]
)

# One row per key × table × interval: the completeness ledger (also in each `_manifest-*.json`).
LEDGER = pa.schema(
    [
        pa.field("key_id", pa.string(), nullable=False),
        pa.field("resource", pa.string(), nullable=False),
        pa.field("interval_start", TS, nullable=False),
        pa.field("interval_end", TS, nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("records", pa.int64(), nullable=False),
        pa.field("requests", pa.int64(), nullable=False),
        pa.field("first_cursor", pa.string()),
        pa.field("last_cursor", pa.string()),
        pa.field("last_request_id", pa.string()),
        pa.field("started_at", TS),
        pa.field("finished_at", TS),
        pa.field("detail", pa.string()),
    ]
)
RAW["sync_ledger"] = LEDGER

DLP: dict[str, pa.Schema] = {
    "findings": pa.schema(
        [
            pa.field("finding_id", pa.string(), nullable=False),
            pa.field("input_id", pa.string(), nullable=False),
            pa.field("key_id", pa.string(), nullable=False),
            pa.field("organization_uuid", pa.string()),
            pa.field("user_id", pa.string()),
            pa.field("source", pa.string(), nullable=False),
            pa.field("source_id", pa.string(), nullable=False),
            pa.field("chat_id", pa.string()),
            pa.field("project_id", pa.string()),
            pa.field("session_id", pa.string()),
            pa.field("occurred_at", TS),
            pa.field("detector", pa.string(), nullable=False),
            pa.field("category", pa.string(), nullable=False),
            pa.field("severity", pa.string(), nullable=False),
            pa.field("start_offset", pa.int64(), nullable=False),
            pa.field("end_offset", pa.int64(), nullable=False),
            pa.field("redacted_match", pa.string(), nullable=False),
            pa.field("fingerprint", pa.string(), nullable=False),
            pa.field("confidence", pa.float64()),
            pa.field("ruleset_version", pa.string(), nullable=False),
            pa.field("scanned_at", TS, nullable=False),
            # page, sheet and cell, slide or archive member, where the document has one
            pa.field("location", pa.string()),
        ]
    ),
    "scanned_inputs": pa.schema(
        [
            pa.field("input_id", pa.string(), nullable=False),
            pa.field("key_id", pa.string(), nullable=False),
            pa.field("organization_uuid", pa.string()),
            pa.field("user_id", pa.string()),
            pa.field("source", pa.string(), nullable=False),
            pa.field("source_id", pa.string(), nullable=False),
            pa.field("chat_id", pa.string()),
            pa.field("project_id", pa.string()),
            pa.field("session_id", pa.string()),
            pa.field("occurred_at", TS),
            pa.field("chars", pa.int64(), nullable=False),
            pa.field("max_severity", pa.string(), nullable=False),
            pa.field("finding_count", pa.int64(), nullable=False),
            # Findings past the engine's per-input cap: counted, not listed.
            pa.field("findings_dropped", pa.int64()),
            pa.field("skipped_reason", pa.string()),
            pa.field("ruleset_version", pa.string(), nullable=False),
            pa.field("scanned_at", TS, nullable=False),
            pa.field("detected_format", pa.string()),
            pa.field("extractor", pa.string()),
        ]
    ),
    # Names shown in listings (chat and project names) with every detected value masked:
    # the published marts show these, never the raw name.
    "masked_names": pa.schema(
        [
            pa.field("input_id", pa.string(), nullable=False),
            pa.field("key_id", pa.string(), nullable=False),
            pa.field("source", pa.string(), nullable=False),
            pa.field("source_id", pa.string(), nullable=False),
            pa.field("masked_name", pa.string()),
            pa.field("ruleset_version", pa.string(), nullable=False),
            pa.field("scanned_at", TS, nullable=False),
        ]
    ),
}
