"""The state DB migrations: from empty to head, from the first key store's tables, and the
migrated schema equals the metadata the code uses (no drift)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from cryptography.fernet import Fernet, MultiFernet

from claude_compliance.keys.store import KeyStore
from claude_compliance.state.db import (
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    upgrade,
)
from claude_compliance.state.schema import metadata

KEY = "sk-ant-api01-" + "Zq7" * 30 + "ABCD"


def test_upgrade_from_empty_reaches_head_and_matches_the_metadata(state_url: str) -> None:
    engine = make_engine(state_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        # Every table of the database, unfiltered: one metadata describes the whole state DB.
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    upgrade(engine)  # idempotent
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_downgrade_to_the_first_revision_and_back(state_url: str) -> None:
    engine = make_engine(state_url)
    upgrade(engine)
    downgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    tables = set(sa.inspect(engine).get_table_names())
    assert "dashboard_users" not in tables and "compliance_keys" in tables
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_downgrade_below_0004_drops_exactly_the_ledgers(state_url: str) -> None:
    engine = make_engine(state_url)
    upgrade(engine, "0004")
    before = set(sa.inspect(engine).get_table_names())
    downgrade(engine, "0003")
    assert current_revision(engine) == "0003"
    assert before - set(sa.inspect(engine).get_table_names()) == {
        "alert_deliveries",
        "siem_exports",
    }
    engine.dispose()


def _first_key_store_schema(engine: sa.Engine) -> None:
    """Exactly what the first KeyStore created with `metadata.create_all` (no Alembic)."""
    legacy = sa.MetaData()
    sa.Table(
        "compliance_keys",
        legacy,
        sa.Column("key_id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(120), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("ciphertext", sa.Text, nullable=False),
        sa.Column("scopes", sa.Text, nullable=False, default="[]"),
        sa.Column("organizations", sa.Text, nullable=False, default="[]"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_validated_at", sa.DateTime(timezone=True)),
        sa.Column("last_sync_at", sa.DateTime(timezone=True)),
        sa.Column("last_sync_status", sa.String(20)),
        sa.Column("last_error", sa.Text),
    )
    sa.Table(
        "compliance_key_events",
        legacy,
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key_id", sa.String(40), nullable=False, index=True),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    legacy.create_all(engine)


def test_a_database_of_the_first_key_store_is_upgraded_and_keeps_its_keys(
    state_url: str,
) -> None:
    fernet = MultiFernet([Fernet(Fernet.generate_key())])
    engine = make_engine(state_url)
    _first_key_store_schema(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into compliance_keys (key_id, name, fingerprint, key_hash, ciphertext, "
                "scopes, organizations, status, created_at) values "
                "('ck_old', 'legacy', 'fp', 'hash', :ct, :scopes, '[]', 'active', :now)"
            ),
            {
                "ct": fernet.encrypt(KEY.encode()).decode(),
                "scopes": json.dumps(["user_data"]),
                "now": now,
            },
        )
        conn.execute(
            sa.text(
                "insert into compliance_key_events (key_id, event, actor, created_at) "
                "values ('ck_old', 'registered', 'cli:alice', :now)"
            ),
            {"now": now},
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    store = KeyStore(engine, fernet)
    record = store.get("ck_old")
    assert store.reveal("ck_old") == KEY
    assert record.scopes == ("user_data",)
    assert record.created_by == "cli:alice"  # back-filled from the event trail
    assert record.organization_names == ()
    engine.dispose()


@pytest.mark.parametrize("table", sorted(metadata.tables))
def test_every_table_of_the_metadata_exists_after_upgrade(tmp_path, table: str) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'state.db'}")
    upgrade(engine)
    assert sa.inspect(engine).has_table(table)
    engine.dispose()
