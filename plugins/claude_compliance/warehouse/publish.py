"""Publish the built warehouse: the public marts of `build.duckdb` as `compliance.duckdb`.

Readers (dashboard, reports, the duckdb CLI, BI tools) open the published copy, so they never
meet dbt's writer lock; a reader holding the old file keeps its open inode until it closes.

Only the public marts are published: dbt builds them in the `main` schema, staging views and
intermediate tables in `staging` and `intermediate` (`macros/generate_schema_name.sql`).
Each mart is copied as a table with its contract's DDL (types, NOT NULL), so the published
file holds no view, hence no lake path, and opens anywhere. State-DB columns (triage) are
filled while copying, as of this publish (`state_export`).

A publish killed mid-copy leaves a warehouse-sized temp file; the next publish removes it.
It may: publishes run under the home's writer lock (`pipeline.publish`), so no temp can
belong to a publish still running.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

from claude_compliance.filemodes import published_file_mode
from claude_compliance.settings import Settings
from claude_compliance.warehouse.state_export import exports_by_mart, select_with_state

PUBLIC_SCHEMA = "main"


def publish(settings: Settings) -> Path:
    source = settings.build_db_path
    if not source.exists():
        raise FileNotFoundError(f"nothing to publish: {source} does not exist (run dbt build)")
    target = settings.published_db_path
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        leftover.unlink(missing_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        copy_public_marts(settings, source, tmp)
        # Owner-only, or group-readable when CLAUDE_COMPLIANCE_WAREHOUSE_GROUP_READ says so.
        os.chmod(tmp, published_file_mode(settings.warehouse_group_readable))
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def copy_public_marts(settings: Settings, source: Path, target: Path) -> list[str]:
    """Write the public marts of `source` into a new DuckDB file `target`; their names."""
    exports = exports_by_mart()
    quoted = str(source).replace("'", "''")
    con = duckdb.connect(str(target))
    try:
        con.execute(f"attach '{quoted}' as build (read_only)")
        marts = con.execute(
            "select table_name, sql from duckdb_tables() "
            "where database_name = 'build' and schema_name = ? order by table_name",
            [PUBLIC_SCHEMA],
        ).fetchall()
        views = con.execute(
            "select view_name from duckdb_views() "
            "where database_name = 'build' and schema_name = ? and not internal",
            [PUBLIC_SCHEMA],
        ).fetchall()
        if views:
            # A public mart as a view would publish its SQL (lake paths) and need the lake.
            raise ValueError(
                "public marts must be tables; views in build.duckdb's main schema: "
                + ", ".join(v for (v,) in views)
            )
        for name, ddl in marts:
            con.execute(ddl)  # the contract's column types and NOT NULL constraints
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where database_name = 'build' "
                    "and schema_name = ? and table_name = ? order by column_index",
                    [PUBLIC_SCHEMA, name],
                ).fetchall()
            ]
            relation = f'build.{PUBLIC_SCHEMA}."{name}"'
            filled_by = exports.get(name)
            if filled_by is None:
                select = f"select * from {relation}"  # noqa: S608 - names from the catalog
            else:
                select = select_with_state(settings, con, filled_by, relation, columns)
            con.execute(f'insert into "{name}" {select}')
        con.execute("detach build")
        con.execute("checkpoint")
    finally:
        con.close()
    return [name for name, _ in marts]
