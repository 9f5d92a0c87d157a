"""The DAG files import cleanly, without network or heavy imports at parse time, and carry
Airflow's safety nets: a timeout on every task, retries only where a retry can help, mapped
tasks named by their key, the published warehouse as an Asset, a rescheduling sync-wait."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.dags.airflow_harness import REPO, airflow_env

pytestmark = pytest.mark.slow

PARSE_SCRIPT = """
import socket, sys, json
def refuse(*a, **k):
    raise RuntimeError("network access at DAG parse time")
socket.socket.connect = refuse
socket.create_connection = refuse
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk.definitions.mappedoperator import MappedOperator
bag = DagBag()
heavy_modules = ("dbt", "duckdb", "re2", "scanners", "pyarrow", "claude_compliance.pipeline")
heavy = sorted(m for m in heavy_modules if m in sys.modules)
def seconds(value):
    return None if value is None else value.total_seconds()
tasks = {}
for dag_id in bag.dag_ids:
    for t in bag.dags[dag_id].tasks:
        tasks[f"{dag_id}.{t.task_id}"] = {
            "timeout": seconds(t.execution_timeout),
            "retries": t.retries,
            "backoff": t.retry_exponential_backoff,
            "mapped": isinstance(t, MappedOperator)
            or t.get_closest_mapped_task_group() is not None,
            "map_index_template": t.map_index_template,
            "outlets": sorted(a.name for a in t.outlets),
            "inlets": sorted(a.name for a in t.inlets),
            "mode": getattr(t, "mode", None),
            "sensor_timeout": getattr(t, "timeout", None),
        }
print(json.dumps({"errors": {k: str(v) for k, v in bag.import_errors.items()},
                  "dags": sorted(bag.dag_ids), "heavy": heavy, "tasks": tasks}))
"""

# Retries per task: calls to other systems retry with back-off; a step that fails the run on
# purpose, or pure computation that would fail the same way again, does not.
RETRIES = {
    "compliance_sync.list_keys": 2,
    "compliance_sync.sync_key.extract": 3,
    "compliance_sync.sync_key.scan": 0,
    "compliance_sync.dbt_build": 1,
    "compliance_sync.publish": 1,
    "compliance_sync.siem_export": 3,
    "compliance_sync.alerts": 3,
    "compliance_sync.check_keys": 0,
    # remediation after publish: policies only read and write the state DB; the others call
    # the Compliance API or a notice channel
    "compliance_sync.apply_policies": 1,
    "compliance_sync.execute_removals": 3,
    "compliance_sync.confirm_removals": 3,
    "compliance_sync.notify_users": 3,
    "dlp_rescan.list_intervals": 2,
    "dlp_rescan.rescan": 0,
    "dlp_rescan.dbt_build": 1,
    "dlp_rescan.publish": 1,
    "compliance_report.wait_for_sync": 0,
    "compliance_report.render": 1,
    "compliance_report.email": 3,
}
BACKED_OFF = {
    "compliance_sync.sync_key.extract",
    "compliance_sync.siem_export",
    "compliance_sync.alerts",
    "compliance_sync.execute_removals",
    "compliance_sync.confirm_removals",
    "compliance_sync.notify_users",
    "compliance_report.email",
}


def test_dagbag_has_no_import_errors_and_parses_offline(tmp_path: Path) -> None:
    import json

    proc = subprocess.run(
        [sys.executable, "-c", PARSE_SCRIPT],
        env=airflow_env(tmp_path / "airflow"),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["errors"] == {}
    assert result["dags"] == ["compliance_report", "compliance_sync", "dlp_rescan"]
    assert result["heavy"] == [], "DAG files must import heavy modules inside tasks"

    tasks = result["tasks"]
    assert set(tasks) == set(RETRIES)
    no_timeout = sorted(name for name, t in tasks.items() if not t["timeout"])
    assert no_timeout == [], "every task needs an execution_timeout"
    assert {name: t["retries"] for name, t in tasks.items()} == RETRIES
    assert {name for name, t in tasks.items() if t["backoff"] >= 2} == BACKED_OFF
    # A hung build must give the single duckdb_writer slot back within the hour.
    assert tasks["compliance_sync.dbt_build"]["timeout"] <= 3600
    assert tasks["dlp_rescan.dbt_build"]["timeout"] <= 3600

    mapped = {name: t["map_index_template"] for name, t in tasks.items() if t["mapped"]}
    assert set(mapped) == {
        "compliance_sync.sync_key.extract",
        "compliance_sync.sync_key.scan",
        "compliance_sync.siem_export",
        "dlp_rescan.rescan",
    }
    assert all(template and "key_id" in template for template in mapped.values()), mapped

    with_outlets = {name: t["outlets"] for name, t in tasks.items() if t["outlets"]}
    assert with_outlets == {
        "compliance_sync.publish": ["compliance_warehouse"],
        "dlp_rescan.publish": ["compliance_warehouse"],
    }
    assert tasks["compliance_report.render"]["inlets"] == ["compliance_warehouse"]

    wait = tasks["compliance_report.wait_for_sync"]
    assert wait["mode"] == "reschedule"
    assert 0 < wait["sensor_timeout"] <= 6 * 3600


def test_library_package_is_kept_out_of_the_plugin_loader() -> None:
    ignore = (REPO / "plugins" / ".airflowignore").read_text().split()
    assert "claude_compliance/" in ignore
