"""Servers in their own process groups: started, found, and stopped with nothing left."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from deploy import processes
from tests.deploy.support import live_processes_of_launch

SCRIPTS = Path(__file__).parents[1] / "fixtures" / "scripts"


def script(name: str) -> list[str]:
    """The command of one of the fake servers in tests/fixtures/scripts/."""
    return ["bash", str(SCRIPTS / name)]


def wait_for_log(path: Path, text: str, timeout_s: float = 10.0) -> None:
    processes.wait_until(
        lambda: path.exists() and text in path.read_text(),
        timeout_s=timeout_s,
        what=text,
        interval_s=0.1,
    )


def test_stop_all_ends_the_group_and_the_strays(tmp_path: Path) -> None:
    run_dir, log_dir = tmp_path / "run", tmp_path / "logs"
    env = {"PATH": os.environ["PATH"]}
    started = processes.start("stubborn", script("stubborn_server.sh"), env, run_dir, log_dir)
    polite = processes.start("polite", ["sleep", "300"], env, run_dir, log_dir)
    wait_for_log(started.log_path, "started")
    launch = processes.launch_id(run_dir)
    processes.wait_until(
        lambda: len(live_processes_of_launch(launch)) >= 4, timeout_s=10, what="4 processes"
    )
    assert (
        len(processes.group_members(started.pgid)) >= 2
    )  # bash, its grouped sleep, the loop's sleep
    assert processes.running(run_dir) == {
        "polite": [polite.pgid],
        "stubborn": processes.group_members(started.pgid),
    }
    with pytest.raises(processes.LaunchError, match="already running"):
        processes.start("polite", ["sleep", "300"], env, run_dir, log_dir)

    report = processes.stop_all(run_dir, grace_s=1.0)

    assert "polite: stopped" in report
    killed = [line for line in report if line.startswith("stubborn: ")]
    assert killed and killed[0].startswith("stubborn: killed 2 process(es) after 1s: "), report
    # the report names the processes: pid and the start of the command line (60 characters,
    # so a long checkout path may cut the script's name)
    assert f"bash {SCRIPTS}"[:40] in killed[0] and "sleep 300" in killed[0], killed
    assert "strays outside the groups: ended 1" in report
    assert live_processes_of_launch(launch) == []
    assert processes.group_members(started.pgid) == []
    assert list(run_dir.glob("*.pid")) == []
    assert processes.stop_all(run_dir) == []


@pytest.mark.parametrize("launched_in_background", [False, True])
def test_a_leader_signal_lets_the_supervisor_stop_its_children_and_ends_what_it_leaves(
    tmp_path: Path, launched_in_background: bool
) -> None:
    """Also when we were started in the background (SIGINT ignored, as a shell's `cmd &`
    leaves it): the servers must still hear the SIGINT that stops them in order."""
    run_dir, log_dir = tmp_path / "run", tmp_path / "logs"
    env = {"PATH": os.environ["PATH"]}
    previous = signal.signal(
        signal.SIGINT, signal.SIG_IGN if launched_in_background else signal.getsignal(signal.SIGINT)
    )
    try:
        supervisor = processes.start(
            "supervisor", script("draining_supervisor.sh"), env, run_dir, log_dir
        )
        deserter = processes.start(
            "deserter", script("deserting_supervisor.sh"), env, run_dir, log_dir
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    for started in (supervisor, deserter):
        wait_for_log(started.log_path, "started")
        processes.wait_until(
            lambda pgid=started.pgid: len(processes.group_members(pgid)) == 2,
            timeout_s=10,
            what="the child",
            interval_s=0.1,
        )
    signals = {"supervisor": signal.SIGINT, "deserter": signal.SIGINT, "absent": signal.SIGINT}

    began = time.monotonic()
    report = processes.stop_all(run_dir, grace_s=30.0, leader_signals=signals)

    # Neither waited for the half-grace SIGTERM or the SIGKILL: the supervisor drained its
    # child, and what the deserter left got SIGTERM as soon as the deserter was gone.
    assert time.monotonic() - began < 10
    assert report == ["deserter: stopped", "supervisor: stopped"]
    assert "draining" in supervisor.log_path.read_text()
    assert "drained" in supervisor.log_path.read_text()
    assert "leaving" in deserter.log_path.read_text()
    assert live_processes_of_launch(processes.launch_id(run_dir)) == []


def test_wait_until_is_bounded_and_notices_a_dead_server(tmp_path: Path) -> None:
    began = time.monotonic()
    with pytest.raises(processes.LaunchError, match="timed out after 1s waiting for never"):
        processes.wait_until(lambda: False, timeout_s=1.0, what="never", interval_s=0.1)
    assert time.monotonic() - began < 3
    run_dir, log_dir = tmp_path / "run", tmp_path / "logs"
    env = {"PATH": os.environ["PATH"]}
    processes.start("up", ["sleep", "300"], env, run_dir, log_dir)
    processes.start("api", ["false"], env, run_dir, log_dir)
    began = time.monotonic()
    with pytest.raises(processes.LaunchError, match=r"^api exited while waiting for health$"):
        processes.wait_until(lambda: False, timeout_s=300, what="health", servers=run_dir)
    assert time.monotonic() - began < 60, "gave up when the server exited, not at the timeout"
    assert processes.stop_all(run_dir, grace_s=5.0) == ["api: stopped", "up: stopped"]


def test_the_fake_servers_parse() -> None:
    """The shell scripts of these tests are files (not strings), and `bash -n` accepts them."""
    scripts = sorted(SCRIPTS.glob("*.sh"))
    assert len(scripts) == 3
    for path in scripts:
        checked = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
        assert checked.returncode == 0, (path.name, checked.stderr)
