from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from claude_compliance.keys.store import KeyStore, KeyStoreError, fingerprint_of

KEY = "sk-ant-api01-" + "Ab3" * 30 + "WXYZ"


def make_store(tmp_path: Path, fernet: MultiFernet | None = None) -> KeyStore:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'state.db'}")
    return KeyStore(engine, fernet or MultiFernet([Fernet(Fernet.generate_key())]))


def test_only_ciphertext_is_stored_and_reveal_round_trips(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    record = store.add(KEY, name="prod", scopes=["activities"], organizations=[], actor="t")
    assert record.status == "active"
    assert store.reveal(record.key_id) == KEY
    assert KEY.encode() not in (tmp_path / "state.db").read_bytes()
    assert KEY not in repr(record) and KEY not in str(record.as_public_dict())
    assert record.fingerprint == fingerprint_of(KEY)
    assert record.fingerprint.startswith("sk-ant-api01-…WXYZ (sha256:")


def test_registering_the_same_key_twice_is_refused(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    store.add(KEY, name="a", scopes=[], organizations=[], actor="t")
    with pytest.raises(KeyStoreError, match="already registered"):
        store.add(KEY, name="b", scopes=[], organizations=[], actor="t")


def test_tampered_ciphertext_is_a_clear_error(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    record = store.add(KEY, name="a", scopes=[], organizations=[], actor="t")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'state.db'}")
    with engine.begin() as conn:
        conn.execute(sa.text("update compliance_keys set ciphertext = 'gAAAAAtampered'"))
    with pytest.raises(KeyStoreError, match="tampered") as info:
        store.reveal(record.key_id)
    assert KEY not in str(info.value)


def test_rotate_master_re_encrypts_and_old_master_alone_no_longer_reads(tmp_path: Path) -> None:
    old = Fernet(Fernet.generate_key())
    store = make_store(tmp_path, MultiFernet([old]))
    record = store.add(KEY, name="a", scopes=[], organizations=[], actor="t")
    new = Fernet(Fernet.generate_key())
    assert store.rotate_master(MultiFernet([new, old]), actor="t") == 1
    assert store.reveal(record.key_id) == KEY
    only_new = make_store(tmp_path, MultiFernet([new]))
    assert only_new.reveal(record.key_id) == KEY
    only_old = make_store(tmp_path, MultiFernet([old]))
    with pytest.raises(KeyStoreError):
        only_old.reveal(record.key_id)


def test_revoked_keys_leave_the_active_list_and_sync_status_is_tracked(tmp_path: Path) -> None:
    store = make_store(tmp_path)
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
