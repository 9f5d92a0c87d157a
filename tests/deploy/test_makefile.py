"""`make up` / `make down` run the launcher that tests/deploy/test_make_up.py exercises."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from deploy.compose import REPO


def dry_run(*args: str) -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # Under `make test` the outer make's MAKEFLAGS/MAKELEVEL would add "Entering directory"
    # lines; the dry run must read as an operator's own `make -n`.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    proc = subprocess.run(
        ["make", "--no-print-directory", "-n", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return proc.stdout.strip().splitlines()


def test_make_up_starts_the_local_launcher() -> None:
    assert dry_run("up")[-1] == ".venv/bin/python -m deploy.local up"
    assert dry_run("up", "SIMULATOR=1", "UP_ARGS=--port 8081")[-1] == (
        ".venv/bin/python -m deploy.local up --simulator --port 8081"
    )


def test_make_down_stops_it_without_installing_anything() -> None:
    lines = dry_run("down")
    assert len(lines) == 1 and "-m deploy.local down" in lines[0]
