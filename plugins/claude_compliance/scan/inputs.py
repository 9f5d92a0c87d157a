"""The five scanned sources of one interval, read from the raw lake as one Arrow table.

Exact source names (ARCHITECTURE §1): `chat_message` (user turns only; their text blocks
joined by "\\n"), `chat_file` (text files attached to user messages), `project_description`,
`project_instruction`, `project_file` (project documents and project files).

The join runs in DuckDB over the interval's Parquet files, so a million messages never
become Python objects; the engine scans the Arrow text column directly.
"""

from __future__ import annotations

import hashlib

import duckdb
import pyarrow as pa

from claude_compliance.lake.fs import LakeDir
from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import data_path, schema_file

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
    "occurred_at",
)


def stable_id(*parts: str) -> str:
    """The ids the scan writes: SHA-256 of the parts joined by U+001F, first 32 hex digits.

    `_INPUTS_SQL` computes the same for input ids inside DuckDB.
    """
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


_INPUTS_SQL = """
with
chats as (select * from read_parquet($chats)),
messages as (select * from read_parquet($messages) where role = 'user'),
files as (select * from read_parquet($files)),
projects as (select * from read_parquet($projects)),
attachments as (select * from read_parquet($attachments)),
inputs as (
    select
        'chat_message' as source,
        m.message_id as source_id,
        case when c.deleted_at is not null and coalesce(m.text, '') = '' then null
             else coalesce(m.text, '') end as text,
        case when c.deleted_at is not null and coalesce(m.text, '') = '' then 'deleted' end
            as skipped_reason,
        c.organization_uuid, c.user_id, m.chat_id, c.project_id,
        m.created_at as occurred_at,
        1 as source_order
    from messages m left join chats c on m.chat_id = c.chat_id
    union all
    select
        'chat_file', f.file_id, f.content_text, f.skipped_reason,
        c.organization_uuid, c.user_id, f.chat_id, c.project_id, f.created_at, 2
    from files f
    inner join messages m on f.message_id = m.message_id
    left join chats c on f.chat_id = c.chat_id
    union all
    select
        'project_description', p.project_id, coalesce(p.description, ''), null,
        p.organization_uuid, p.user_id, null, p.project_id,
        coalesce(p.updated_at, p.created_at), 3
    from projects p
    union all
    select
        'project_instruction', p.project_id, coalesce(p.instructions, ''), null,
        p.organization_uuid, p.user_id, null, p.project_id,
        coalesce(p.updated_at, p.created_at), 4
    from projects p
    union all
    select
        'project_file', a.attachment_id, a.content_text, a.skipped_reason,
        p.organization_uuid, coalesce(a.user_id, p.user_id), null, a.project_id,
        a.created_at, 5
    from attachments a left join projects p on a.project_id = p.project_id
)
select
    left(sha256(concat_ws(chr(31), $key_id, source, source_id)), 32) as input_id,
    source, source_id,
    case when skipped_reason is null then text end as text,
    skipped_reason, organization_uuid, user_id, chat_id, project_id, occurred_at
from inputs
order by source_order, source_id
"""


def read_inputs(lake_dir: LakeDir, key_id: str, interval: Interval) -> pa.Table:
    """Every user input of the interval (columns `INPUT_COLUMNS`), in a stable order."""
    paths = {}
    for name, table in (
        ("chats", "chats"),
        ("messages", "chat_messages"),
        ("files", "chat_files"),
        ("projects", "projects"),
        ("attachments", "project_attachments"),
    ):
        path = data_path(lake_dir, "raw", table, key_id, interval)
        if not path.exists():
            path = schema_file(lake_dir, "raw", table, RAW[table])
        paths[name] = str(path)
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        result = con.sql(_INPUTS_SQL, params={**paths, "key_id": key_id}).to_arrow_table()
    return result
