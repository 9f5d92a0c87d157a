"""The `remediations` mart's rows, filled from the state table at publish time.

Requests live in the state DB; BI users read the published DuckDB file. Like the findings'
triage columns, the mart is filled by publish through `warehouse.state_export` (the
`REMEDIATIONS` export, whole mart): dbt declares the contract and selects no row, and this
module registers the state table with the publish connection and returns the SQL deriving
the mart's columns. Ids, people, times and outcomes only: the state table holds no matched
value.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from claude_compliance.settings import Settings

TS = pa.timestamp("us", tz="UTC")
# The state columns the mart derives from (the state table's names).
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

# The mart's columns from the state rows (the contract is in _marts__models.yml).
MART_SQL = """
select
    request_id, status, key_id, object_kind, object_id, chat_id, project_id, owner_user_id,
    message_count, file_count, requested_by, requested_at,
    -- the approver, or whoever rejected: `status` says which
    case when status != 'rejected' then decided_by end as approver,
    decided_by, decided_at, executed_at, executed_key_id, api_status, api_request_id,
    outcome, error as failure_reason, confirmed_at,
    len(finding_ids) as finding_count, finding_ids,
    date_diff('second', requested_at, decided_at) / 3600.0 as hours_to_decision,
    date_diff('second', requested_at, confirmed_at) / 3600.0 as hours_to_confirmation
from remediation_state
order by requested_at, request_id
"""


def state_table(settings: Settings) -> pa.Table:
    """Every request in the state DB, as an Arrow table of `SCHEMA`."""
    from claude_compliance import runtime
    from claude_compliance.remediation.store import RemediationStore

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
    return pa.table(columns, schema=SCHEMA)


def mart_query(settings: Settings, cursor: duckdb.DuckDBPyConnection, _relation: str) -> str:
    """The `state_export` query: registers the state rows, returns the mart's SQL."""
    cursor.register("remediation_state", state_table(settings))
    return MART_SQL
