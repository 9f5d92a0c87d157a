"""The Airflow plugin: Airflow's own plugin loader mounts the dashboard under /compliance on
its API server app, and every route there refuses unauthenticated requests."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.dags.airflow_harness import REPO, airflow_env

pytestmark = pytest.mark.slow

SCRIPT = textwrap.dedent(
    """
    import json, re, sys
    import compliance_ui  # what Airflow's loader imports first: it must stay light
    heavy = [m for m in ("fastapi", "claude_compliance.web.app", "duckdb") if m in sys.modules]
    from fastapi import FastAPI
    from fastapi.routing import APIRoute
    from fastapi.testclient import TestClient
    from airflow import plugins_manager
    from airflow.api_fastapi.app import init_plugins

    apps, _ = plugins_manager.get_fastapi_plugins()
    views, _ = plugins_manager._get_ui_plugins()
    host = FastAPI()
    init_plugins(host)
    client = TestClient(host, follow_redirects=False)
    login = client.get("/compliance/login")
    from claude_compliance.web.app import create_app
    results = []
    for route in create_app().routes:
        if not isinstance(route, APIRoute):
            continue
        path = re.sub(r"\\{\\w+\\}", "x", route.path)
        for method in sorted(route.methods):
            r = client.request(method, "/compliance" + path)
            results.append([method, path, r.status_code, r.headers.get("location", "")])
    print("RESULT " + json.dumps({
        "heavy": heavy, "prefixes": [a["url_prefix"] for a in apps],
        "views": views,
        "login": login.status_code, "login_action": 'action="/compliance/login"' in login.text,
        "routes": results}))
    """
)


def test_airflow_mounts_the_dashboard_and_it_refuses_anonymous_requests(tmp_path: Path) -> None:
    home = tmp_path / "compliance"
    env = airflow_env(tmp_path / "airflow", {"CLAUDE_COMPLIANCE_HOME": str(home)})
    env["PYTHONPATH"] = str(REPO / "plugins")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
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
