"""Triage decisions, suppressions, the audit trail and the reports team's lookup."""

from __future__ import annotations

import pytest

from claude_compliance.state.audit import AuditLog
from claude_compliance.state.db import make_engine, upgrade
from claude_compliance.state.triage import (
    FindingRef,
    SuppressionKind,
    TriageError,
    TriageStatus,
    TriageStore,
)

A = FindingRef("f" * 32, "ab" * 32, "us-ssn", "user_1")
B = FindingRef("e" * 32, "cd" * 32, "email", "user_1")
C = FindingRef("d" * 32, "ab" * 32, "us-ssn", "user_2")  # same value as A, other user


@pytest.fixture
def engine(state_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(state_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_bulk_triage_keeps_the_latest_decision_and_the_history(engine) -> None:  # type: ignore[no-untyped-def]
    store = TriageStore(engine)
    assert store.set_status([A, B], "acknowledged", actor="ann", note="looking") == 2
    store.set_status([A], TriageStatus.FALSE_POSITIVE, actor="bob", note="test data")
    decisions = store.decisions([A.finding_id, B.finding_id, C.finding_id])
    assert decisions[A.finding_id].status is TriageStatus.FALSE_POSITIVE
    assert decisions[A.finding_id].actor == "bob" and decisions[A.finding_id].note == "test data"
    assert decisions[B.finding_id].status is TriageStatus.ACKNOWLEDGED
    assert C.finding_id not in decisions
    history = store.history(A.finding_id)
    assert [h.status for h in history] == [TriageStatus.FALSE_POSITIVE, TriageStatus.ACKNOWLEDGED]
    events, total = AuditLog(engine).recent(action="triage")
    assert (
        total == 2 and events[0].actor == "bob" and events[0].detail["status"] == "false_positive"
    )
    with pytest.raises(TriageError, match="unknown triage status"):
        store.set_status([A], "ignored", actor="x")
    with pytest.raises(TriageError, match="no finding"):
        store.set_status([], "resolved", actor="x")


def test_suppressions_by_fingerprint_and_by_detector_and_user(engine) -> None:  # type: ignore[no-untyped-def]
    store = TriageStore(engine)
    by_value = store.add_suppression("fingerprint", fingerprint=A.fingerprint, actor="ann")
    states = store.states([A, B, C])
    assert states[A.finding_id].suppression == by_value
    assert states[C.finding_id].is_suppressed  # the same secret elsewhere
    assert not states[B.finding_id].is_suppressed
    by_user = store.add_suppression(
        SuppressionKind.DETECTOR_USER, detector="email", user_id="user_1", actor="ann"
    )
    assert store.states([B])[B.finding_id].suppression == by_user
    tables = store.tables()
    assert tables.has_suppressions
    assert tables.suppressed_fingerprints.column("fingerprint").to_pylist() == [A.fingerprint]
    assert tables.suppressed_detector_users.to_pylist() == [
        {"detector": "email", "user_id": "user_1", "suppression_id": by_user.suppression_id}
    ]
    store.remove_suppression(by_value.suppression_id, actor="bob")
    assert not store.states([A])[A.finding_id].is_suppressed
    assert len(store.suppressions()) == 1 and len(store.suppressions(include_removed=True)) == 2
    with pytest.raises(TriageError, match="already removed"):
        store.remove_suppression(by_value.suppression_id, actor="bob")
    with pytest.raises(TriageError, match="needs the finding's fingerprint"):
        store.add_suppression("fingerprint", fingerprint="not hex!", actor="x")
    with pytest.raises(TriageError, match="needs both"):
        store.add_suppression("detector_user", detector="email", actor="x")
    actions = [e.action for e in AuditLog(engine).recent()[0]]
    assert actions == ["suppression_remove", "suppression_add", "suppression_add"]


def test_states_take_mart_rows_and_tables_carry_the_decisions(home, settings) -> None:  # type: ignore[no-untyped-def]
    from claude_compliance import runtime

    store = TriageStore(runtime.state_engine(settings))
    store.set_status([B], "resolved", actor="ann")
    states = store.states(
        [
            A,
            FindingRef.from_row(
                {
                    "finding_id": B.finding_id,
                    "fingerprint": B.fingerprint,
                    "detector": "email",
                    "user_id": "user_1",
                }
            ),
        ],
    )
    assert states[A.finding_id].status is TriageStatus.OPEN
    assert states[B.finding_id].status is TriageStatus.RESOLVED
    assert store.tables().triage.column("status").to_pylist() == ["resolved"]


@pytest.mark.parametrize("status", ["remediated", TriageStatus.REMEDIATED])
def test_remediated_is_never_set_by_hand(engine, status) -> None:  # type: ignore[no-untyped-def]
    store = TriageStore(engine)
    with pytest.raises(TriageError, match="not by hand"):
        store.set_status([A], status, actor="ann")
    assert store.decisions([A.finding_id]) == {}
    assert store.set_status([A], status, actor="remediation", is_remediation=True) == 1
    assert store.decisions([A.finding_id])[A.finding_id].status is TriageStatus.REMEDIATED
    assert TriageStatus.REMEDIATED.is_closed


def test_reports_read_the_one_triage_status() -> None:
    from claude_compliance.reports import triage as reports_triage

    assert reports_triage.TriageStatus is TriageStatus
