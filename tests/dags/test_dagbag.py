"""The DAG files import cleanly, without network or heavy imports at parse time, and carry
Airflow's safety nets: a timeout on every task, retries only where a retry can help, mapped
tasks named by their key, the published warehouse as an Asset, a rescheduling sync-wait."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.airflow import REPO, airflow_env
from tests.fixtures.scripts import SCRIPTS

pytestmark = pytest.mark.slow

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
        [sys.executable, str(SCRIPTS / "dagbag_report.py")],
        env=airflow_env(tmp_path / "airflow"),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["errors"] == {}
    assert result["dags"] == ["compliance_report", "compliance_sync", "dlp_rescan"]
    # One DAG per file, named after it: a DAG added to dags/ must be added above too.
    dag_files = sorted((REPO / "dags").glob("*.py"))
    assert {d: Path(f).resolve() for d, f in result["files"].items()} == {
        p.stem: p.resolve() for p in dag_files
    }
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
