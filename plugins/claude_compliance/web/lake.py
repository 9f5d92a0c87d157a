"""Raw text for the conversation and finding views, read from the lake (the only place it is).

Every value returned here is unmasked: callers pass it through `web.masking.mask` before
anything reaches a template. Reads are DuckDB scans of one key's partitions, filtered by id,
keeping the latest sync of each record.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb

from claude_compliance.lake.fs import LakeDir
from claude_compliance.scan.sources import SOURCE_NAMES, source

_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


class LakeReader:
    def __init__(self, lake_dir: LakeDir) -> None:
        self.lake_dir = lake_dir

    def __repr__(self) -> str:
        return f"LakeReader(lake_dir={str(self.lake_dir)!r})"

    def chat_messages(self, key_id: str, chat_id: str) -> list[dict[str, Any]]:
        return self._latest(
            "chat_messages",
            key_id,
            "message_id, role, created_at, text, file_ids",
            "chat_id = ?",
            [chat_id],
            "message_id",
            order="created_at, message_id",
        )

    def chat_files(self, key_id: str, chat_id: str) -> list[dict[str, Any]]:
        return self._latest(
            "chat_files",
            key_id,
            "file_id, message_id, filename, mime_type, size_bytes, created_at, content_text, "
            "skipped_reason",
            "chat_id = ?",
            [chat_id],
            "file_id",
            order="created_at, file_id",
        )

    def project(self, key_id: str, project_id: str) -> dict[str, Any] | None:
        rows = self._latest(
            "projects",
            key_id,
            "project_id, name, created_at, updated_at, user_email, description, instructions",
            "project_id = ?",
            [project_id],
            "project_id",
        )
        return rows[0] if rows else None

    def project_attachments(self, key_id: str, project_id: str) -> list[dict[str, Any]]:
        return self._latest(
            "project_attachments",
            key_id,
            "attachment_id, attachment_type, filename, mime_type, size_bytes, created_at, "
            "content_text, skipped_reason",
            "project_id = ?",
            [project_id],
            "attachment_id",
            order="created_at, attachment_id",
        )

    def session_messages(self, key_id: str, session_id: str) -> list[dict[str, Any]]:
        """A session's messages in server order, with their blocks (`raw_json`)."""
        return self._latest(
            "session_messages",
            key_id,
            "message_id, role, created_at, seq, provenance_type, provenance_reason, "
            "is_content_unavailable, is_truncated, text, raw_json",
            "session_id = ?",
            [session_id],
            "message_id",
            order="created_at, seq, message_id",
        )

    def input_text(self, key_id: str, source_name: str, source_id: str) -> str | None:
        """The scanned text of one input (ARCHITECTURE §1 sources), or None if not found."""
        if source_name not in SOURCE_NAMES:
            return None
        spec = source(source_name)
        table, column, id_column = spec.table, spec.text_column, spec.id_column
        rows = self._latest(
            table, key_id, f"{column} as text", f"{id_column} = ?", [source_id], id_column
        )
        if not rows:
            return None
        text = rows[0]["text"]
        return str(text) if text is not None else None

    def _latest(
        self,
        table: str,
        key_id: str,
        columns: str,
        where: str,
        params: list[Any],
        id_column: str,
        order: str | None = None,
    ) -> list[dict[str, Any]]:
        if not _SAFE_ID.match(key_id):
            return []
        directory = self.lake_dir / "raw" / table / f"key={key_id}"
        if not any(directory.glob("dt=*/*.parquet")):
            return []
        pattern = str(directory / "dt=*" / "*.parquet")
        sql = (
            f"select {columns} from read_parquet(?, hive_partitioning = false) where {where} "  # noqa: S608 - whitelisted identifiers and fragments; values are bound parameters
            f"qualify row_number() over (partition by {id_column} order by synced_at desc) = 1"
        )
        if order:
            sql += f" order by {order}"
        with duckdb.connect() as con:
            cursor = con.execute(sql, [pattern, *params])
            names = [d[0] for d in cursor.description or []]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
