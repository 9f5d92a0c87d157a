"""Remediation end to end on the simulator: request, approval by a second admin, execution,
re-sync, confirmation; and every refusal on the way (issue 17)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from claude_compliance import runtime
from claude_compliance.keys import service as keys
from claude_compliance.pipeline import publish, run_range
from claude_compliance.remediation import service
from claude_compliance.remediation.store import ObjectKind, RemediationError, Status
from claude_compliance.settings import Settings
from claude_compliance.state.audit import AuditLog
from claude_compliance.state.schema import remediations_table
from claude_compliance.state.triage import FindingRef, TriageStatus, TriageStore
from claude_compliance.state.users import UserStore
from compliance_simulator import SimConfig, Simulator
from tests.fixtures.simulator import ANCHOR
from tests.fixtures.warehouse import use_home
from tests.sync.test_completeness import Clock

pytestmark = pytest.mark.slow

START = ANCHOR - timedelta(days=3)


@dataclasses.dataclass
class World:
    settings: Settings
    sim: Simulator
    transport: httpx.BaseTransport
    deleter: str
    reader: str


def _simulator() -> Simulator:
    """The organization, at noon of the last synced day (a fresh one per test: deletions
    mutate it; its data is the same from the seed)."""
    last_day = datetime.combine(ANCHOR - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return Simulator(
        SimConfig(seed=11, users=4, days=3, anchor=ANCHOR),
        clock=Clock(last_day + timedelta(hours=12)),
    )


@dataclasses.dataclass(frozen=True)
class Synced:
    home: Path
    env: dict[str, str]
    deleter: str
    reader: str


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Synced:
    """One home with the two keys and three users, its three days synced, scanned, built and
    published: built once per module, copied by each test (`world`)."""
    home = tmp_path_factory.mktemp("remediation") / "home"
    env = {
        "CLAUDE_COMPLIANCE_MASTER_KEY": Fernet.generate_key().decode(),
        "CLAUDE_COMPLIANCE_FINGERPRINT_KEY": "remediation-fingerprint-secret-" + "z" * 16,
    }
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = use_home(monkeypatch, home, env)
        sim = _simulator()
        transport = sim.transport()
        deleter = keys.register(
            settings, sim.keys.remediation, name="Remediation", actor="t", transport=transport
        ).record.key_id
        # a read-only key, registered for the refusal below and never synced
        reader = keys.register(
            settings, sim.keys.compliance, name="Reader", actor="t", transport=transport
        ).record.key_id
        users = UserStore(runtime.state_engine(settings))
        users.add("ann", "ann-password-123456", "analyst", actor="t")
        users.add("bob", "bob-password-123456", "admin", actor="t")
        users.add("cat", "cat-password-123456", "admin", actor="t")
        run_range(settings, START, ANCHOR, key_ids=[deleter], transport=transport)
    return Synced(home, env, deleter, reader)


@pytest.fixture
def world(synced: Synced, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    home = tmp_path / "home"
    shutil.copytree(synced.home, home, symlinks=True)
    settings = use_home(monkeypatch, home, synced.env)
    sim = _simulator()
    return World(settings, sim, sim.transport(), synced.deleter, synced.reader)


def _findings(settings: Settings, sql: str, params: list[Any] | None = None) -> list[Any]:
    with duckdb.connect(str(settings.published_db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _in_chat(w: World, chat_id: str) -> set[str]:
    sql = "select finding_id from findings where chat_id = ?"
    return {r[0] for r in _findings(w.settings, sql, [chat_id])}


def _chat_finding(w: World) -> tuple[str, str]:
    """A finding in a message of a live chat with no project, and that chat."""
    live = {c.id for c in w.sim.data.chats if c.deleted_at is None and c.project_id is None}
    rows = _findings(
        w.settings,
        "select finding_id, chat_id from findings where source = 'chat_message' "
        "order by finding_id",
    )
    return next((f, c) for f, c in rows if c in live)


def test_request_approve_execute_resync_confirm(world: World) -> None:
    w = world
    finding_id, chat_id = _chat_finding(w)
    in_chat = _in_chat(w, chat_id)
    planned = service.plan(w.settings, finding_id)
    assert planned.draft.object_kind is ObjectKind.CHAT and planned.draft.object_id == chat_id
    assert set(planned.draft.finding_ids) == in_chat
    chat = w.sim.data.chats_by_id[chat_id]
    # the messages scanned: the user's inputs
    assert planned.draft.message_count == sum(
        1 for m in chat.message_ids if w.sim.data.messages[m].role == "user"
    )
    assert planned.draft.owner_user_id == chat.user_id

    record = service.request(w.settings, finding_id, actor="ann", note="SSN pasted")
    assert record.status is Status.REQUESTED

    # nothing is deleted without an approved request
    assert service.execute(w.settings, actor="t", transport=w.transport) == []
    assert chat_id in w.sim.data.chats_by_id
    # only an admin approves, and not the requester (two-person rule)
    with pytest.raises(RemediationError, match="needs an admin"):
        service.approve(w.settings, record.request_id, actor="ann")
    with pytest.raises(RemediationError, match="open removal request"):
        service.request(w.settings, finding_id, actor="bob")

    approved = service.approve(w.settings, record.request_id, actor="bob")
    assert approved.status is Status.APPROVED and approved.decided_by == "bob"
    assert w.deleter in service.key_advice(w.settings, approved)

    # a key without the delete scope is refused, naming the key that could do it
    refused = service.execute(w.settings, actor="t", key_id=w.reader, transport=w.transport)
    assert [r.status for r in refused] == [Status.APPROVED]
    assert "lacks the scope delete:compliance_user_data" in (refused[0].error or "")
    assert w.deleter in (refused[0].error or "")
    assert chat_id in w.sim.data.chats_by_id

    executed = service.execute(w.settings, actor="t", transport=w.transport)
    assert [r.status for r in executed] == [Status.EXECUTED]
    done = executed[0]
    assert (done.api_status, done.outcome, done.executed_key_id) == (200, "deleted", w.deleter)
    assert done.api_request_id and done.api_request_id.startswith("req_")
    deletes = [r for r in w.sim.requests if r.method == "DELETE" and chat_id in r.path]
    assert [r.request_id for r in deletes] == [done.api_request_id]
    with httpx.Client(transport=w.transport, base_url="http://sim") as client:
        gone = client.get(
            f"/v1/compliance/apps/chats/{chat_id}/messages",
            headers={"x-api-key": w.sim.keys.compliance},
        )
    assert gone.status_code == 404

    # before the sync brings the deletion activity in, the request stays executed
    assert [r.status for r in service.confirm(w.settings, transport=w.transport)] == [
        Status.EXECUTED
    ]
    run_range(w.settings, START, ANCHOR, key_ids=[w.deleter], transport=w.transport)
    confirmed = service.confirm(w.settings, transport=w.transport)
    assert [r.status for r in confirmed] == [Status.CONFIRMED]
    assert "claude_chat_deleted" in (confirmed[0].confirmation or "")

    # the findings it resolved are remediated; the lake kept what it had captured
    decisions = TriageStore(runtime.state_engine(w.settings)).decisions(in_chat)
    assert {d.status for d in decisions.values()} == {TriageStatus.REMEDIATED}
    assert set(decisions) == in_chat
    assert _in_chat(w, chat_id) == in_chat
    assert _findings(w.settings, "select count(*) from chats where chat_id = ?", [chat_id]) == [
        (1,)
    ]
    lake = w.settings.home / "lake" / "raw"
    with duckdb.connect() as con:
        tombstones = con.execute(
            f"select distinct tombstone from read_parquet('{lake}/chats/*/*/*.parquet', "
            "hive_partitioning = true, union_by_name = true) where chat_id = ?",
            [chat_id],
        ).fetchall()
        kept_messages = con.execute(
            f"select count(*) from read_parquet('{lake}/chat_messages/*/*/*.parquet', "
            "hive_partitioning = true, union_by_name = true) where chat_id = ?",
            [chat_id],
        ).fetchall()
    assert tombstones == [("hard_deleted",)]
    assert kept_messages[0][0] == len(chat.message_ids)

    # the audit log holds every step
    events, _ = AuditLog(runtime.state_engine(w.settings)).recent(target=record.request_id)
    assert [e.action for e in reversed(events)] == [
        "remediation_requested",
        "remediation_approved",
        "remediation_refused",
        "remediation_executed",
        "remediation_confirmed",
    ]
    assert [e.actor for e in reversed(events)][:2] == ["ann", "bob"]

    # the published mart reports it for BI: publish alone fills it from the state table
    # (the last build ran before the confirmation)
    publish(w.settings)
    mart = _findings(
        w.settings,
        "select request_id, status, requested_by, approver, finding_count, api_status, "
        "api_request_id, outcome, confirmed_at is not null, hours_to_confirmation >= 0 "
        "from remediations",
    )
    assert mart == [
        (
            record.request_id,
            "confirmed",
            "ann",
            "bob",
            len(in_chat),
            200,
            done.api_request_id,
            "deleted",
            True,
            True,
        )
    ]

    # a new request for the removed object is refused
    with pytest.raises(RemediationError, match="already removed"):
        service.request(w.settings, finding_id, actor="ann")

    # no planted value in any request row or audit entry
    planted = {t.value for t in w.sim.truth()}
    engine = runtime.state_engine(w.settings)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(remediations_table))]
    all_events, _ = AuditLog(engine).recent(limit=1000)
    text = json.dumps(rows, default=str) + json.dumps(
        [dataclasses.asdict(e) for e in all_events], default=str
    )
    leaked = [v for v in planted if v in text]
    assert leaked == []


def test_the_requester_alone_cannot_approve_unless_the_rule_is_relaxed(world: World) -> None:
    w = world
    finding_id, _ = _chat_finding(w)
    record = service.request(w.settings, finding_id, actor="bob")
    with pytest.raises(RemediationError, match="another admin must approve"):
        service.approve(w.settings, record.request_id, actor="bob")
    assert service.get(w.settings, record.request_id).status is Status.REQUESTED
    relaxed = dataclasses.replace(w.settings, remediation_single_approver=True)
    assert service.approve(relaxed, record.request_id, actor="bob").status is Status.APPROVED


def test_rejected_requests_are_never_executed(world: World) -> None:
    w = world
    finding_id, chat_id = _chat_finding(w)
    record = service.request(w.settings, finding_id, actor="ann")
    rejected = service.reject(w.settings, record.request_id, actor="cat", note="test data")
    assert rejected.status is Status.REJECTED
    with pytest.raises(RemediationError, match="is rejected"):
        service.approve(w.settings, record.request_id, actor="bob")
    assert service.execute(w.settings, actor="t", transport=w.transport) == []
    assert chat_id in w.sim.data.chats_by_id


def test_an_object_already_gone_counts_as_deleted(world: World) -> None:
    w = world
    finding_id, chat_id = _chat_finding(w)
    record = service.request(w.settings, finding_id, actor="ann")
    service.approve(w.settings, record.request_id, actor="cat")
    w.sim.delete_chat(chat_id, at=datetime.now(UTC), hard=True)  # someone else was faster
    executed = service.execute(w.settings, actor="t", transport=w.transport)
    assert [(r.status, r.api_status, r.outcome) for r in executed] == [
        (Status.EXECUTED, 404, "already_deleted")
    ]
    confirmed = service.confirm(w.settings, transport=w.transport)
    assert [r.status for r in confirmed] == [Status.CONFIRMED]
    assert "no deletion activity" in (confirmed[0].confirmation or "")


def test_no_registered_key_with_the_scope_refuses_and_says_so(world: World) -> None:
    w = world
    finding_id, chat_id = _chat_finding(w)
    record = service.request(w.settings, finding_id, actor="ann")
    service.approve(w.settings, record.request_id, actor="bob")
    runtime.key_store(w.settings).revoke(w.deleter, actor="t")
    refused = service.execute(w.settings, actor="t", transport=w.transport)
    assert [r.status for r in refused] == [Status.APPROVED]
    assert "no registered key can execute this" in (refused[0].error or "")
    assert chat_id in w.sim.data.chats_by_id


def test_a_file_finding_deletes_only_the_file_and_sessions_are_refused(world: World) -> None:
    w = world
    rows = _findings(
        w.settings,
        "select finding_id, source_id, chat_id from findings where source = 'chat_file' "
        "order by finding_id",
    )
    live = {c.id for c in w.sim.data.chats if c.deleted_at is None}
    finding_id, file_id, chat_id = next(r for r in rows if r[2] in live)
    planned = service.plan(w.settings, finding_id)
    assert (planned.draft.object_kind, planned.draft.object_id) == (ObjectKind.FILE, file_id)
    assert service.plan(w.settings, finding_id, scope="chat").draft.object_id == chat_id
    record = service.request(w.settings, finding_id, actor="ann")
    service.approve(w.settings, record.request_id, actor="bob")
    executed = service.execute(w.settings, actor="t", transport=w.transport)
    assert [r.outcome for r in executed] == ["deleted"]
    assert file_id not in w.sim.data.files and chat_id in w.sim.data.chats_by_id
    # a project with a chat attached: the API's 409 is reported on the request
    project_rows = _findings(
        w.settings,
        "select finding_id, project_id from findings where source like 'project_%' "
        "order by finding_id",
    )
    project_finding, project_id = project_rows[0]
    planned = service.plan(w.settings, project_finding, scope="project")
    assert (planned.draft.object_kind, planned.draft.object_id) == (ObjectKind.PROJECT, project_id)
    project_request = service.request(w.settings, project_finding, actor="ann", scope="project")
    service.approve(w.settings, project_request.request_id, actor="bob")
    # since the sync, a user moved a chat into the project
    index = next(i for i, c in enumerate(w.sim.data.chats) if c.project_id is None)
    w.sim.data.chats[index] = dataclasses.replace(w.sim.data.chats[index], project_id=project_id)
    w.sim.data.reindex()
    failed = service.execute(w.settings, actor="t", transport=w.transport)
    assert [(r.status, r.api_status) for r in failed] == [(Status.FAILED, 409)]
    assert "chats attached" in (failed[0].error or "")
    assert failed[0].api_request_id and failed[0].api_request_id.startswith("req_")
    assert project_id in w.sim.data.projects_by_id
    sessions = _findings(
        w.settings, "select finding_id from findings where source = 'session_message' limit 1"
    )
    assert sessions, "the simulated organization has session findings"
    with pytest.raises(RemediationError, match="no DELETE for sessions"):
        service.plan(w.settings, sessions[0][0])


def test_the_cli_requests_lists_approves_and_executes(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from claude_compliance.cli import main
    from compliance_simulator import serve

    w = world
    finding_id, chat_id = _chat_finding(w)
    assert main(["remediate", "request", finding_id, "--as", "ann", "--dry-run"]) == 0
    assert "dry run, nothing stored" in capsys.readouterr().out
    assert service.requests(w.settings) == []
    assert main(["remediate", "request", finding_id, "--as", "ann", "--note", "ssn"]) == 0
    out = capsys.readouterr().out
    request_id = out.split()[0]
    assert request_id.startswith("rem_") and f"chat {chat_id}" in out
    assert w.deleter in out  # which key could execute it
    assert main(["remediate", "approve", request_id, "--as", "ann"]) == 1
    assert "needs an admin" in capsys.readouterr().err
    assert main(["remediate", "approve", request_id, "--as", "cat"]) == 0
    capsys.readouterr()
    assert main(["remediate", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["request_id"], r["status"], r["decided_by"]) for r in listed] == [
        (request_id, "approved", "cat")
    ]
    with serve(w.sim, host="127.0.0.1", port=0) as server:
        monkeypatch.setenv("CLAUDE_COMPLIANCE_API_URL", server.url)
        assert main(["remediate", "execute"]) == 0
    out = capsys.readouterr().out
    assert f"{request_id} executed: deleted (API 200" in out
    assert chat_id not in w.sim.data.chats_by_id
    for plaintext in w.sim.keys.as_dict().values():
        assert plaintext not in out

    # policies from the CLI: a bad file fails naming the field; a dry run stores nothing
    policies = w.settings.home / "policies.toml"
    policy = 'version = 1\n[[policies]]\nname = "ssn"\ncategories = ["ssn"]\nopen_for_hours = 0\n'
    policies.write_text(policy + 'enabled = "yes"\n')
    monkeypatch.setenv("CLAUDE_COMPLIANCE_REMEDIATION_POLICIES", str(policies))
    assert main(["remediate", "apply-policies"]) == 1
    assert "policies[0] (ssn).enabled: true or false" in capsys.readouterr().err
    policies.write_text(policy)
    before = service.requests(w.settings)
    assert main(["remediate", "apply-policies", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run, nothing stored" in out and "would request" in out
    assert service.requests(w.settings) == before
    assert main(["remediate", "apply-policies"]) == 0
    out = capsys.readouterr().out
    made = [r for r in service.requests(w.settings) if r.requested_by == "policy:ssn"]
    assert made and all(r.request_id in out for r in made)
    assert "needs an admin's approval" in out
    assert main(["remediate", "notify"]) == 0
    assert "user notices are off" in capsys.readouterr().out


def test_a_policy_requests_removals_that_still_need_a_human(world: World) -> None:
    """Item 5: a policy over open CRITICAL findings requests their removal, once per finding,
    as `policy:<name>`; a dry run stores nothing; nothing runs without an admin's approval."""
    from claude_compliance.remediation.policies import apply_policies, parse_policies

    w = world
    (policy,) = parse_policies(
        'version = 1\n[[policies]]\nname = "critical-ssn"\ncategories = ["ssn"]\n'
        'severities = ["CRITICAL"]\nopen_for_hours = 24\n'
    )
    ssn = _findings(
        w.settings,
        "select finding_id, scanned_at from findings where category = 'ssn' "
        "and source != 'session_message' order by finding_id",
    )
    assert len(ssn) >= 3
    # too young: the scan found them less than 24 hours ago
    early_now = min(at for _, at in ssn) + timedelta(hours=23)
    (early,) = apply_policies(w.settings, [policy], now=early_now)
    assert (early.matched, early.requested) == (0, ())

    later = max(at for _, at in ssn) + timedelta(hours=25)
    # an analyst already triaged one, and another is in a hand-made request
    triaged, by_hand = ssn[0][0], ssn[1][0]
    TriageStore(runtime.state_engine(w.settings)).set_status(
        [FindingRef(triaged)], TriageStatus.FALSE_POSITIVE, actor="ann"
    )
    manual = service.request(w.settings, by_hand, actor="ann")

    (dry,) = apply_policies(w.settings, [policy], is_dry_run=True, now=later)
    assert dry.requested and all(r.request_id == "" for r in dry.requested)
    assert [r.request_id for r in service.requests(w.settings)] == [manual.request_id]

    (run,) = apply_policies(w.settings, [policy], now=later)
    made = run.requested
    assert [r.object_id for r in made] == [r.object_id for r in dry.requested]
    assert {r.requested_by for r in made} == {"policy:critical-ssn"}
    assert {r.status for r in made} == {Status.REQUESTED}
    covered = [f for r in (*made, manual) for f in r.finding_ids]
    assert len(covered) == len(set(covered))  # no finding in two requests
    open_ssn = {f for f, _ in ssn} - {triaged}
    # every open one is in a request, or counted among the refusals (e.g. a project's)
    assert len(open_ssn - set(covered)) <= sum(run.skipped.values())
    # each request holds an open finding of the policy's kind (the triaged one rides along
    # only when it shares the object)
    assert all(set(r.finding_ids) & (open_ssn - {by_hand}) for r in made)
    assert run.covered >= 1  # the hand-made request's finding

    # idempotent: a second run requests nothing new
    (again,) = apply_policies(w.settings, [policy], now=later)
    assert again.requested == () and again.covered == again.matched

    # the policy never executes: nothing approved, nothing deleted
    assert service.execute(w.settings, actor="t", transport=w.transport) == []
    targets = {r.object_id for r in made}
    assert not [
        d for d in w.sim.requests if d.method == "DELETE" and d.path.rsplit("/", 1)[-1] in targets
    ]
    # any single admin approves a policy's request (the requester is not a person) ...
    approved = service.approve(w.settings, made[0].request_id, actor="bob")
    assert approved.decided_by == "bob"
    # ... and only an admin: the analyst cannot
    if len(made) > 1:
        with pytest.raises(RemediationError, match="needs an admin"):
            service.approve(w.settings, made[1].request_id, actor="ann")
    events, _ = AuditLog(runtime.state_engine(w.settings)).recent(target=made[0].request_id)
    assert [(e.actor, e.action) for e in reversed(events)] == [
        ("policy:critical-ssn", "remediation_requested"),
        ("bob", "remediation_approved"),
    ]
    assert "policy critical-ssn" in json.dumps(events[-1].detail)


def test_the_user_is_notified_by_email_and_webhook_masked(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 4: after a confirmed removal, the user whose input leaked gets one notice per
    channel, from the templates, with masked previews only; a second run sends nothing."""
    from aiosmtpd.controller import Controller

    from claude_compliance.remediation.notify import (
        NoticeConfig,
        NoticeDeliveryError,
        notify_confirmed,
    )
    from tests.reports.loopback import HttpSink
    from tests.reports.test_mail import Recorder, free_port

    w = world
    finding_id, chat_id = _chat_finding(w)
    record = service.request(w.settings, finding_id, actor="ann")
    service.approve(w.settings, record.request_id, actor="bob")
    off = NoticeConfig.from_env({})
    assert not off.is_enabled
    w.sim.delete_chat(chat_id, at=datetime.now(UTC), hard=True)
    service.execute(w.settings, actor="t", transport=w.transport)
    (confirmed,) = service.confirm(w.settings, transport=w.transport)
    assert confirmed.status is Status.CONFIRMED and confirmed.owner_email
    assert notify_confirmed(w.settings, off).notified == ()  # off by default: nothing sent

    recorder = Recorder()
    port = free_port()
    smtp = Controller(recorder, hostname="127.0.0.1", port=port)
    smtp.start()
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", f"smtp://127.0.0.1:{port}")
    try:
        # every channel fails: raised, recorded, released for the next run
        with HttpSink(lambda _r, _i: (403, b"invalid_token")) as refusing:
            failing = NoticeConfig.from_env(
                {
                    "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY": "webhook",
                    "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_WEBHOOK_URL": refusing.url + "/T/tok",
                }
            )
            with pytest.raises(NoticeDeliveryError, match="403") as raised:
                notify_confirmed(w.settings, failing)
        assert raised.value.result.notified == ()
        assert "/T/tok" not in str(raised.value)  # the webhook's path is a credential
        stored = service.get(w.settings, record.request_id)
        assert stored.notified_at is None and "webhook: failed" in (stored.notification or "")

        with HttpSink() as sink:
            config = NoticeConfig.from_env(
                {
                    "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY": "email,webhook",
                    "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_WEBHOOK_URL": sink.url + "/hook",
                }
            )
            assert notify_confirmed(w.settings, config).notified == (record.request_id,)
            # a sent notice is not sent again
            assert notify_confirmed(w.settings, config).notified == ()
            webhook = list(sink.received)
    finally:
        smtp.stop()

    (mail,) = recorder.received
    assert mail.recipients == [confirmed.owner_email]
    stored = service.get(w.settings, record.request_id)
    assert stored.notification == "email: sent; webhook: sent"
    assert len(webhook) == 1
    text = mail.message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    payload = webhook[0].json()
    for body in (text, payload["text"]):
        assert record.request_id in body
        assert "chat" in body and "removed" in body
        for f in _findings(
            w.settings,
            "select redacted_match, category from findings where list_contains(?, finding_id)",
            [list(confirmed.finding_ids)],
        ):
            assert f[0] in body.replace("&amp;", "&") or f[0].replace("&", "&amp;") in body
    assert payload["metadata"]["event_payload"]["user_email"] == confirmed.owner_email
    planted = {t.value for t in w.sim.truth()}
    everything = text + mail.message.as_string() + webhook[0].body.decode()
    assert [v for v in planted if v in everything] == []
    events, _ = AuditLog(runtime.state_engine(w.settings)).recent(target=record.request_id)
    actions = [e.action for e in reversed(events)]
    assert actions[-2:] == ["remediation_notice_failed", "remediation_notified"]
    assert [v for v in planted if v in json.dumps([e.detail for e in events])] == []
