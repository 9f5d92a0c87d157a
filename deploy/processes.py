"""Servers in their own process groups: start, record, wait for, and stop without orphans.

Each server starts as the leader of a new session (`setsid`), so its process group holds it
and every child it forks; `<run_dir>/<name>.pid` records the group id. Every process also
inherits `_CLAUDE_COMPLIANCE_LAUNCH=<launch id>` in its environment: a process that left the
group (Airflow's task supervisor puts every task in a group of its own, `setpgid`) is still
found by that mark, and `stop_all` ends it too. The mark is the second line of defence only:
a process that retitles itself (setproctitle: the API server, Celery's pool) overwrites the
environment /proc shows. Nothing is ever matched by name.

Why not honcho (or supervisord): honcho runs in the foreground, stops every process group
with SIGTERM and allows a fixed 5 s before SIGKILL, and is done as soon as its direct
children have exited. Measured here under load: `airflow standalone` then dies within a
second and honcho returns while its scheduler, dag-processor and triggerer still run,
unwatched (gone 3 to 10 s later in the one run that waited for them), where SIGINT to the
leader stops it all cleanly in about 30 s. supervisord can send SIGINT, but it too knows only
process groups, so neither would find the tasks in groups of their own.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

LAUNCH_VAR = "_CLAUDE_COMPLIANCE_LAUNCH"
LAUNCH_FILE = "launch-id"


class LaunchError(RuntimeError):
    """A server did not start or become healthy in time; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Started:
    name: str
    pgid: int
    log_path: Path


def launch_id(run_dir: Path) -> str:
    """The id marking every process of this run directory (created on first use)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / LAUNCH_FILE
    if not path.exists():
        path.write_text(secrets.token_hex(8) + "\n")
    return path.read_text().strip()


def start(
    name: str,
    argv: Sequence[str],
    env: Mapping[str, str],
    run_dir: Path,
    log_dir: Path,
    *,
    cwd: Path | None = None,
    stdin_text: str | None = None,
) -> Started:
    """Start `argv` as a new session leader, its output appended to `<log_dir>/<name>.log`."""
    pid_path = run_dir / f"{name}.pid"
    if pid_path.exists() and group_members(int(pid_path.read_text())):
        raise LaunchError(f"{name} is already running (process group {pid_path.read_text()})")
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    full_env = {**env, LAUNCH_VAR: launch_id(run_dir)}
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(  # noqa: S603 - argv built by the launchers, no shell
            list(argv),
            env=full_env,
            cwd=cwd,
            stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_default_stop_signals,  # two signal() calls in the child, before exec
        )
    if stdin_text is not None and proc.stdin is not None:
        proc.stdin.write(stdin_text.encode())
        proc.stdin.close()
    pid_path.write_text(f"{proc.pid}\n")
    return Started(name=name, pgid=proc.pid, log_path=log_path)


def _default_stop_signals() -> None:
    """In the child, before exec: SIGINT and SIGQUIT back to their defaults. A shell that ran
    us in the background (`make up &`, a CI script) leaves both ignored, an ignored signal
    stays ignored across exec, and bash cannot even trap it: `airflow standalone` would never
    hear the SIGINT that stops it in order, and `stop_all` would wait half the grace."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes whose process group is `pgid`."""
    members = []
    for proc in psutil.process_iter(["pid", "status"]):
        try:
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if os.getpgid(proc.info["pid"]) == pgid:
                members.append(proc.info["pid"])
        except (ProcessLookupError, psutil.Error):
            continue
    return members


def marked_processes(launch: str) -> list[int]:
    """Live processes carrying this launch's mark in their environment."""
    found = []
    for proc in psutil.process_iter(["pid", "status"]):
        try:
            if proc.info["status"] == psutil.STATUS_ZOMBIE or proc.pid == os.getpid():
                continue
            if proc.environ().get(LAUNCH_VAR) == launch:
                found.append(proc.pid)
        except psutil.Error:
            continue
    return found


def running(run_dir: Path) -> dict[str, list[int]]:
    """Each recorded server with the live processes of its group."""
    result = {}
    for pid_path in sorted(run_dir.glob("*.pid")):
        result[pid_path.stem] = group_members(int(pid_path.read_text()))
    return result


def exited(run_dir: Path) -> str | None:
    """The first recorded server with no live process left, if any (for `wait_until`)."""
    return next((name for name, pids in running(run_dir).items() if not pids), None)


def wait_until(
    check: Callable[[], bool],
    *,
    timeout_s: float,
    what: str,
    interval_s: float = 1.0,
    servers: Path | None = None,
) -> float:
    """Poll `check` until it holds; returns the seconds it took.

    Gives up early, naming the server, when one recorded in the run directory `servers` exits.
    """
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if servers is not None and (dead := exited(servers)) is not None:
            raise LaunchError(f"{dead} exited while waiting for {what}")
        if time.monotonic() - started > timeout_s:
            raise LaunchError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(interval_s)


def stop_after_failure(run_dir: Path, log_dir: Path, **stop: Any) -> str:
    """What a failed start shows: each server's log tail, then how `stop_all` ended each."""
    logs = [f"--- {name}.log\n{tail(log_dir / f'{name}.log')}" for name in running(run_dir)]
    return "\n".join([*logs, *(f"  {line}" for line in stop_all(run_dir, **stop))])


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return f"({path} is empty)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def stop_all(
    run_dir: Path,
    *,
    grace_s: float = 30.0,
    leader_signals: Mapping[str, signal.Signals] | None = None,
) -> list[str]:
    """Stop every recorded group: SIGKILL what is left after `grace_s`, then the strays.

    A group named in `leader_signals` is stopped through its leader alone, with that signal,
    so a supervisor (Airflow standalone on SIGINT) stops its children in order while it still
    reads their output; what it leaves behind gets SIGTERM once it has exited or half the
    grace has passed. Every other group gets SIGTERM at once. Returns one line per server
    saying how it ended, naming any process that had to be killed. Raises LaunchError if any
    process of this launch survives.
    """
    if not run_dir.exists():
        return []
    report = []
    groups = {p.stem: int(p.read_text()) for p in sorted(run_dir.glob("*.pid"))}
    through_leader = {n: s for n, s in (leader_signals or {}).items() if n in groups}
    for name, pgid in groups.items():
        if name in through_leader:
            _signal_pid(pgid, through_leader[name])
        else:
            _signal_group(pgid, signal.SIGTERM)
    started = time.monotonic()
    deadline = started + grace_s
    while time.monotonic() < deadline and any(group_members(g) for g in groups.values()):
        for name in list(through_leader):
            members = group_members(groups[name])
            if groups[name] not in members or time.monotonic() - started > grace_s / 2:
                _signal_group(groups[name], signal.SIGTERM)
                del through_leader[name]
        time.sleep(0.5)
    for name, pgid in groups.items():
        left = group_members(pgid)
        if left:
            who = ", ".join(_describe(pid) for pid in left)
            _signal_group(pgid, signal.SIGKILL)
            report.append(f"{name}: killed {len(left)} process(es) after {grace_s:.0f}s: {who}")
        else:
            report.append(f"{name}: stopped")
    # SIGKILL is delivered asynchronously: let the groups empty before looking for strays.
    _wait_gone(lambda: [pid for g in groups.values() for pid in group_members(g)], 10.0)
    launch_path = run_dir / LAUNCH_FILE
    if launch_path.exists():
        launch = launch_path.read_text().strip()
        strays = marked_processes(launch)
        for pid in strays:
            _signal_pid(pid, signal.SIGTERM)
        if strays:
            _wait_gone(lambda: marked_processes(launch), grace_s)
            for pid in marked_processes(launch):
                _signal_pid(pid, signal.SIGKILL)
            report.append(f"strays outside the groups: ended {len(strays)}")
        _wait_gone(lambda: marked_processes(launch), 10.0)
        survivors = marked_processes(launch)
        if survivors:
            raise LaunchError(f"processes survived SIGKILL: {survivors}")
    left = [pid for g in groups.values() for pid in group_members(g)]
    if left:
        raise LaunchError(f"processes survived SIGKILL: {left}")
    for pid_path in run_dir.glob("*.pid"):
        pid_path.unlink()
    return report


def _describe(pid: int) -> str:
    """`pid command…` for a report line; the command shortened, as ps shows it."""
    try:
        command = " ".join(psutil.Process(pid).cmdline()) or psutil.Process(pid).name()
    except psutil.Error:
        command = "?"
    return f"{pid} {command[:60].strip()}"


def _wait_gone(members: Callable[[], list[int]], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while members() and time.monotonic() < deadline:
        time.sleep(0.2)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _signal_pid(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)
