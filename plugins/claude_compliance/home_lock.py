"""One writer per home: an exclusive file lock (`fcntl.flock`) on `$CLAUDE_COMPLIANCE_HOME/
.writer.lock`, held by `run`, `rescan` and the dbt build and publish (the DAG's writer tasks
call the same pipeline functions), so two of them never rebuild or publish one warehouse at
once.

The lock file also says who holds it (pid, host, command, since when), so a second writer
waits up to `CLAUDE_COMPLIANCE_LOCK_TIMEOUT_S` and then refuses with a message naming the
holder. The kernel drops the lock when its process dies, however it dies: no stale lock is
ever left to clean by hand. Within one thread the lock is re-entrant, so `run` can hold it
around the build and publish that take it again.

Extract and scan do not take it: each writes only its own key × interval files, atomically,
and concurrent writers of one file are safe (`lake.fs`). A `flock` binds the processes of
one host (and of hosts sharing an NFS home with working locks); several hosts writing one
object-storage lake rely on Airflow's `duckdb_writer` pool instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

LOCK_NAME = ".writer.lock"

_held = threading.local()


class HomeBusy(RuntimeError):
    """Another writer holds the home; the message names it."""


def holder_of(home: Path) -> str:
    """Who holds (or last held) the home's writer lock, in words."""
    try:
        info = json.loads((home / LOCK_NAME).read_text() or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "another process"
    return (
        f"pid {info.get('pid')} on {info.get('host')} ({info.get('command')}, "
        f"since {info.get('since')})"
    )


@contextlib.contextmanager
def writer_lock(
    home: Path,
    command: str,
    *,
    timeout_s: float,
    poll_s: float = 0.2,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the home's writer lock for the block: wait up to `timeout_s` for another holder
    (telling `on_wait` once), then raise `HomeBusy` naming it."""
    path = home / LOCK_NAME
    depths: dict[str, int] = _held.__dict__.setdefault("depths", {})
    key = str(path.resolve())
    if depths.get(key):
        depths[key] += 1
        try:
            yield
        finally:
            depths[key] -= 1
        return
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(fd, home, timeout_s, poll_s, on_wait)
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": command,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        depths[key] = 1
        try:
            yield
        finally:
            depths[key] = 0
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _acquire(
    fd: int,
    home: Path,
    timeout_s: float,
    poll_s: float,
    on_wait: Callable[[str], None] | None,
) -> None:
    deadline = time.monotonic() + timeout_s
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = holder_of(home)
            if time.monotonic() >= deadline:
                raise HomeBusy(
                    f"{home} is being written by {holder}; waited {timeout_s:g} s "
                    "(CLAUDE_COMPLIANCE_LOCK_TIMEOUT_S). Let it finish, or stop it, then "
                    "try again."
                ) from None
            if on_wait is not None and not told:
                on_wait(f"waiting up to {timeout_s:g} s for the home's writer: {holder}")
                told = True
            time.sleep(poll_s)
