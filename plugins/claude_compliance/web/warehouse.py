"""Read-only access to the published DuckDB warehouse, shared by the dashboard's requests.

Publish swaps `compliance.duckdb` with an atomic rename, so a file's identity (inode, size,
mtime) names one published version. One read-only connection is kept per version and each
request gets its own cursor; the first request after a publish opens the new file. Opening
per request would cost ~15 ms plus cold caches (≈ 50 ms more on the findings page at 1M
rows). Nothing here ever writes the file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb

T = TypeVar("T")

MARTS = (
    "findings",
    "scanned_inputs",
    "organizations",
    "users",
    "chats",
    "projects",
    "activities",
    "findings_daily",
    "user_risk",
    "sync_ledger",
    "findings_changes",
)


def records(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The rows of the cursor's last result, each as a dict keyed by column name."""
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class WarehouseMissing(RuntimeError):
    """No published warehouse yet (no successful run)."""


class Warehouse:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._identity: tuple[int, int, int] | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._tables: frozenset[str] = frozenset()
        self._columns: dict[str, frozenset[str]] = {}
        self._memo: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Warehouse(path={str(self.path)!r})"

    @property
    def exists(self) -> bool:
        return self.path.exists()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the current published version; raises WarehouseMissing if none."""
        with self._lock:
            con = self._current()
            cursor = con.cursor()
        try:
            cursor.execute("set TimeZone = 'UTC'")
            yield cursor
        finally:
            cursor.close()

    def has(self, table: str) -> bool:
        """Whether the current version has `table` (a mart may not be built yet)."""
        try:
            with self._lock:
                self._current()
                return table in self._tables
        except WarehouseMissing:
            return False

    def columns(self, table: str) -> frozenset[str]:
        with self._lock:
            self._current()
            return self._columns.get(table, frozenset())

    def memo(self, name: str, compute: Callable[[], T], *, version: object = None) -> T:
        """`compute()` once per published version (facets such as the detector list).

        With `version`, the value is also recomputed when `version` changes (state the
        value depends on besides the warehouse); only the latest version is kept.
        """
        with self._lock:
            self._current()
            if name in self._memo and self._memo[name][0] == version:
                value: T = self._memo[name][1]
                return value
        value = compute()
        with self._lock:
            self._memo[name] = (version, value)
        return value

    def _current(self) -> duckdb.DuckDBPyConnection:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._identity, self._con = None, None
            raise WarehouseMissing(f"no published warehouse at {self.path} yet") from None
        identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if self._con is None or identity != self._identity:
            con = duckdb.connect(str(self.path), read_only=True)
            rows = con.execute(
                "select table_name, column_name from information_schema.columns "
                "where table_schema = 'main'"
            ).fetchall()
            columns: dict[str, set[str]] = {}
            for table, column in rows:
                columns.setdefault(table, set()).add(column)
            # The previous connection closes once its last cursor is gone.
            self._con, self._identity = con, identity
            self._columns = {t: frozenset(c) for t, c in columns.items()}
            self._tables = frozenset(columns)
            self._memo = {}
        return self._con
