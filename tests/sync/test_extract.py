"""Extracting one key × interval from the simulator into the raw lake."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from claude_compliance.api import ComplianceClient, RetryPolicy, ServerError
from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import data_path, read_interval
from claude_compliance.sync.extract import SyncOptions, extract_interval
from compliance_simulator import SimConfig, Simulator
from tests.fixtures.simulator import ANCHOR

END = datetime.combine(ANCHOR, datetime.min.time(), tzinfo=UTC)
DAYS = [Interval(END - timedelta(days=n + 1), END - timedelta(days=n)) for n in range(3)]
FAST = RetryPolicy(max_attempts=2, backoff_initial_s=0.0, backoff_max_s=0.0)


def client(sim: Simulator, key: str | None = None) -> ComplianceClient:
    return ComplianceClient(
        key or sim.keys.compliance,
        "http://sim",
        transport=sim.transport(),
        retry=FAST,
        sleep=lambda _s: None,
    )


def table(lake: Path, name: str, interval: Interval) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = read_interval(
        lake, "raw", name, "ck_t", interval, RAW[name]
    ).to_pylist()
    return rows


def extract_all(sim: Simulator, lake: Path, **kwargs: object) -> None:
    with client(sim) as api:
        for interval in DAYS:
            extract_interval(api, lake, "ck_t", interval, **kwargs)  # type: ignore[arg-type]


def test_every_message_lands_in_the_interval_it_was_created_in(
    sim: Simulator, tmp_path: Path
) -> None:
    extract_all(sim, tmp_path)
    synced = {}
    for interval in DAYS:
        for row in table(tmp_path, "chat_messages", interval):
            assert interval.contains(row["created_at"])  # type: ignore[arg-type]
            assert row["message_id"] not in synced
            synced[row["message_id"]] = row
    assert set(synced) == set(sim.data.messages)


def test_unknown_fields_and_activity_types_are_kept(sim: Simulator, tmp_path: Path) -> None:
    from compliance_simulator.data import UNKNOWN_ACTIVITY_TYPES, UNKNOWN_FIELD

    extract_all(sim, tmp_path)
    activities = [r for i in DAYS for r in table(tmp_path, "activities", i)]
    assert set(UNKNOWN_ACTIVITY_TYPES) <= {r["type"] for r in activities}
    kept = [json.loads(str(r["raw_json"])) for r in activities]
    assert any(UNKNOWN_FIELD in record for record in kept)


def test_files_outside_what_we_scan_are_recorded_with_a_reason(
    sim: Simulator, tmp_path: Path
) -> None:
    extract_all(sim, tmp_path, options=SyncOptions(size_cap_bytes=64 * 1024))
    files = [r for i in DAYS for r in table(tmp_path, "chat_files", i)]
    files += [r for i in DAYS for r in table(tmp_path, "project_attachments", i)]
    reasons = {r["skipped_reason"] for r in files}
    assert {None, "image", "oversize", "encrypted", "extraction_failed"} <= reasons
    for row in files:
        assert (row["content_text"] is None) == (row["skipped_reason"] is not None)


def test_deleted_chats_are_kept_with_their_files_marked_deleted(
    sim: Simulator, tmp_path: Path
) -> None:
    extract_all(sim, tmp_path)
    chats = [r for i in DAYS for r in table(tmp_path, "chats", i)]
    deleted = {r["chat_id"] for r in chats if r["deleted_at"] is not None}
    assert deleted, "the simulator deletes a few chats"
    files = [r for i in DAYS for r in table(tmp_path, "chat_files", i) if r["chat_id"] in deleted]
    assert all(r["skipped_reason"] == "deleted" for r in files)


def test_a_failure_leaves_the_previous_partition_intact_and_raises(
    sim: Simulator, tmp_path: Path
) -> None:
    day = DAYS[0]
    with client(sim) as api:
        extract_interval(api, tmp_path, "ck_t", day)
    before = pq.read_table(data_path(tmp_path, "raw", "chat_messages", "ck_t", day))
    sim.faults.add("/messages", status=500, should_retry=False, times=1)
    with client(sim) as api, pytest.raises(ServerError):
        extract_interval(api, tmp_path, "ck_t", day)
    after = pq.read_table(data_path(tmp_path, "raw", "chat_messages", "ck_t", day))
    assert after.equals(before)
    ledger = {r["resource"]: r for r in table(tmp_path, "sync_ledger", day)}
    assert ledger["chat_messages"]["status"] == "failed"
    assert "500" in str(ledger["chat_messages"]["detail"])
    assert ledger["activities"]["status"] == "ok" and "projects" not in ledger


def test_a_resource_without_scope_is_skipped_and_reported(tmp_path: Path) -> None:
    sim = Simulator(SimConfig(seed=3, users=4, days=1, anchor=ANCHOR))
    with client(sim, sim.keys.activities_only) as api:
        reports = extract_interval(api, tmp_path, "ck_t", DAYS[0])
    status = {r.table: r.status for r in reports}
    assert status["activities"] == "ok"
    assert status["chats"] == status["organizations"] == "skipped_no_scope"
    manifest = json.loads(next((tmp_path / "raw" / "chats").rglob("_manifest-*.json")).read_text())
    assert manifest["status"] == "skipped_no_scope" and "Needed one of" in manifest["detail"]


def test_manifests_record_requests_cursors_and_request_ids(sim: Simulator, tmp_path: Path) -> None:
    with client(sim) as api:
        reports = extract_interval(api, tmp_path, "ck_t", DAYS[0])
        assert sum(r.requests for r in reports) == api.stats.requests
    ledger = table(tmp_path, "sync_ledger", DAYS[0])
    assert {r["resource"] for r in ledger} == {r.table for r in reports}
    assert sum(int(r["requests"]) for r in ledger) == sum(r.requests for r in reports)
    assert all(r["status"] == "ok" for r in ledger)
    for manifest_file in (tmp_path / "raw").rglob("_manifest-*.json"):
        if {"sync_ledger", "own_requests"} & set(manifest_file.parts):
            continue
        manifest = json.loads(manifest_file.read_text())
        assert manifest["rows"] == manifest["records"]
        assert bool(manifest["last_request_id"]) == (manifest["requests"] > 0)
    chats = next(r for r in reports if r.table == "chats")
    assert chats.requests >= 1 and chats.last_cursor
