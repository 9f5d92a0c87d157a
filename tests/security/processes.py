"""Real child processes for the concurrency tests: a program of tests/fixtures/scripts run
with this test's import path."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.fixtures.scripts import SCRIPTS


def script(name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`python SCRIPTS/name args` in a child process, stdout and stderr piped as text."""
    return subprocess.Popen(
        [sys.executable, str(SCRIPTS / name), *args],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
