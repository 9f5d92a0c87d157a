from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from claude_compliance.keys.store import KeyStore, KeyStoreError, fingerprint_of
from claude_compliance.state.db import make_engine, upgrade

KEY = "sk-ant-api01-" + "Ab3" * 30 + "WXYZ"


@pytest.fixture
def url(state_url: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return state_url


def make_store(url: str, fernet: MultiFernet | None = None) -> KeyStore:
    engine = make_engine(url)
    upgrade(engine)
    return KeyStore(engine, fernet or MultiFernet([Fernet(Fernet.generate_key())]))


def dump(url: str) -> str:
    """Every cell of every table of the state DB, as text."""
    engine = make_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine)
    parts = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(sa.select(table)):
                parts.extend(str(v) for v in row)
    engine.dispose()
    return "\n".join(parts)


def test_only_ciphertext_is_stored_and_reveal_round_trips(url: str, tmp_path: Path) -> None:
    store = make_store(url)
    record = store.add(KEY, name="prod", scopes=["activities"], organizations=[], actor="t")
    assert record.status == "active"
    assert store.reveal(record.key_id) == KEY
    assert KEY not in dump(url)
    assert all(KEY.encode() not in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert KEY not in repr(record) and KEY not in str(record.as_public_dict())
    assert record.fingerprint == fingerprint_of(KEY)
    assert record.fingerprint.startswith("sk-ant-api01-…WXYZ (sha256:")


def test_registering_the_same_key_twice_is_refused(url: str) -> None:
    store = make_store(url)
    store.add(KEY, name="a", scopes=[], organizations=[], actor="t")
    with pytest.raises(KeyStoreError, match="already registered"):
        store.add(KEY, name="b", scopes=[], organizations=[], actor="t")


def test_tampered_ciphertext_is_a_clear_error(url: str) -> None:
    store = make_store(url)
    record = store.add(KEY, name="a", scopes=[], organizations=[], actor="t")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("update compliance_keys set ciphertext = 'gAAAAAtampered'"))
    with pytest.raises(KeyStoreError, match="tampered") as info:
        store.reveal(record.key_id)
    assert KEY not in str(info.value)


def test_rotate_master_re_encrypts_and_old_master_alone_no_longer_reads(url: str) -> None:
    old = Fernet(Fernet.generate_key())
    store = make_store(url, MultiFernet([old]))
    record = store.add(KEY, name="a", scopes=[], organizations=[], actor="t")
    new = Fernet(Fernet.generate_key())
    assert store.rotate_master(MultiFernet([new, old]), actor="t") == 1
    assert store.reveal(record.key_id) == KEY
    only_new = make_store(url, MultiFernet([new]))
    assert only_new.reveal(record.key_id) == KEY
    only_old = make_store(url, MultiFernet([old]))
    with pytest.raises(KeyStoreError):
        only_old.reveal(record.key_id)


def test_revoked_keys_leave_the_active_list_and_sync_status_is_tracked(url: str) -> None:
    store = make_store(url)
    a = store.add(KEY, name="a", scopes=[], organizations=[], actor="t")
    b = store.add(KEY[:-4] + "QQQQ", name="b", scopes=[], organizations=[], actor="t")
    store.record_sync(a.key_id, ok=False, error="GET /x -> 401 API key is invalid.")
    assert store.get(a.key_id).status == "sync_error"
    assert store.get(a.key_id).last_error == "GET /x -> 401 API key is invalid."
    store.record_sync(a.key_id, ok=True)
    assert store.get(a.key_id).status == "active"
    store.revoke(b.key_id, actor="admin")
    assert [k.key_id for k in store.active()] == [a.key_id]
    store.record_sync(b.key_id, ok=True)
    assert store.get(b.key_id).status == "revoked"
    events = [e["event"] for e in store.events(b.key_id)]
    assert events[:2] == ["registered", "revoked"]


def test_sync_history_keeps_each_outcome_and_errors_never_carry_the_key(url: str) -> None:
    from datetime import UTC, datetime

    store = make_store(url)
    record = store.add(
        KEY, name="a", scopes=[], organizations=["o1"], actor="t", organization_names=["Acme"]
    )
    start = datetime(2026, 11, 19, tzinfo=UTC)
    end = datetime(2026, 11, 20, tzinfo=UTC)
    store.record_sync(record.key_id, ok=True, interval_start=start, interval_end=end)
    store.record_sync(record.key_id, ok=False, error=f"boom with {KEY} inside")
    history = store.sync_history(record.key_id)
    assert [h.status for h in history] == ["failed", "ok"]
    assert history[1].interval_start == start and history[1].interval_end == end
    assert KEY not in (history[0].error or "") and record.fingerprint in (history[0].error or "")
    assert KEY not in (store.get(record.key_id).last_error or "")
    assert store.get(record.key_id).parent_organization == "Acme"
    failed = store.mark_validated(record.key_id, actor="t", ok=False, error="401 deactivated")
    assert failed.status == "sync_error" and failed.last_error == "401 deactivated"
    ok = store.mark_validated(record.key_id, actor="t", ok=True, error=None, scopes=["org_data"])
    assert ok.status == "active" and ok.scopes == ("org_data",) and ok.last_error is None
    revoked = store.revoke(record.key_id, actor="admin")
    assert revoked.revoked_by == "admin" and revoked.revoked_at is not None
    with pytest.raises(KeyStoreError, match="already revoked"):
        store.revoke(record.key_id, actor="admin")
    assert KEY not in dump(url)
