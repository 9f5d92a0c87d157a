"""State-DB facts exported into the published warehouse at publish time.

The dashboard reads triage decisions (and, later, other workflow state) live from the state
DB; BI users read the published DuckDB file. So that both see the same thing as of a publish,
publish fills a published mart's state columns from the state DB while it copies the mart.

One mechanism for every such export: a `StateExport` names the mart, the join key, the
columns it fills (declared in the mart's dbt contract, null in build.duckdb) and a function
that, given a DuckDB cursor over the build file's mart, registers what it read from the state
DB and returns SQL selecting the key and those columns (one row per key, only keys that
differ from the defaults). Rows it does not return get the `defaults`. A second export adds
one `StateExport` to `EXPORTS`: more columns of the same mart (each export its own join), or
of another mart; with `key=None` it fills a whole state-only mart (the dbt model declares
the contract and selects no row; the export's SQL returns every row).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import duckdb

from claude_compliance.settings import Settings

# Given the settings and a cursor on which the build's mart is queryable as `relation`,
# register the state the export needs and return SQL over it (None: nothing to export).
ExportQuery = Callable[[Settings, duckdb.DuckDBPyConnection, str], "str | None"]


@dataclass(frozen=True, slots=True)
class StateExport:
    mart: str
    key: str | None
    columns: tuple[str, ...]
    query: ExportQuery
    # SQL expressions for rows the query does not return (a mart column name may be used).
    defaults: Mapping[str, str] = field(default_factory=dict)


def _triage_query(
    settings: Settings, cursor: duckdb.DuckDBPyConnection, relation: str
) -> str | None:
    from claude_compliance import runtime
    from claude_compliance.state.triage import TriageStore

    tables = TriageStore(runtime.state_engine(settings)).tables()
    marks = tables.marks_sql("f.finding_id", findings=relation)
    if marks is None:
        return None
    tables.register(cursor)
    return (
        "select finding_id, coalesce(status, 'open') as triage_status, "  # noqa: S608 - constant fragments
        "decided_by as triage_decided_by, decided_at as triage_decided_at, "
        "suppression_id is not null as is_suppressed, suppression_id "
        f"from ({marks})"
    )


TRIAGE = StateExport(
    mart="findings",
    key="finding_id",
    columns=(
        "triage_status",
        "triage_decided_by",
        "triage_decided_at",
        "is_suppressed",
        "suppression_id",
    ),
    query=_triage_query,
    defaults={
        "triage_status": "'open'",
        "triage_decided_by": "null",
        "triage_decided_at": "null",
        "is_suppressed": "false",
        "suppression_id": "null",
    },
)


def _remediations_query(
    settings: Settings, cursor: duckdb.DuckDBPyConnection, relation: str
) -> str | None:
    from claude_compliance.remediation.export import mart_query

    return mart_query(settings, cursor, relation)


# The whole `remediations` mart: removal requests live only in the state DB.
REMEDIATIONS = StateExport(
    mart="remediations",
    key=None,
    columns=(
        "request_id",
        "status",
        "key_id",
        "object_kind",
        "object_id",
        "chat_id",
        "project_id",
        "owner_user_id",
        "message_count",
        "file_count",
        "requested_by",
        "requested_at",
        "approver",
        "decided_by",
        "decided_at",
        "executed_at",
        "executed_key_id",
        "api_status",
        "api_request_id",
        "outcome",
        "failure_reason",
        "confirmed_at",
        "finding_count",
        "finding_ids",
        "hours_to_decision",
        "hours_to_confirmation",
    ),
    query=_remediations_query,
)

EXPORTS: tuple[StateExport, ...] = (TRIAGE, REMEDIATIONS)


def exports_by_mart(
    exports: tuple[StateExport, ...] | None = None,
) -> dict[str, list[StateExport]]:
    """The exports of each mart, in order; a whole-mart export (`key=None`) stands alone."""
    by_mart: dict[str, list[StateExport]] = {}
    for export in EXPORTS if exports is None else exports:
        by_mart.setdefault(export.mart, []).append(export)
    for mart, found in by_mart.items():
        if len(found) > 1 and any(e.key is None for e in found):
            raise ValueError(f"the mart {mart} has a whole-mart state export and others")
        filled = [c for e in found for c in e.columns]
        if len(filled) != len(set(filled)):
            raise ValueError(f"two state exports fill the same column of {mart}")
    return by_mart


def select_with_state(
    settings: Settings,
    cursor: duckdb.DuckDBPyConnection,
    exports: list[StateExport],
    relation: str,
    columns: list[str],
) -> str:
    """SQL selecting `columns` of `relation` with the exports' columns filled from state."""
    for export in exports:
        missing = [c for c in export.columns if c not in columns]
        if missing:
            raise ValueError(
                f"state export for {export.mart}: the mart has no column {', '.join(missing)} "
                "(declare it in the mart's contract)"
            )
    if exports[0].key is None:
        state = exports[0].query(settings, cursor, relation)
        if state is None:
            return f"select {', '.join(columns)} from {relation} where false"  # noqa: S608 - identifiers from the catalog
        return f"select {', '.join(columns)} from ({state})"  # noqa: S608
    filled: dict[str, str] = {}
    joins = []
    for n, export in enumerate(exports):
        state = export.query(settings, cursor, relation)
        alias = f"s{n}"
        if state is not None:
            joins.append(f"left join ({state}) {alias} on {alias}.{export.key} = m.{export.key}")
        for column in export.columns:
            default = export.defaults.get(column, "null")
            filled[column] = (
                f"{default} as {column}"
                if state is None
                else f"case when {alias}.{export.key} is null then {default} "
                f"else {alias}.{column} end as {column}"
            )
    selected = [filled.get(column, f"m.{column}") for column in columns]
    return f"select {', '.join(selected)} from {relation} m {' '.join(joins)}"  # noqa: S608
