"""Concurrent writers of one lake file (issue 13, item 9a): a writer removes only temps that are
provably stale, never another writer's file in progress (two processes writing one partition
used to fail 8 or 9 times in 15)."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pyarrow as pa

from claude_compliance.lake.fs import write_table_atomic
from tests.security.processes import script


def test_a_writer_removes_only_provably_stale_temps(tmp_path: Path) -> None:
    target = tmp_path / "raw" / "t" / "key=k" / "dt=2026-11-20" / "part-x.parquet"
    target.parent.mkdir(parents=True)
    in_progress = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    in_progress.write_bytes(b"PAR1 another writer is still writing this")
    killed = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    killed.write_bytes(b"PAR1 left by a writer killed two hours ago")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(killed, (two_hours_ago, two_hours_ago))

    write_table_atomic(target, pa.table({"x": [1, 2, 3]}))

    assert in_progress.exists(), "another writer's file in progress was deleted"
    assert not killed.exists(), "a stale temp was left behind"
    assert pa.parquet.read_table(target).num_rows == 3


def test_two_processes_writing_one_partition_never_fail(tmp_path: Path) -> None:
    target = tmp_path / "part-x.parquet"
    writers = [script("write_partition.py", str(target)) for _ in range(2)]
    results = [(w.wait(timeout=600), w.stderr.read() if w.stderr else "") for w in writers]
    assert [code for code, _ in results] == [0, 0], [err[-800:] for _, err in results]
    assert pa.parquet.read_table(target).num_rows == 300_000
