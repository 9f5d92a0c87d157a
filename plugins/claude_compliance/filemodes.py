"""File modes of the home: everything owner-only, save a published warehouse shared on purpose.

One policy, applied in two places rather than by a chmod per writer: loading the settings
sets the process umask to 0077, so every file this process and its children (dbt, DuckDB,
SQLite with its -wal/-shm, Chromium) create is 0600 and every folder 0700; and the home's
folders are (re)made with their mode, so an older, looser home is closed too. The published
warehouse alone may be group-readable, by `CLAUDE_COMPLIANCE_WAREHOUSE_GROUP_READ`.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# A shared warehouse: the group may pass through the home (not list it), list the warehouse
# folder and read the published file; every other file stays 0600.
SHARED_HOME = 0o710
SHARED_DIR = 0o750
SHARED_FILE = 0o640


def restrict_umask() -> None:
    """Make files created from now on owner-only (keeping any stricter bits already set)."""
    previous = os.umask(PRIVATE_UMASK)
    if previous | PRIVATE_UMASK != PRIVATE_UMASK:
        os.umask(previous | PRIVATE_UMASK)


def ensure_dir(path: Path, mode: int = PRIVATE_DIR) -> None:
    """Create `path` (and parents) with `mode`, and bring an existing one to `mode`."""
    path.mkdir(parents=True, exist_ok=True, mode=mode)
    current = stat.S_IMODE(path.stat().st_mode)
    if current != mode:
        try:
            path.chmod(mode)
        except OSError as exc:  # not ours, or a read-only mount (the dashboard's): say so
            log.warning(
                "%s has mode %o and cannot be changed to %o: %s", path, current, mode, exc.strerror
            )


def published_file_mode(group_readable: bool) -> int:
    return SHARED_FILE if group_readable else PRIVATE_FILE
