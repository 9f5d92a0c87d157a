"""The remediation requests as a Parquet file for dbt: the `remediations` mart's source.

dbt reads the lake, not the state DB, so the build step writes this snapshot first
(`$CLAUDE_COMPLIANCE_HOME/state_export/remediations.parquet`, replaced atomically, written
even when empty so the source always has its columns). It carries ids, people, times and
outcomes; no matched value (the state table holds none).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from claude_compliance import filemodes
from claude_compliance.remediation.store import RemediationStore
from claude_compliance.settings import Settings

TS = pa.timestamp("us", tz="UTC")
SCHEMA = pa.schema(
    [
        pa.field("request_id", pa.string(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("key_id", pa.string(), nullable=False),
        pa.field("object_kind", pa.string(), nullable=False),
        pa.field("object_id", pa.string(), nullable=False),
        pa.field("chat_id", pa.string()),
        pa.field("project_id", pa.string()),
        pa.field("owner_user_id", pa.string()),
        pa.field("message_count", pa.int64()),
        pa.field("file_count", pa.int64()),
        pa.field("finding_ids", pa.list_(pa.string()), nullable=False),
        pa.field("requested_by", pa.string(), nullable=False),
        pa.field("requested_at", TS, nullable=False),
        pa.field("decided_by", pa.string()),
        pa.field("decided_at", TS),
        pa.field("executed_at", TS),
        pa.field("executed_key_id", pa.string()),
        pa.field("api_status", pa.int64()),
        pa.field("api_request_id", pa.string()),
        pa.field("outcome", pa.string()),
        pa.field("error", pa.string()),
        pa.field("confirmed_at", TS),
    ]
)


def export_path(settings: Settings) -> Path:
    return settings.home / "state_export" / "remediations.parquet"


def export_remediations(settings: Settings) -> Path:
    """Write every request to the export file; returns its path."""
    from claude_compliance import runtime

    records = RemediationStore(runtime.state_engine(settings)).all()
    columns = {
        field.name: [
            list(value) if isinstance(value := getattr(r, field.name), tuple) else value
            for r in records
        ]
        for field in SCHEMA
    }
    columns["status"] = [r.status.value for r in records]
    columns["object_kind"] = [r.object_kind.value for r in records]
    table = pa.table(columns, schema=SCHEMA)
    path = export_path(settings)
    filemodes.ensure_dir(path.parent)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    pq.write_table(table, partial)
    partial.replace(path)
    return path
