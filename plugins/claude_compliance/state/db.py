"""The state DB engine and its migrations: every process upgrades to head before use.

SQLite (the local default) gets WAL and a busy timeout so the dashboard, the CLI and
parallel Airflow tasks can share the file; PostgreSQL (docker-compose) needs nothing extra.
A database created by the first key store (tables, no Alembic version) is stamped at 0001
and upgraded, so its keys survive.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BASELINE_REVISION = "0001"

IN_BATCH = 500
"""Values per `IN (…)` list: well under SQLite's bound-parameter limit on every build."""

_lock = threading.Lock()
_T = TypeVar("_T")


def in_batches(items: Sequence[_T], size: int = IN_BATCH) -> Iterator[Sequence[_T]]:
    """`items` in slices of at most `size`, for `column.in_(batch)` queries.

    >>> [list(b) for b in in_batches("abcde", 2)]
    [['a', 'b'], ['c', 'd'], ['e']]
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]


def make_engine(url: str) -> sa.Engine:
    """An engine for the state DB URL (not migrated: see `upgrade`)."""
    is_sqlite = url.startswith("sqlite")
    kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": 30}
    engine = sa.create_engine(url, **kwargs)
    if is_sqlite:
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if _is_file_database(dbapi_connection):
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL never corrupts; a power cut may lose the last commits only.
            cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _is_file_database(dbapi_connection: Any) -> bool:
    cursor = dbapi_connection.cursor()
    try:
        rows = cursor.execute("PRAGMA database_list").fetchall()
    finally:
        cursor.close()
    return any(row[1] == "main" and row[2] for row in rows)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package ships its revisions
        raise RuntimeError("no state DB migrations found")
    return head


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (head by default); idempotent and thread-safe."""
    config = alembic_config()
    with _lock, engine.begin() as conn:
        config.attributes["connection"] = conn
        inspector = sa.inspect(conn)
        has_version = inspector.has_table("alembic_version")
        if not has_version and inspector.has_table("compliance_keys"):
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    """Step back to `revision` (for tests of the migrations themselves)."""
    config = alembic_config()
    with _lock, engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
