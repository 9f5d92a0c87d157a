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
    from compliance_simulator import serve
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


def test_remediation_steps_run_after_publish(
    airflow_home: Path, home: Path, settings, sim, sim_server, tmp_path: Path
) -> None:
    """Two runs: a policy requests removals (nothing is deleted); after a human approves,
    the next run executes them, confirms the one whose deletion the sync saw, and notifies
    its user on a loopback webhook; the policy makes no second request for a covered finding."""
    from claude_compliance import runtime
    from claude_compliance.remediation import service
    from claude_compliance.remediation.store import Status
    from claude_compliance.state.audit import AuditLog
    from claude_compliance.state.users import UserStore
    from tests.reports.loopback import HttpSink

    settings = dataclasses.replace(settings, api_url=sim_server.url)
    register_key(settings, sim.keys.remediation, "deleter", "test")
    UserStore(runtime.state_engine(settings)).add("bob", "bob-password-123456", "admin", actor="t")
    policies = tmp_path / "policies.toml"
    policies.write_text(
        'version = 1\n[[policies]]\nname = "critical-chats"\nseverities = ["CRITICAL"]\n'
        'open_for_hours = 0\nscope = "chat"\n'
    )
    day_end = datetime.combine(ANCHOR, datetime.min.time(), tzinfo=UTC)
    env = {
        name: os.environ[name]
        for name in (
            "CLAUDE_COMPLIANCE_HOME",
            "CLAUDE_COMPLIANCE_MASTER_KEY",
            "CLAUDE_COMPLIANCE_FINGERPRINT_KEY",
        )
    }
    remediation_tasks = ("apply_policies", "execute_removals", "confirm_removals", "notify_users")
    with HttpSink() as sink:
        env.update(
            {
                "CLAUDE_COMPLIANCE_API_URL": sim_server.url,
                "CLAUDE_COMPLIANCE_REMEDIATION_POLICIES": str(policies),
                "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY": "webhook",
                "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_WEBHOOK_URL": f"{sink.url}/hook/secret",
                # confirmed requests are notified within this window of their confirmation
                "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_MAX_AGE_HOURS": "1",
            }
        )
        first, output = dag_test(
            airflow_home, "compliance_sync", (day_end - timedelta(days=1)).isoformat()[:19], env
        )
        assert first["state"] == "success", output[-4000:]
        assert {t: first["tasks"][t] for t in remediation_tasks} == dict.fromkeys(
            remediation_tasks, "success"
        )
        requested = service.requests(settings)
        assert requested, "the simulated day has CRITICAL findings in chats"
        assert {r.requested_by for r in requested} == {"policy:critical-chats"}
        assert {r.status for r in requested} == {Status.REQUESTED}  # never executed alone
        assert all(r.chat_id in sim.data.chats_by_id for r in requested)
        # (registering the key probed its scope with a DELETE of a chat that cannot exist)
        targets = {r.object_id for r in requested}
        assert not [
            d for d in sim.requests if d.method == "DELETE" and d.path.rsplit("/", 1)[-1] in targets
        ]
        first_findings = [f for r in requested for f in r.finding_ids]
        assert len(first_findings) == len(set(first_findings))

        live = [
            r
            for r in requested
            if r.object_id in sim.data.chats_by_id
            and sim.data.chats_by_id[r.object_id].deleted_at is None
        ]
        assert len(live) >= 2
        to_delete, gone_already = live[0], live[1]
        for record in (to_delete, gone_already):
            service.approve(settings, record.request_id, actor="bob")
        # someone else deletes the second chat through the API before the next run
        sim.delete_chat(gone_already.object_id, at=day_end - timedelta(hours=6), hard=True)

        second, output = dag_test(airflow_home, "compliance_sync", day_end.isoformat()[:19], env)
        assert second["state"] == "success", output[-4000:]
        assert {t: second["tasks"][t] for t in remediation_tasks} == dict.fromkeys(
            remediation_tasks, "success"
        )
        received = list(sink.received)

    by_id = {r.request_id: r for r in service.requests(settings)}
    done = by_id[to_delete.request_id]
    assert (done.status, done.outcome, done.api_status) == (Status.EXECUTED, "deleted", 200)
    assert to_delete.object_id not in sim.data.chats_by_id or (
        sim.data.chats_by_id[to_delete.object_id].deleted_at is not None
    )
    confirmed = by_id[gone_already.request_id]
    assert (confirmed.status, confirmed.outcome) == (Status.CONFIRMED, "already_deleted")
    # gone at the source; deleted before the request executed, so no activity of ours
    assert "answers 404" in (confirmed.confirmation or "")
    assert "no deletion activity" in (confirmed.confirmation or "")
    # requests nobody approved stay requested; no finding is in two requests
    assert {
        r.status
        for r in by_id.values()
        if r.request_id not in (done.request_id, confirmed.request_id)
    } <= {Status.REQUESTED}
    all_findings = [f for r in by_id.values() for f in r.finding_ids]
    assert len(all_findings) == len(set(all_findings))

    # one notice, for the confirmed removal, to the webhook; masked, no planted value
    assert [r.path for r in received] == ["/hook/secret"]
    notice = received[0].json()
    assert notice["metadata"]["event_payload"]["request_id"] == confirmed.request_id
    assert confirmed.owner_email and confirmed.owner_email in notice["text"]
    text = received[0].body.decode()
    assert [e.value for e in sim.truth() if e.value in text] == []
    assert by_id[confirmed.request_id].notified_at is not None

    actions = {
        (e.actor, e.action)
        for e in AuditLog(runtime.state_engine(settings)).recent(limit=1000)[0]
        if e.action.startswith("remediation_")
    }
    assert ("policy:critical-chats", "remediation_requested") in actions
    assert ("bob", "remediation_approved") in actions
    assert ("dag:compliance_sync", "remediation_executed") in actions
    assert ("dag:compliance_sync", "remediation_confirmed") in actions
    assert ("notify", "remediation_notified") in actions
    for plaintext in (sim.keys.remediation,):
        assert plaintext not in output
        assert files_containing(home, plaintext) == []
