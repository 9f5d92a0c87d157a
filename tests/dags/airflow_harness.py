"""Runs Airflow in a child process with its own AIRFLOW_HOME (SQLite), as a user would.

Airflow reads its configuration at import, so each test environment gets a fresh process:
`airflow db migrate` once per session, then one script per DAG run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def airflow_env(airflow_home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(airflow_home / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        }
    )
    env.update(extra or {})
    return env


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def migrate(airflow_home: Path) -> None:
    airflow_home.mkdir(parents=True, exist_ok=True)
    env = airflow_env(airflow_home)
    subprocess.run([airflow_bin(), "db", "migrate"], env=env, check=True, capture_output=True)
    for pool, slots in (("compliance_api", "4"), ("duckdb_writer", "1")):
        subprocess.run(
            [airflow_bin(), "pools", "set", pool, slots, f"{pool} (tests)"],
            env=env,
            check=True,
            capture_output=True,
        )


RUN_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from datetime import datetime, timezone
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag()
    if bag.import_errors:
        print(json.dumps({"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}}))
        sys.exit(3)
    dag = bag.get_dag(sys.argv[1])
    logical = datetime.fromisoformat(sys.argv[2]).replace(tzinfo=timezone.utc)
    run = dag.test(logical_date=logical)
    tis = {ti.task_id + (f"[{ti.map_index}]" if ti.map_index >= 0 else ""): str(ti.state)
           for ti in run.get_task_instances()}
    print("DAGRUN " + json.dumps({"state": str(run.state), "tasks": tis,
          "start": run.data_interval_start.isoformat(), "end": run.data_interval_end.isoformat()}))
    """
)


def dag_test(
    airflow_home: Path, dag_id: str, logical_date: str, extra_env: dict[str, str]
) -> tuple[dict[str, object], str]:
    """Run `dag.test()` in a child process; returns the run's summary and the whole output."""
    proc = subprocess.run(
        [sys.executable, "-c", RUN_SCRIPT, dag_id, logical_date],
        env=airflow_env(airflow_home, extra_env),
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = proc.stdout + proc.stderr
    for line in proc.stdout.splitlines():
        if line.startswith("DAGRUN "):
            return json.loads(line[len("DAGRUN ") :]), output
    raise AssertionError(f"dag.test did not finish (exit {proc.returncode}):\n{output[-5000:]}")
