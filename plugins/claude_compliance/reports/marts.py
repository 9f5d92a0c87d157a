"""Read-only access to the published warehouse, in UTC, for reports, alerts and the export."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb

from claude_compliance.reports.errors import ReportError
from claude_compliance.settings import Settings


@contextmanager
def open_marts(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """The published `compliance.duckdb`, read-only, with the session time zone set to UTC.

    UTC matters: a day bucket (`occurred_at::date`) must not depend on the reader's clock.
    """
    path = settings.published_db_path
    if not path.exists():
        raise ReportError(
            f"no published warehouse at {path}: run `claude-compliance run` (or the "
            "compliance_sync DAG) first"
        )
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        yield con
    finally:
        con.close()


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'main' and table_name = ?",
        [name],
    ).fetchall()
    return bool(found[0][0])


def columns_of(con: duckdb.DuckDBPyConnection, name: str) -> set[str]:
    found = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'main' and table_name = ?",
        [name],
    ).fetchall()
    return {column for (column,) in found}


def records(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """The rows of a query as dicts keyed by column name."""
    result = con.execute(sql, list(params))
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
