"""The scanned inputs of one interval, read from the raw lake as one Arrow table.

What each source is, and where its text lives, comes from the registry (`scan.sources`);
this module adds only the context of each source: which rows are inputs (user turns, not
assistant turns or synthetic markers) and who, where and when they belong to.

The join runs in DuckDB over the interval's Parquet files, so a million messages never
become Python objects; the engine scans the Arrow text column directly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from claude_compliance.lake.fs import LakeDir
from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import data_path, schema_file
from claude_compliance.scan.sources import SOURCES, Source

INPUT_COLUMNS = (
    "input_id",
    "source",
    "source_id",
    "text",
    "skipped_reason",
    "organization_uuid",
    "user_id",
    "chat_id",
    "project_id",
    "session_id",
    "occurred_at",
    "detected_format",
    "extractor",
    "segments",
)


def stable_id(*parts: str) -> str:
    """The ids the scan writes: SHA-256 of the parts joined by U+001F, first 32 hex digits.

    `_inputs_sql` computes the same for input ids inside DuckDB.
    """
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class _Context:
    """How one source's rows become inputs: `x` is the source's own table."""

    joins: str = ""
    where: str = "true"
    skipped: str = "null"
    # organization_uuid, user_id, chat_id, project_id, session_id, occurred_at
    context: str = ""
    document: str = "null, null, null"  # detected_format, extractor, segments


_DOCUMENT = "x.detected_format, x.extractor, x.content_segments"
_UNAVAILABLE = (
    "case when x.is_content_unavailable then "
    "concat_ws(':', 'content_unavailable', x.provenance_reason) end"
)
_DELETED_TURN = "c.deleted_at is not null and coalesce(x.text, '') = ''"

_CONTEXTS: dict[str, _Context] = {
    "chat_message": _Context(
        joins="left join chats c on x.chat_id = c.chat_id",
        where="x.role = 'user'",
        skipped=f"case when {_DELETED_TURN} then 'deleted' end",
        context="c.organization_uuid, c.user_id, x.chat_id, c.project_id, null, x.created_at",
    ),
    "chat_file": _Context(
        # Files of user turns only (what the user gave Claude).
        joins=(
            "inner join (select message_id from chat_messages where role = 'user') m "
            "on x.message_id = m.message_id left join chats c on x.chat_id = c.chat_id"
        ),
        skipped="x.skipped_reason",
        context="c.organization_uuid, c.user_id, x.chat_id, c.project_id, null, x.created_at",
        document=_DOCUMENT,
    ),
    "project_description": _Context(
        context=(
            "x.organization_uuid, x.user_id, null, x.project_id, null, "
            "coalesce(x.updated_at, x.created_at)"
        ),
    ),
    "project_instruction": _Context(
        context=(
            "x.organization_uuid, x.user_id, null, x.project_id, null, "
            "coalesce(x.updated_at, x.created_at)"
        ),
    ),
    "project_file": _Context(
        joins="left join projects p on x.project_id = p.project_id",
        skipped="x.skipped_reason",
        context=(
            "p.organization_uuid, coalesce(x.user_id, p.user_id), null, x.project_id, null, "
            "x.created_at"
        ),
        document=_DOCUMENT,
    ),
    "session_message": _Context(
        # User-role turns; synthetic markers ("[system prompt content not shown]", compaction
        # markers) are the server's, not the user's. Unknown provenance types are scanned.
        joins="left join sessions s on x.session_id = s.session_id",
        where="x.role = 'user' and coalesce(x.provenance_type, '') <> 'synthetic_marker'",
        skipped=_UNAVAILABLE,
        context=(
            "s.organization_uuid, coalesce(x.sent_by_user_id, s.user_id, s.started_by_user_id), "
            "null, s.project_id, x.session_id, x.created_at"
        ),
    ),
    "chat_name": _Context(
        context=(
            "x.organization_uuid, x.user_id, x.chat_id, x.project_id, null, "
            "coalesce(x.updated_at, x.created_at)"
        ),
    ),
    "project_name": _Context(
        context=(
            "x.organization_uuid, x.user_id, null, x.project_id, null, "
            "coalesce(x.updated_at, x.created_at)"
        ),
    ),
}
if set(_CONTEXTS) != {s.name for s in SOURCES}:  # pragma: no cover - a registry change
    raise RuntimeError("scan.inputs has no context for every source in scan.sources")

_TABLES = sorted({s.table for s in SOURCES} | {"chats", "projects", "sessions"})


def _select(order: int, spec: Source) -> str:
    ctx = _CONTEXTS[spec.name]
    return (
        f"select '{spec.name}' as source, x.{spec.id_column} as source_id, "  # noqa: S608 - identifiers from the registry
        f"x.{spec.text_column} as text, {ctx.skipped} as skipped_reason, {ctx.context}, "
        f"{ctx.document}, {order} as source_order "
        f"from {spec.table} x {ctx.joins} where {ctx.where}"
    )


def _inputs_sql() -> str:
    tables = ",\n".join(
        f"{t} as (select * from read_parquet(${t}, union_by_name = true))"  # noqa: S608 - fixed table names
        for t in _TABLES
    )
    selects = "\nunion all\n".join(_select(i, s) for i, s in enumerate(SOURCES))
    return f"""
with
{tables},
inputs (
    source, source_id, text, skipped_reason, organization_uuid, user_id, chat_id, project_id,
    session_id, occurred_at, detected_format, extractor, segments, source_order
) as (
{selects}
)
select
    left(sha256(concat_ws(chr(31), $key_id, source, source_id)), 32) as input_id,
    source, source_id,
    case when skipped_reason is null then coalesce(text, '') end as text,
    skipped_reason, organization_uuid, user_id, chat_id, project_id, session_id, occurred_at,
    detected_format, extractor, segments
from inputs
order by source_order, source_id
"""  # noqa: S608 - built from the registry and fixed fragments; values are bound parameters


_SQL = _inputs_sql()


def read_inputs(lake_dir: LakeDir, key_id: str, interval: Interval) -> pa.Table:
    """Every user input of the interval (columns `INPUT_COLUMNS`), in a stable order.

    Each table is read together with its schema file, so a partition written before a
    column existed reads with that column null instead of failing.
    """
    paths: dict[str, list[str]] = {}
    for table in _TABLES:
        schema_path = str(schema_file(lake_dir, "raw", table, RAW[table]))
        path = data_path(lake_dir, "raw", table, key_id, interval)
        paths[table] = [str(path), schema_path] if path.exists() else [schema_path]
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        result = con.sql(_SQL, params={**paths, "key_id": key_id}).to_arrow_table()
    return result
