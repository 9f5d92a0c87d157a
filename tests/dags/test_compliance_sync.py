"""compliance_sync end to end with `dag.test()` against the simulator on loopback."""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from claude_compliance.keys.commands import register_key
from scanners import load_engine
from tests.conftest import ANCHOR
from tests.dags.airflow_harness import dag_test, migrate
from tests.e2e.checks import all_text_in_database, files_containing, recall, scanned_input_keys

pytestmark = pytest.mark.slow


@pytest.fixture
def sim():  # type: ignore[no-untyped-def]
    """A larger organization than the default, so one day holds enough planted values."""
    from claude_compliance.simulator import SimConfig, Simulator

    return Simulator(SimConfig(seed=5, users=60, days=2, anchor=ANCHOR))


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("airflow")
    migrate(path)
    return path


def test_one_interval_end_to_end_matches_the_ground_truth(
    airflow_home: Path, home: Path, settings, sim, sim_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = dataclasses.replace(settings, api_url=sim_server.url)
    register_key(settings, sim.keys.compliance, "dag test", "test")
    day_end = datetime.combine(ANCHOR, datetime.min.time(), tzinfo=UTC)
    day_start = day_end - timedelta(days=1)

    env = {
        name: os.environ[name]
        for name in (
            "CLAUDE_COMPLIANCE_HOME",
            "CLAUDE_COMPLIANCE_MASTER_KEY",
            "CLAUDE_COMPLIANCE_FINGERPRINT_KEY",
        )
    }
    env["CLAUDE_COMPLIANCE_API_URL"] = sim_server.url
    run, output = dag_test(airflow_home, "compliance_sync", day_end.isoformat()[:19], env)
    assert run["state"] == "success", output[-4000:]
    assert run["start"] == day_start.isoformat() and run["end"] == day_end.isoformat()
    assert all(state == "success" for state in run["tasks"].values()), run["tasks"]

    db = home / "warehouse" / "compliance.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        dts = con.execute(
            "select distinct cast(occurred_at as date) from scanned_inputs "
            "where source in ('chat_message', 'chat_file')"
        ).fetchall()
    assert {d for (d,) in dts} == {day_start.date()}

    truth = [dataclasses.asdict(e) for e in sim.truth()]
    in_day = [
        e
        for e in truth
        if e["source"] in ("chat_message", "chat_file")
        and day_start
        <= datetime.fromisoformat(str(e["occurred_at"]).replace("Z", "+00:00"))
        < day_end
    ]
    covered = scanned_input_keys(db)
    assert in_day and all((e["source"], e["source_id"]) in covered for e in in_day)
    expected = [e for e in truth if (e["source"], e["source_id"]) in covered]
    implemented = {d.category.value for d in load_engine(secret=b"x" * 32).detectors}
    result = recall(db, [e for e in expected if e["category"] in implemented])
    assert result.planted >= 10
    assert result.ratio >= 0.95, result.missed[:5]

    published = all_text_in_database(db)
    assert sorted({e["value"] for e in truth if e["value"] in published}) == []
    key = sim.keys.compliance
    assert files_containing(home, key) == []
    assert files_containing(airflow_home, key) == []
    assert key not in output
