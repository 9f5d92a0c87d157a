"""The five scanned sources, read from one interval of the raw lake.

Exact source names (ARCHITECTURE §1): `chat_message` (user turns only; text blocks joined by
"\\n"), `chat_file` (text files attached to user messages), `project_description`,
`project_instruction`, `project_file` (project documents and project files).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import read_interval


@dataclass(frozen=True, slots=True)
class Input:
    source: str
    source_id: str
    text: str | None
    skipped_reason: str | None
    organization_uuid: str | None
    user_id: str | None
    chat_id: str | None
    project_id: str | None
    occurred_at: datetime | None

    def input_id(self, key_id: str) -> str:
        return stable_id(key_id, self.source, self.source_id)


def stable_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _rows(lake_dir: Path, table: str, key_id: str, interval: Interval) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = read_interval(
        lake_dir, "raw", table, key_id, interval, RAW[table]
    ).to_pylist()
    return rows


def read_inputs(lake_dir: Path, key_id: str, interval: Interval) -> Iterator[Input]:
    """Every user input of the interval, in a stable order."""
    chats = {c["chat_id"]: c for c in _rows(lake_dir, "chats", key_id, interval)}
    user_message_ids: set[str] = set()
    for message in _rows(lake_dir, "chat_messages", key_id, interval):
        if message["role"] != "user":
            continue
        chat = chats.get(message["chat_id"], {})
        user_message_ids.add(message["message_id"])
        text = message["text"] or ""
        deleted = chat.get("deleted_at") is not None and not text
        yield Input(
            source="chat_message",
            source_id=message["message_id"],
            text=None if deleted else text,
            skipped_reason="deleted" if deleted else None,
            organization_uuid=chat.get("organization_uuid"),
            user_id=chat.get("user_id"),
            chat_id=message["chat_id"],
            project_id=chat.get("project_id"),
            occurred_at=message["created_at"],
        )
    for file in _rows(lake_dir, "chat_files", key_id, interval):
        if file["message_id"] not in user_message_ids:
            continue
        chat = chats.get(file["chat_id"], {})
        yield Input(
            source="chat_file",
            source_id=file["file_id"],
            text=file["content_text"],
            skipped_reason=file["skipped_reason"],
            organization_uuid=chat.get("organization_uuid"),
            user_id=chat.get("user_id"),
            chat_id=file["chat_id"],
            project_id=chat.get("project_id"),
            occurred_at=file["created_at"],
        )
    projects = _rows(lake_dir, "projects", key_id, interval)
    by_project = {p["project_id"]: p for p in projects}
    for project in projects:
        occurred_at = project["updated_at"] or project["created_at"]
        for source, column in (
            ("project_description", "description"),
            ("project_instruction", "instructions"),
        ):
            yield Input(
                source=source,
                source_id=project["project_id"],
                text=project[column] or "",
                skipped_reason=None,
                organization_uuid=project["organization_uuid"],
                user_id=project["user_id"],
                chat_id=None,
                project_id=project["project_id"],
                occurred_at=occurred_at,
            )
    for attachment in _rows(lake_dir, "project_attachments", key_id, interval):
        project = by_project.get(attachment["project_id"], {})
        yield Input(
            source="project_file",
            source_id=attachment["attachment_id"],
            text=attachment["content_text"],
            skipped_reason=attachment["skipped_reason"],
            organization_uuid=project.get("organization_uuid"),
            user_id=attachment["user_id"] or project.get("user_id"),
            chat_id=None,
            project_id=attachment["project_id"],
            occurred_at=attachment["created_at"],
        )
