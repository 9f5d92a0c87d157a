"""The Airflow plugin: Airflow's own plugin loader mounts the dashboard under /compliance on
its API server app, and every route there refuses unauthenticated requests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.airflow import REPO, airflow_env
from tests.fixtures.scripts import SCRIPTS

pytestmark = pytest.mark.slow


def test_airflow_mounts_the_dashboard_and_it_refuses_anonymous_requests(tmp_path: Path) -> None:
    home = tmp_path / "compliance"
    env = airflow_env(tmp_path / "airflow", {"CLAUDE_COMPLIANCE_HOME": str(home)})
    env["PYTHONPATH"] = str(REPO / "plugins")
    proc = subprocess.run(
        [sys.executable, str(SCRIPTS / "airflow_plugin_probe.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line is not None, proc.stdout[-2000:] + proc.stderr[-4000:]
    result = json.loads(line[len("RESULT ") :])
    assert result["heavy"] == []
    assert result["prefixes"] == ["/compliance"]
    assert result["views"][0]["href"] == "/compliance/" and result["views"][0]["url_route"]
    assert result["login"] == 200 and result["login_action"]
    public = {("GET", "/login"), ("POST", "/login"), ("POST", "/api/session")}
    checked = 0
    for method, path, status, location in result["routes"]:
        if (method, path) in public:
            continue
        checked += 1
        if path.startswith("/api/"):
            assert status == 401, (method, path, status)
        else:
            assert status == 303 and location.startswith("/compliance/login"), (method, path)
    assert checked >= 30
