"""`make up` end to end: Airflow standalone, one compliance_sync interval over REST, `make down`.

The launcher (`python -m deploy.local`, what `make up` / `make down` run) starts Airflow
standalone and the Compliance API simulator in their own process groups; the run goes through
the REST API as an operator's would; `down` must leave no process of the launch behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from deploy.airflow_api import AirflowAPI
from deploy.compose import REPO
from deploy.local import Layout
from deploy.processes import group_members
from tests.deploy.support import (
    free_port,
    live_processes_of_launch,
    port_is_open,
    processes_titled,
)

pytestmark = pytest.mark.slow


def launcher(state_dir: Path, *args: str, env: dict[str, str], timeout: float) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "deploy.local", "--state-dir", str(state_dir), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"deploy.local {args[0]} exited {proc.returncode}:\n{output}"
    return output


@pytest.fixture
def local_env(tmp_path: Path) -> dict[str, str]:
    """A clean environment: no Airflow or Compliance settings leak in from the caller."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AIRFLOW", "CLAUDE_COMPLIANCE_", "_CLAUDE_COMPLIANCE"))
    }
    env["CLAUDE_COMPLIANCE_HOME"] = str(tmp_path / "home")
    # Log servers of the scheduler and triggerer: free ports, so parallel runs never collide.
    env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(free_port())
    env["AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"] = str(free_port())
    return env


@pytest.fixture
def deployment(tmp_path: Path, local_env: dict[str, str]) -> Iterator[dict[str, object]]:
    state_dir = tmp_path / "local"
    port, sim_port = free_port(), free_port()
    try:
        output = launcher(
            state_dir,
            "up",
            "--port",
            str(port),
            "--simulator",
            "--simulator-port",
            str(sim_port),
            "--simulator-seed",
            "5",
            "--simulator-users",
            "20",
            "--simulator-days",
            "2",
            "--no-dashboard",
            "--timeout",
            "300",
            env=local_env,
            timeout=600,
        )
        yield {"state_dir": state_dir, "port": port, "sim_port": sim_port, "up": output}
    finally:
        subprocess.run(
            [sys.executable, "-m", "deploy.local", "--state-dir", str(state_dir), "down"],
            cwd=REPO,
            env=local_env,
            capture_output=True,
            timeout=180,
            check=False,
        )


def test_make_up_runs_one_interval_over_rest_and_make_down_leaves_nothing(
    deployment: dict[str, object], local_env: dict[str, str], tmp_path: Path
) -> None:
    state_dir = deployment["state_dir"]
    assert isinstance(state_dir, Path)
    layout = Layout(state_dir)
    port, sim_port = int(str(deployment["port"])), int(str(deployment["sim_port"]))
    base_url = f"http://127.0.0.1:{port}"
    assert f"Airflow      {base_url}" in str(deployment["up"])
    launch = (layout.run_dir / "launch-id").read_text().strip()
    pgids = {p.stem: int(p.read_text()) for p in layout.run_dir.glob("*.pid")}
    assert set(pgids) == {"airflow-standalone", "simulator"}
    standalone = group_members(pgids["airflow-standalone"])
    assert len(standalone) >= 5, "standalone, scheduler, dag-processor, api-server, triggerer"

    password = json.loads(layout.password_file.read_text())["admin"]
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = today - timedelta(days=1), today
    published = Path(local_env["CLAUDE_COMPLIANCE_HOME"]) / "warehouse" / "compliance.duckdb"
    assert not published.exists()

    with AirflowAPI.login(base_url, "admin", password) as api:
        dag = api.wait_for_dag("compliance_sync", timeout_s=180)
        assert dag["is_paused"] is True, "a new deployment must wait for an operator"
        pools = {p["name"]: p["slots"] for p in api.call("GET", "/pools")["pools"]}
        assert pools["compliance_api"] == 4 and pools["duckdb_writer"] == 1
        run = api.trigger("compliance_sync", start, end, run_id="make_up_test")
        assert run["data_interval_start"].startswith(start.date().isoformat())
        api.set_paused("compliance_sync", False)
        finished = api.wait_for_runs("compliance_sync", {"make_up_test"}, timeout_s=600)
        tis = api.task_instances("compliance_sync", "make_up_test")
        states = {(t["task_id"], t["map_index"]): t["state"] for t in tis}
        assert finished["make_up_test"]["state"] == "success", states
        assert states and set(states.values()) == {"success"}, states
        pools_used = {t["task_id"].rsplit(".", 1)[-1]: t["pool"] for t in tis}
        assert pools_used["extract"] == "compliance_api"
        assert pools_used["dbt_build"] == pools_used["publish"] == "duckdb_writer"
        # Unpausing did not add a scheduled run: the manual run holds the latest interval.
        assert [r["dag_run_id"] for r in api.runs("compliance_sync")] == ["make_up_test"]

    assert published.exists()
    with duckdb.connect(str(published), read_only=True) as con:
        days = con.execute(
            "select cast(occurred_at as date), count(*) from scanned_inputs "
            "where source in ('chat_message', 'chat_file') group by 1"
        ).fetchall()
        findings = con.execute("select count(*) from findings").fetchone()
    assert [day for day, _ in days] == [start.date()], days
    assert sum(n for _, n in days) > 0 and findings is not None and findings[0] > 0

    output = launcher(state_dir, "down", env=local_env, timeout=180)
    assert "airflow-standalone: stopped" in output and "simulator: stopped" in output
    assert live_processes_of_launch(launch) == []
    assert processes_titled(f"port:{port}") == [], "the api-server retitles itself"
    assert all(group_members(pgid) == [] for pgid in pgids.values())
    assert not port_is_open("127.0.0.1", port) and not port_is_open("127.0.0.1", sim_port)
    assert list(layout.run_dir.glob("*.pid")) == []
