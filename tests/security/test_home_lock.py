"""One writer per home (issue 13, item 9b), with real processes: `run`, `rescan` and the
build/publish stages (which the DAG's writer tasks call) wait for, then refuse, a second
writer, naming the holder; a holder that dies leaves no stale lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from claude_compliance.settings import Settings
from tests.security.processes import script


def test_one_writer_per_home(settings: Settings) -> None:
    holder = script("hold_writer_lock.py", str(settings.home), "120")
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        env = {"CLAUDE_COMPLIANCE_LOCK_TIMEOUT_S": "1"}
        rescan = subprocess.run(
            [
                sys.executable,
                "-m",
                "claude_compliance.cli",
                "rescan",
                "--start",
                "2026-11-01",
                "--end",
                "2026-11-02",
            ],
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **env},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert rescan.returncode != 0
        message = rescan.stderr + rescan.stdout
        assert f"pid {holder.pid}" in message and "claude-compliance run" in message, message
        assert "waited 1 s" in message, message
        # the DAG's dbt_build and publish tasks call these same stages
        stages = script("build_and_publish.py", env=env)
        out, err = stages.communicate(timeout=300)
        assert out.count("refused:") == 2 and f"pid {holder.pid}" in out, out + err
    finally:
        holder.send_signal(signal.SIGKILL)  # dies holding the lock
        holder.wait(timeout=30)
    # the kernel released it with the process: nothing stale to clean by hand
    from claude_compliance.home_lock import writer_lock

    with writer_lock(settings.home, "test", timeout_s=0):
        pass


def test_a_second_writer_waits_for_the_first_to_finish(settings: Settings) -> None:
    from claude_compliance.home_lock import writer_lock

    holder = script("hold_writer_lock.py", str(settings.home), "1")
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    waits: list[str] = []
    with writer_lock(settings.home, "second", timeout_s=120, on_wait=waits.append):
        acquired_at = time.time()
    released_at = float(holder.stdout.readline())
    assert acquired_at >= released_at  # it got the lock only once the first one let go
    assert len(waits) == 1 and f"pid {holder.pid}" in waits[0]
    holder.wait(timeout=30)


def test_the_writer_lock_is_reentrant_within_a_thread(settings: Settings) -> None:
    from claude_compliance.home_lock import writer_lock

    with writer_lock(settings.home, "run", timeout_s=0):
        with writer_lock(settings.home, "dbt build", timeout_s=0):
            pass
        with writer_lock(settings.home, "publish", timeout_s=0):
            pass
