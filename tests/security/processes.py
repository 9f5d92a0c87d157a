"""Real child processes for the concurrency tests: Python code run with this test's path."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def python(code: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`python -c code` (dedented) in a child process, stdout and stderr piped as text."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
