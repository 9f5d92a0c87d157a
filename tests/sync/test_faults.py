"""Fault injection: whatever the API does, the final lake equals a clean run's, or the run
fails loudly and leaves the interval's previous partitions as they were."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from claude_compliance.api import ComplianceClient, RetryPolicy, ServerError
from claude_compliance.lake.schemas import RAW
from claude_compliance.sync.extract import extract_interval
from compliance_simulator import SimConfig, Simulator, serve
from tests.fixtures.scripts import SCRIPTS
from tests.fixtures.simulator import ANCHOR
from tests.sync.test_completeness import NO_WAIT
from tests.sync.test_extract import DAYS

pytestmark = pytest.mark.slow

KEYS = {
    "organizations": "organization_uuid",
    "users": "user_id",
    "activities": "activity_id",
    "chats": "chat_id",
    "chat_messages": "message_id",
    "chat_files": "file_id",
    "projects": "project_id",
    "project_attachments": "attachment_id",
    "roles": "role_id",
    "groups": "group_id",
}
DAY = DAYS[0]


def snapshot(lake: Path) -> dict[str, list[tuple[object, ...]]]:
    """Each table's rows by id with their content columns (no sync timestamps)."""
    result = {}
    for table, key in KEYS.items():
        rows = []
        for path in sorted((lake / "raw" / table).rglob("part-*.parquet")):
            for row in pq.read_table(path, schema=RAW[table]).to_pylist():
                if table == "activities" and row["type"] == "compliance_api_accessed":
                    continue  # our own calls: a faulty run makes more of them
                rows.append(
                    (row[key], row.get("text"), row.get("content_text"), row.get("skipped_reason"))
                )
        result[table] = sorted(rows, key=repr)
    return result


def make_sim() -> Simulator:
    return Simulator(SimConfig(seed=11, users=12, days=3, anchor=ANCHOR))


def run(sim: Simulator, lake: Path, url: str | None = None, **retry: float) -> None:
    policy = RetryPolicy(
        max_attempts=int(retry.get("attempts", 8)), backoff_initial_s=0.01, backoff_max_s=0.05
    )
    base = url or "http://sim"
    transport = None if url else sim.transport()
    with ComplianceClient(
        sim.keys.compliance,
        base,
        transport=transport,
        retry=policy,
        timeout_s=retry.get("timeout", 10),
    ) as api:
        extract_interval(api, lake, "ck_t", DAY, options=NO_WAIT)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[object, ...]]]:
    lake = tmp_path_factory.mktemp("clean")
    run(make_sim(), lake)
    result = snapshot(lake)
    assert result["chat_messages"] and result["activities"]
    return result


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 429, "retry_after": 0, "times": 25},
        {"status": 503, "times": 6},
        {"status": 500, "times": 5},
        {"drop": True, "times": 6},
    ],
    ids=["429-storm", "503", "500-retryable", "dropped-connections"],
)
def test_transient_faults_leave_the_same_lake_as_a_clean_run(
    tmp_path: Path, clean: dict[str, list[tuple[object, ...]]], fault: dict[str, object]
) -> None:
    sim = make_sim()
    for path in ("/chats", "/messages", "/content", "/activities", "/projects"):
        sim.faults.add(path, **fault)  # type: ignore[arg-type]
    run(sim, tmp_path)
    statuses = [r.status for r in sim.requests]
    assert any(s != 200 for s in statuses), "the faults were exercised"
    assert snapshot(tmp_path) == clean


def test_timeouts_are_retried_over_a_real_socket(
    tmp_path: Path, clean: dict[str, list[tuple[object, ...]]]
) -> None:
    sim = make_sim()
    sim.faults.add("/messages", delay_s=1.5, times=3)
    with serve(sim, host="127.0.0.1", port=0) as server:
        run(sim, tmp_path, url=server.url, timeout=0.5)
    assert snapshot(tmp_path) == clean


def test_a_non_retryable_failure_fails_loudly_and_keeps_the_previous_partitions(
    tmp_path: Path,
) -> None:
    sim = make_sim()
    run(sim, tmp_path)
    before = snapshot(tmp_path)
    sim.faults.add("/projects", status=500, should_retry=False, times=1)
    with pytest.raises(ServerError):
        run(sim, tmp_path)
    assert snapshot(tmp_path) == before


def test_a_process_killed_mid_interval_then_re_run_leaves_the_clean_lake(
    tmp_path: Path, clean: dict[str, list[tuple[object, ...]]]
) -> None:
    sim = make_sim()
    sim.faults.add("/messages", delay_s=0.3, times=1000)  # slow enough to be killed mid-way
    lake = tmp_path / "lake"
    with serve(sim, host="127.0.0.1", port=0) as server:
        proc = subprocess.Popen(
            [
                sys.executable,
                str(SCRIPTS / "killed_extract.py"),
                server.url,
                sim.keys.compliance,
                str(lake),
                DAY.start.isoformat(),
                DAY.end.isoformat(),
            ],
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("/messages" in r.path for r in sim.requests):
            time.sleep(0.05)
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate(timeout=30)
        assert b"finished" not in output, "the process must die mid-interval"
        assert (lake / "raw" / "activities").exists(), "it had written part of the interval"
        assert not (lake / "raw" / "chat_messages").exists()
        sim.faults.clear()
        run(sim, lake, url=server.url)
    assert snapshot(lake) == clean
    assert not list(lake.rglob("*.tmp"))
