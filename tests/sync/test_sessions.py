"""Claude Code and Cowork sessions, local and remote, extracted from the simulator: the
interval rule, whole tool results, provenance, tombstones and the request budget."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claude_compliance.lake.interval import Interval
from claude_compliance.sync import context as sync_context
from claude_compliance.sync.extract import extract_interval
from claude_compliance.sync.plan import IntervalPlan, plan_interval
from compliance_simulator import Simulator
from tests.sync.test_extract import DAYS, client, table


def extract_days(sim: Simulator, lake: Path) -> list[Any]:
    reports = []
    with client(sim) as api:
        for interval in DAYS:
            reports.append(extract_interval(api, lake, "ck_t", interval))
    return reports


def synced_messages(lake: Path) -> dict[str, tuple[Interval, dict[str, Any]]]:
    rows: dict[str, tuple[Interval, dict[str, Any]]] = {}
    for interval in DAYS:
        for row in table(lake, "session_messages", interval):
            assert row["message_id"] not in rows, "a message landed in two intervals"
            rows[str(row["message_id"])] = (interval, row)
    return rows


def expected_messages(sim: Simulator) -> dict[str, Any]:
    """Every session message the API serves: pending remote sessions have no transcript."""
    pending = {s.id for s in sim.data.remote_sessions if s.status == "pending"}
    return {
        m.id: m
        for m in sim.data.session_messages.values()
        if m.session_id not in pending and any(i.contains(m.created_at) for i in DAYS)
    }


def test_every_session_message_lands_in_the_interval_it_was_created_in(
    sim: Simulator, tmp_path: Path
) -> None:
    extract_days(sim, tmp_path)
    synced = synced_messages(tmp_path)
    expected = expected_messages(sim)
    assert set(synced) == set(expected)
    for message_id, (interval, row) in synced.items():
        message = expected[message_id]
        assert interval.contains(row["created_at"])
        # tool results arrive whole: the text is exactly the input the simulator planted in,
        # except past the server's own maximum (~1 MiB), which even -1 cannot lift
        if row["is_truncated"] and row["text"] != message.scanned_text:
            kept, marker, _ = row["text"].partition("…[truncated;")
            assert marker and message.scanned_text.startswith(kept)
            assert len(kept.encode()) >= 1 << 20
        else:
            assert row["text"] == message.scanned_text, message_id
        assert row["session_id"] == message.session_id
    kinds = {row["session_kind"] for _, row in synced.values()}
    assert kinds == {"local", "remote"}


def test_values_planted_past_byte_10000_of_a_tool_result_are_captured(
    sim: Simulator, tmp_path: Path
) -> None:
    extract_days(sim, tmp_path)
    synced = synced_messages(tmp_path)
    deep = [
        t
        for t in sim.truth()
        if t.source == "session_message"
        and len(sim.data.session_messages[t.source_id].scanned_text[: t.start].encode()) > 10_000
    ]
    assert deep, "the simulator plants values past the default 10,000-byte cut"
    for plant in deep:
        _, row = synced[plant.source_id]
        assert row["text"][plant.start : plant.end] == plant.value


def test_a_session_that_moved_on_is_found_for_its_earlier_days(
    sim: Simulator, tmp_path: Path
) -> None:
    """A session whose updated_at is past the interval still gives that interval its
    messages (found by updated_at >= start, not by a window on updated_at)."""
    resumed = [
        s
        for s in [*sim.data.local_sessions, *sim.data.remote_sessions]
        if s.updated_at.date() > s.created_at.date() and s.created_at >= DAYS[-1].start
    ]
    assert resumed
    with client(sim) as api:
        for session in resumed:
            first_day = next(i for i in DAYS if i.contains(session.created_at))
            lake = tmp_path / session.id
            extract_interval(api, lake, "ck_t", first_day)
            rows = {r["message_id"] for r in table(lake, "session_messages", first_day)}
            expected = {
                m
                for m in session.message_ids
                if first_day.contains(sim.data.session_messages[m].created_at)
            }
            assert expected and expected <= rows


def test_provenance_is_kept_and_unknown_values_tolerated(sim: Simulator, tmp_path: Path) -> None:
    extract_days(sim, tmp_path)
    rows = [row for _, row in synced_messages(tmp_path).values()]
    kinds = {r["provenance_type"] for r in rows}
    assert {None, "content_unavailable", "client_asserted", "synthetic_marker"} <= kinds
    assert kinds - {None, "content_unavailable", "client_asserted", "synthetic_marker"}, (
        "the simulator serves an unknown provenance type; it must be kept as given"
    )
    reasons = {r["provenance_reason"] for r in rows if r["is_content_unavailable"]}
    assert "retention_elapsed" in reasons
    sessions = [r for i in DAYS for r in table(tmp_path, "sessions", i)]
    assert any(r["is_truncated"] for r in sessions)
    assert {r["session_kind"] for r in sessions} == {"local", "remote"}


@pytest.fixture
def tiny_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def plan(interval: Interval, **kwargs: Any) -> IntervalPlan:
        base = plan_interval(interval, **kwargs)
        return dataclasses.replace(
            base,
            local_sessions={**base.local_sessions, "limit": 2},
            remote_sessions={**base.remote_sessions, "limit": 1},
            session_messages={**base.session_messages, "limit": 3},
        )

    monkeypatch.setattr(sync_context, "plan_interval", plan)
    yield


def test_tiny_pages_give_the_same_lake(sim: Simulator, tmp_path: Path, tiny_pages: None) -> None:
    extract_days(sim, tmp_path)
    synced = synced_messages(tmp_path)
    assert set(synced) == set(expected_messages(sim))


def test_a_deleted_remote_session_keeps_what_was_captured(sim: Simulator, tmp_path: Path) -> None:
    extract_days(sim, tmp_path)
    before = synced_messages(tmp_path)
    victim = next(
        s
        for s in sim.data.remote_sessions
        if s.status != "pending" and any(m in before for m in s.message_ids)
    )
    sim.delete_remote_session(victim.id)
    extract_days(sim, tmp_path)
    after = synced_messages(tmp_path)
    assert set(after) == set(before)
    kept = [row for _, row in after.values() if row["session_id"] == victim.id]
    assert kept and all(row["tombstone"] for row in kept)
    assert [r["text"] for r in kept] == [before[str(r["message_id"])][1]["text"] for r in kept]
    sessions = [r for i in DAYS for r in table(tmp_path, "sessions", i)]
    assert {r["tombstone"] for r in sessions if r["session_id"] == victim.id} == {
        "no_longer_served"
    }


def test_session_requests_stay_within_1_1x_of_the_lower_bound(
    sim: Simulator, tmp_path: Path
) -> None:
    reports = extract_days(sim, tmp_path)
    for interval, interval_reports in zip(DAYS, reports, strict=True):
        made = sum(
            r.requests for r in interval_reports if r.table in ("sessions", "session_messages")
        )
        plan = plan_interval(interval)
        bound = sim.session_request_lower_bound(
            _wire(plan.local_sessions), _wire(plan.remote_sessions)
        )
        assert made <= 1.1 * bound.total, (interval, made, bound)


def _wire(params: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (k, v.isoformat().replace("+00:00", "Z") if hasattr(v, "isoformat") else str(v))
        for k, v in params.items()
        if k != "limit"
    ]
