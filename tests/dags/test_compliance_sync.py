"""compliance_sync end to end with `dag.test()` against the simulator on loopback."""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from claude_compliance.keys.commands import register_key
from scanners import load_engine
from tests.e2e.checks import all_text_in_database, files_containing, recall, scanned_input_keys
from tests.fixtures.airflow import dag_test
from tests.fixtures.simulator import ANCHOR, make_sim

pytestmark = pytest.mark.slow


@pytest.fixture
def sim():  # type: ignore[no-untyped-def]
    """A larger organization than the default, so one day holds enough planted values."""
    return make_sim(seed=5, users=60, days=2)


def test_one_interval_end_to_end_matches_the_ground_truth(
    airflow_home: Path, home: Path, settings, sim, sim_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = dataclasses.replace(settings, api_url=sim_server.url)
    register_key(settings, sim.keys.compliance, "dag test", "test")
    day_end = datetime.combine(ANCHOR, datetime.min.time(), tzinfo=UTC)
    day_start = day_end - timedelta(days=1)

    env = {
        name: os.environ[name]
        for name in (
            "CLAUDE_COMPLIANCE_HOME",
            "CLAUDE_COMPLIANCE_MASTER_KEY",
            "CLAUDE_COMPLIANCE_FINGERPRINT_KEY",
        )
    }
    env["CLAUDE_COMPLIANCE_API_URL"] = sim_server.url
    run, output = dag_test(airflow_home, "compliance_sync", day_end.isoformat()[:19], env)
    assert run["state"] == "success", output[-4000:]
    assert run["start"] == day_start.isoformat() and run["end"] == day_end.isoformat()
    not_ok = {task: state for task, state in run["tasks"].items() if state != "success"}
    assert not_ok == {}, output[-4000:]

    db = home / "warehouse" / "compliance.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        dts = con.execute(
            "select distinct cast(occurred_at as date) from scanned_inputs "
            "where source in ('chat_message', 'chat_file')"
        ).fetchall()
    assert {d for (d,) in dts} == {day_start.date()}

    truth = [dataclasses.asdict(e) for e in sim.truth()]
    in_day = [
        e
        for e in truth
        if e["source"] in ("chat_message", "chat_file")
        and day_start
        <= datetime.fromisoformat(str(e["occurred_at"]).replace("Z", "+00:00"))
        < day_end
    ]
    covered = scanned_input_keys(db)
    assert in_day and all((e["source"], e["source_id"]) in covered for e in in_day)
    expected = [e for e in truth if (e["source"], e["source_id"]) in covered]
    implemented = {d.category.value for d in load_engine(secret=b"x" * 32).detectors}
    result = recall(db, [e for e in expected if e["category"] in implemented], home / "lake")
    assert result.planted >= 10
    assert result.ratio >= 0.95, result.missed[:5]

    published = all_text_in_database(db)
    assert sorted({e["value"] for e in truth if e["value"] in published}) == []
    key = sim.keys.compliance
    assert files_containing(home, key) == []
    assert files_containing(airflow_home, key) == []
    assert key not in output


def test_a_failing_key_does_not_stop_the_others_and_a_revoked_key_is_skipped(
    airflow_home: Path, home: Path, settings, sim, sim_server
) -> None:
    from claude_compliance import runtime

    settings = dataclasses.replace(settings, api_url=sim_server.url)
    scopes = ["read:compliance_activities", "read:compliance_user_data", "read:compliance_org_data"]
    good_key, failing_key, revoked_key = (sim.add_key(scopes) for _ in range(3))
    good = register_key(settings, good_key, "good", "test")["key_id"]
    failing = register_key(settings, failing_key, "failing", "test")["key_id"]
    revoked = register_key(settings, revoked_key, "revoked", "test")["key_id"]
    store = runtime.key_store(settings)
    store.revoke(str(revoked), actor="test")
    sim.deactivate_key(failing_key)  # the owner deleted it in claude.ai after registration

    day_end = datetime.combine(ANCHOR, datetime.min.time(), tzinfo=UTC)
    env = {
        name: os.environ[name]
        for name in (
            "CLAUDE_COMPLIANCE_HOME",
            "CLAUDE_COMPLIANCE_MASTER_KEY",
            "CLAUDE_COMPLIANCE_FINGERPRINT_KEY",
        )
    }
    env["CLAUDE_COMPLIANCE_API_URL"] = sim_server.url
    run, output = dag_test(airflow_home, "compliance_sync", day_end.isoformat()[:19], env)
    tasks = run["tasks"]
    assert run["state"] == "failed", output[-3000:]
    assert tasks["check_keys"] == "failed" and tasks["publish"] == "success"
    assert sorted(s for t, s in tasks.items() if t.startswith("sync_key.extract[")) == [
        "failed",
        "success",
    ]
    assert "has been deactivated" in output and f"key {failing}" in output

    assert store.get(str(failing)).status == "sync_error"
    assert "deactivated" in (store.get(str(failing)).last_error or "")
    assert store.get(str(good)).status == "active"
    assert store.get(str(revoked)).last_sync_at is None
    lake = home / "lake" / "raw" / "chat_messages"
    assert (lake / f"key={good}").exists()
    assert not (lake / f"key={failing}").exists() and not (lake / f"key={revoked}").exists()
    with duckdb.connect(str(home / "warehouse" / "compliance.duckdb"), read_only=True) as con:
        keys = {k for (k,) in con.execute("select distinct key_id from scanned_inputs").fetchall()}
    assert keys == {good}
    for plaintext in (good_key, failing_key, revoked_key):
        assert plaintext not in output
        assert files_containing(home, plaintext) == []
        assert files_containing(airflow_home, plaintext) == []


def test_a_day_with_malformed_text_succeeds_and_counts_the_replacements(
    airflow_home: Path, home: Path, settings, sim
) -> None:
    from claude_compliance.simulator import serve
    from tests.malformed_text import serve_malformed

    day_end = datetime.combine(ANCHOR, datetime.min.time(), tzinfo=UTC)
    day_start = day_end - timedelta(days=1)
    planted = serve_malformed(sim, day_start.date())
    with serve(sim, host="127.0.0.1", port=0) as server:
        settings = dataclasses.replace(settings, api_url=server.url)
        key_id = register_key(settings, sim.keys.compliance, "dag test", "test")["key_id"]
        env = {
            name: os.environ[name]
            for name in (
                "CLAUDE_COMPLIANCE_HOME",
                "CLAUDE_COMPLIANCE_MASTER_KEY",
                "CLAUDE_COMPLIANCE_FINGERPRINT_KEY",
            )
        }
        env["CLAUDE_COMPLIANCE_API_URL"] = server.url
        run, output = dag_test(airflow_home, "compliance_sync", day_end.isoformat()[:19], env)
    assert run["state"] == "success", output[-4000:]
    assert {state for state in run["tasks"].values()} == {"success"}, output[-4000:]  # type: ignore[attr-defined]

    chats = home / "lake" / "raw" / "chats" / f"key={key_id}" / f"dt={day_start.date()}"
    (manifest,) = chats.glob("_manifest-*.json")
    assert json.loads(manifest.read_text())["replaced_by_column"] == {"name": 3, "raw_json": 3}
    with duckdb.connect(str(home / "warehouse" / "compliance.duckdb"), read_only=True) as con:
        inputs = set(con.execute("select source, source_id from scanned_inputs").fetchall())
    assert ("chat_message", planted.message_id) in inputs
