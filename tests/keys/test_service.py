"""Registering, validating, revoking and rotating keys against the simulator (in process)."""

from __future__ import annotations

import os
import socket
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from claude_compliance import runtime
from claude_compliance.keys import service
from claude_compliance.keys.master import MASTER_KEY_FILE_VAR, MASTER_KEY_VAR
from claude_compliance.lake.interval import Interval
from claude_compliance.pipeline import PipelineError, extract
from claude_compliance.settings import Settings

DAY = Interval(datetime(2026, 11, 19, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC))


def state_rows(settings: Settings) -> dict[str, int]:
    engine = runtime.state_engine(settings)
    with engine.connect() as conn:
        return {
            table: conn.execute(sa.text(f"select count(*) from {table}")).scalar_one()
            for table in ("compliance_keys", "compliance_key_events", "compliance_key_syncs")
        }


def test_a_valid_key_is_stored_encrypted_and_active(settings: Settings, sim) -> None:  # type: ignore[no-untyped-def]
    result = service.register(
        settings, sim.keys.compliance, name=" Acme  prod ", actor="t", transport=sim.transport()
    )
    record = result.record
    assert record.status == "active" and record.name == "Acme prod"
    assert set(record.scopes) == {"activities", "org_data", "user_data"}
    assert len(record.organizations) == 2 and all(record.organization_names)
    assert record.fingerprint.startswith("sk-ant-api01-…") and record.created_by == "t"
    assert result.warnings == ()
    engine = runtime.state_engine(settings)
    with engine.connect() as conn:
        ciphertext = conn.execute(sa.text("select ciphertext from compliance_keys")).scalar_one()
    assert sim.keys.compliance not in ciphertext and ciphertext.startswith("gAAAA")
    assert runtime.key_store(settings).reveal(record.key_id) == sim.keys.compliance
    with pytest.raises(service.KeyStoreError, match="already registered"):
        service.register(
            settings, sim.keys.compliance, name="again", actor="t", transport=sim.transport()
        )


@pytest.mark.parametrize(
    ("which", "reason"),
    [
        ("claude_api", "Claude API key (sk-ant-api03-…): it cannot read the Compliance API"),
        ("admin", "reaches only the activity feed"),
        ("unknown", "the Compliance API refused the key: API key is invalid."),
        ("deactivated", "the Compliance API refused the key: API key has been deactivated."),
        ("malformed", "malformed Compliance Access Key"),
        ("other", "expected the prefix sk-ant-api01-"),
    ],
)
def test_bad_keys_are_refused_with_the_reason_and_nothing_is_stored(
    settings: Settings,
    sim,
    which: str,
    reason: str,  # type: ignore[no-untyped-def]
) -> None:
    keys = sim.keys.as_dict() | {"malformed": "sk-ant-api01-short", "other": "ghp_abcdef"}
    with pytest.raises(service.KeyRejected) as info:
        service.register(settings, keys[which], name="x", actor="t", transport=sim.transport())
    assert reason in str(info.value)
    assert keys[which] not in str(info.value)
    assert state_rows(settings) == {
        "compliance_keys": 0,
        "compliance_key_events": 0,
        "compliance_key_syncs": 0,
    }


def test_a_404_from_the_api_is_refused_with_its_reason(settings: Settings, sim) -> None:  # type: ignore[no-untyped-def]
    sim.faults.add("/v1/compliance/activities", status=404, times=1)
    with pytest.raises(service.KeyRejected, match="does not recognise this as a Compliance key"):
        service.register(
            settings, sim.keys.compliance, name="x", actor="t", transport=sim.transport()
        )
    assert state_rows(settings)["compliance_keys"] == 0


def test_the_api_unreachable_is_a_clear_message_and_nothing_is_stored(
    settings: Settings,
    sim,  # type: ignore[no-untyped-def]
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    offline = replace(settings, api_url=f"http://127.0.0.1:{port}", request_timeout_s=2.0)
    with pytest.raises(
        service.KeyRejected, match="could not reach the Compliance API at http://127"
    ):
        service.register(offline, sim.keys.compliance, name="x", actor="t")
    assert state_rows(settings)["compliance_keys"] == 0


def test_an_activities_only_key_is_accepted_and_the_limit_said_plainly(
    settings: Settings,
    sim,  # type: ignore[no-untyped-def]
) -> None:
    result = service.register(
        settings, sim.keys.activities_only, name="feed", actor="t", transport=sim.transport()
    )
    assert result.record.scopes == ("activities",)
    assert result.record.parent_organization.startswith("unknown")
    assert any("cannot read chats" in w for w in result.warnings)


def test_a_second_key_for_the_same_organizations_warns_and_replaces_revokes(
    settings: Settings,
    sim,  # type: ignore[no-untyped-def]
) -> None:
    first = service.register(
        settings, sim.keys.compliance, name="a", actor="t", transport=sim.transport()
    ).record
    second_key = sim.add_key(
        ["read:compliance_activities", "read:compliance_user_data", "read:compliance_org_data"]
    )
    second = service.register(settings, second_key, name="b", actor="t", transport=sim.transport())
    assert any(first.key_id in w and "counted twice" in w for w in second.warnings)
    third_key = sim.add_key(["read:compliance_user_data", "read:compliance_org_data"])
    third = service.register(
        settings,
        third_key,
        name="c",
        actor="ann",
        replaces=second.record.key_id,
        transport=sim.transport(),
    )
    store = runtime.key_store(settings)
    replaced = store.get(second.record.key_id)
    assert replaced.status == "revoked" and third.record.key_id in (replaced.revoked_by or "")
    with pytest.raises(service.KeyStoreError, match="already revoked"):
        service.register(
            settings,
            sim.add_key(["read:compliance_user_data"]),
            name="d",
            actor="t",
            replaces=second.record.key_id,
            transport=sim.transport(),
        )


def test_validate_records_success_and_refusal(settings: Settings, sim) -> None:  # type: ignore[no-untyped-def]
    key_id = service.register(
        settings, sim.keys.compliance, name="a", actor="t", transport=sim.transport()
    ).record.key_id
    assert service.validate(settings, key_id, actor="t", transport=sim.transport()).status == (
        "active"
    )
    sim.key_ring.deactivate(sim.keys.compliance)
    with pytest.raises(service.KeyRejected, match=f"{key_id}: .*deactivated"):
        service.validate(settings, key_id, actor="t", transport=sim.transport())
    record = runtime.key_store(settings).get(key_id)
    assert record.status == "sync_error" and "deactivated" in (record.last_error or "")
    events = [e["event"] for e in runtime.key_store(settings).events(key_id)]
    assert events == ["registered", "validated", "validation_failed"]


def test_revoked_keys_are_not_synced_and_keep_their_data(settings: Settings, sim) -> None:  # type: ignore[no-untyped-def]
    key_id = service.register(
        settings, sim.keys.compliance, name="a", actor="t", transport=sim.transport()
    ).record.key_id
    extract(settings, key_id, DAY, transport=sim.transport())
    lake_files = sorted(settings.lake_dir.rglob(f"key={key_id}/**/*.parquet"))
    assert lake_files
    service.revoke(settings, key_id, actor="admin")
    with pytest.raises(PipelineError, match="revoked"):
        extract(settings, key_id, DAY, transport=sim.transport())
    assert sorted(settings.lake_dir.rglob(f"key={key_id}/**/*.parquet")) == lake_files
    with pytest.raises(service.KeyStoreError, match="already revoked"):
        service.revoke(settings, key_id, actor="admin")


def test_failing_sync_marks_sync_error_with_the_reason(settings: Settings, sim) -> None:  # type: ignore[no-untyped-def]
    key_id = service.register(
        settings, sim.keys.compliance, name="a", actor="t", transport=sim.transport()
    ).record.key_id
    sim.key_ring.deactivate(sim.keys.compliance)
    with pytest.raises(PipelineError):
        extract(settings, key_id, DAY, transport=sim.transport())
    record = runtime.key_store(settings).get(key_id)
    assert record.status == "sync_error" and record.last_sync_status == "failed"
    assert "401" in (record.last_error or "") and "deactivated" in (record.last_error or "")
    assert runtime.key_store(settings).sync_history(key_id)[0].status == "failed"


def test_rotate_master_with_a_local_key_file_keeps_syncing(
    settings: Settings,
    sim,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.delenv(MASTER_KEY_VAR)
    key_id = service.register(
        settings, sim.keys.compliance, name="a", actor="t", transport=sim.transport()
    ).record.key_id
    key_file = settings.home / "master.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    before = key_file.read_text().strip()
    rotation = service.rotate_master(settings, actor="t")
    assert rotation.rotated == 1 and str(key_file) in rotation.message
    after = key_file.read_text().strip().split(",")
    assert after[1] == before and after[0] != before and len(after) == 2
    assert key_file.stat().st_mode & 0o777 == 0o600
    # Only the new key is needed to read the key store from now on.
    monkeypatch.setenv(MASTER_KEY_VAR, after[0])
    assert runtime.key_store(settings).reveal(key_id) == sim.keys.compliance
    assert extract(settings, key_id, DAY, transport=sim.transport()).records > 0
    assert runtime.key_store(settings).get(key_id).status == "active"
    events = [e["event"] for e in runtime.key_store(settings).events(key_id)]
    assert "master_rotated" in events


def test_rotate_master_from_the_environment_needs_the_new_key_first(
    settings: Settings,
    sim,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    key_id = service.register(
        settings, sim.keys.compliance, name="a", actor="t", transport=sim.transport()
    ).record.key_id
    with pytest.raises(service.MasterKeyError, match="put a new Fernet key first"):
        service.rotate_master(settings, actor="t")
    current = os.environ[MASTER_KEY_VAR]
    new = Fernet.generate_key().decode()
    retired = Fernet.generate_key().decode()  # an unused older key after them is harmless
    monkeypatch.setenv(MASTER_KEY_VAR, f"{new},{current},{retired}")
    assert service.rotate_master(settings, actor="t").rotated == 1
    monkeypatch.setenv(MASTER_KEY_VAR, new)
    assert runtime.key_store(settings).reveal(key_id) == sim.keys.compliance
    assert extract(settings, key_id, DAY, transport=sim.transport()).records > 0
    monkeypatch.setenv(MASTER_KEY_VAR, current)
    with pytest.raises(service.KeyStoreError, match="cannot decrypt"):
        runtime.key_store(settings).reveal(key_id)


def test_master_key_from_a_secret_file(
    settings: Settings,
    sim,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    secret = tmp_path / "run-secrets" / "master_key"
    secret.parent.mkdir()
    secret.write_text(Fernet.generate_key().decode() + "\n")
    monkeypatch.delenv(MASTER_KEY_VAR)
    monkeypatch.setenv(MASTER_KEY_FILE_VAR, str(secret))
    key_id = service.register(
        settings, sim.keys.compliance, name="a", actor="t", transport=sim.transport()
    ).record.key_id
    assert not (settings.home / "master.key").exists()
    assert runtime.key_store(settings).reveal(key_id) == sim.keys.compliance
    with pytest.raises(service.MasterKeyError, match=MASTER_KEY_FILE_VAR):
        service.rotate_master(settings, actor="t")
    monkeypatch.setenv(MASTER_KEY_FILE_VAR, str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="cannot be read"):
        runtime.key_store(settings)


def test_tampered_ciphertext_is_a_clear_error_everywhere(settings: Settings, sim) -> None:  # type: ignore[no-untyped-def]
    key_id = service.register(
        settings, sim.keys.compliance, name="a", actor="t", transport=sim.transport()
    ).record.key_id
    with runtime.state_engine(settings).begin() as conn:
        conn.execute(sa.text("update compliance_keys set ciphertext = 'gAAAAABtampered=='"))
    reason = f"cannot decrypt key {key_id}: the ciphertext was tampered with"
    with pytest.raises(service.KeyStoreError, match=reason):
        service.validate(settings, key_id, actor="t", transport=sim.transport())
    # the sync fails for this key only, with the reason recorded on it
    with pytest.raises(PipelineError, match=reason):
        extract(settings, key_id, DAY, transport=sim.transport())
    record = runtime.key_store(settings).get(key_id)
    assert record.status == "sync_error" and reason in (record.last_error or "")


def test_the_delete_scope_is_learned_stored_and_deletes_nothing(settings: Settings, sim) -> None:  # type: ignore[no-untyped-def]
    chats_before = len(sim.data.chats)
    plain = service.register(
        settings, sim.keys.compliance, name="reader", actor="t", transport=sim.transport()
    ).record
    deleter = service.register(
        settings,
        sim.keys.remediation,
        name="remover",
        actor="t",
        transport=sim.transport(),
        replaces=plain.key_id,
    ).record
    assert "delete_user_data" not in plain.scopes
    assert set(deleter.scopes) == {"activities", "org_data", "user_data", "delete_user_data"}
    assert len(sim.data.chats) == chats_before
    probes = [r for r in sim.requests if r.method == "DELETE"]
    assert [r.status for r in probes] == [403, 404]
    again = service.validate(settings, deleter.key_id, actor="t", transport=sim.transport())
    assert "delete_user_data" in again.scopes
