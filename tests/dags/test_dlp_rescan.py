"""dlp_rescan end to end with `dag.test()`: new rules over the stored lake, then rebuild and
publish; the `findings_changes` mart shows exactly what the new rules added and removed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tests.e2e.checks import files_containing
from tests.e2e.test_rescan import RULES, findings
from tests.fixtures.airflow import dag_test
from tests.fixtures.simulator import ANCHOR
from tests.fixtures.warehouse import DAYS, Published, copy_home

pytestmark = pytest.mark.slow


def test_a_rescan_with_new_rules_rebuilds_and_reports_exactly_what_changed(
    airflow_home: Path, published: Published, tmp_path: Path
) -> None:
    home = copy_home(published, tmp_path / "home")
    db = home / "warehouse" / "compliance.duckdb"
    before = findings(db)
    assert any(detector == "email" for detector, _ in before.values())
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    env = {"CLAUDE_COMPLIANCE_HOME": str(home), "CLAUDE_COMPLIANCE_RULES": str(rules)}
    start, end = ANCHOR - timedelta(days=DAYS), ANCHOR
    conf = {"start": start.isoformat(), "end": end.isoformat()}

    run, output = dag_test(
        airflow_home, "dlp_rescan", f"{ANCHOR}T06:00:00", {**env, **published.env}, conf
    )
    assert run["state"] == "success", output[-4000:]
    tasks = run["tasks"]
    assert tasks == {
        "list_intervals": "success",
        **{f"rescan[{i}]": "success" for i in range(DAYS)},  # one per synced day of the key
        "dbt_build": "success",
        "publish": "success",
    }, output[-4000:]

    after = findings(db)
    old_version = {v for _, v in before.values()}
    new_version = {v for _, v in after.values()}
    assert len(old_version) == len(new_version) == 1 and old_version != new_version
    assert not any(detector == "email" for detector, _ in after.values())
    assert any(detector == "acme-worker-restart" for detector, _ in after.values())
    with duckdb.connect(str(db), read_only=True) as con:
        changes = con.execute(
            "select change, finding_id, from_ruleset_version, to_ruleset_version "
            "from findings_changes"
        ).fetchall()
    added = {fid for change, fid, _, _ in changes if change == "added"}
    removed = {fid for change, fid, _, _ in changes if change == "removed"}
    assert added and removed
    assert added == set(after) - set(before) and removed == set(before) - set(after)
    assert {(f, t) for _, _, f, t in changes} == {(old_version.pop(), new_version.pop())}

    # Nothing planted, nor the Compliance key, reaches the task logs or the output.
    for value in (*published.planted, published.compliance_key):
        assert value not in output
    assert files_containing(airflow_home, published.compliance_key) == []
