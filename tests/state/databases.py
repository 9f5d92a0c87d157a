"""State DB fixtures: every state-store test runs on SQLite and on PostgreSQL.

PostgreSQL runs on 127.0.0.1:5432 on the development and CI machines; each test session
creates its own throwaway database there (and drops it), and each test gets a fresh schema
inside it. When the server is unreachable the PostgreSQL variants skip, saying so.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_SERVER = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "test"}


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test session (SQLAlchemy URL)."""
    import psycopg2

    try:
        admin = psycopg2.connect(connect_timeout=3, **PG_SERVER)  # type: ignore[arg-type]
    except psycopg2.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0]
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 is unreachable ({reason}): skipping")
    admin.autocommit = True
    name = f"cc_test_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.cursor() as cur:
        cur.execute(f'create database "{name}"')
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"
    finally:
        from claude_compliance import runtime

        runtime._engine_for.cache_clear()
        with admin.cursor() as cur:
            cur.execute(f'drop database if exists "{name}" with (force)')
        admin.close()


def pg_schema_url(database_url: str) -> str:
    """A fresh schema in the session's database, as the default search path of the URL."""
    import sqlalchemy as sa

    schema = f"t_{secrets.token_hex(5)}"
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    engine.dispose()
    return f"{database_url}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty state DB URL: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    return pg_schema_url(request.getfixturevalue("pg_database"))
