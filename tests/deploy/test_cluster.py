"""Scale-out without Docker: the compose file's Airflow services on the machine's PostgreSQL
and Redis (tests/deploy/cluster.py), two Celery workers, compliance_sync over three intervals
against the simulator.

Shows that (1) every process runs with the environment docker-compose.yaml gives its
container, host-specific values aside; (2) the tasks spread over both workers, by Celery's
own account (each worker's log of the task ids it received, joined with the task instances'
Celery ids in the metadata DB); (3) the pools hold across workers (the DuckDB writer tasks
never overlap); (4) the published warehouse equals what a single-machine run produces.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import psutil
import pytest
from cryptography.fernet import Fernet

from deploy import processes
from deploy.airflow_api import AirflowAPI
from deploy.local import Layout
from deploy.processes import LAUNCH_VAR, group_members
from tests.deploy import cluster
from tests.deploy.support import (
    RedisQueue,
    free_port,
    live_processes_of_launch,
    operator_env,
    pg_url,
    port_is_open,
    processes_titled,
    require_postgres_and_redis,
    throwaway_databases,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

DAYS = 3
# Processing times and the API's request ids: the only columns two runs may disagree on.
VOLATILE = frozenset({"synced_at", "scanned_at", "started_at", "finished_at", "last_request_id"})


@pytest.fixture
def services() -> Iterator[dict[str, Any]]:
    require_postgres_and_redis()
    queue = RedisQueue(db=int.from_bytes(os.urandom(1)) % 15 + 1, name=f"cc-{os.urandom(4).hex()}")
    with throwaway_databases("cc_airflow", "cc_state") as (airflow_db, state_db):
        try:
            yield {"airflow_db": airflow_db, "state_db": state_db, "queue": queue}
        finally:
            queue.delete()


@pytest.fixture
def sim_server():  # type: ignore[no-untyped-def]
    from compliance_simulator import SimConfig, Simulator, serve

    today = datetime.now(UTC).date()
    sim = Simulator(SimConfig(seed=5, users=12, days=DAYS, anchor=today))
    with serve(sim, host="127.0.0.1", port=0) as server:
        yield server


def table_rows(path: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every published table (not staging views or intermediates): columns and sorted rows."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main' "
                "and table_name not like 'stg\\_%' escape '\\' "
                "and table_name not like 'int\\_%' escape '\\' order by 1"
            ).fetchall()
        ]
        result = {}
        for name in names:
            columns = [c for (c, *_) in con.execute(f'describe "{name}"').fetchall()]
            kept = [c for c in columns if c not in VOLATILE]
            select = ", ".join(f'"{c}"' for c in kept)
            rows = con.execute(f'select {select} from "{name}"').fetchall()
            result[name] = (kept, sorted(rows, key=repr))
    return result


def test_two_celery_workers_share_the_runs_and_publish_the_single_machine_warehouse(
    tmp_path: Path,
    services: dict[str, Any],
    sim_server: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from claude_compliance.keys.commands import register_key
    from claude_compliance.pipeline import run_range
    from claude_compliance.settings import Settings

    state_dir, home = tmp_path / "cluster", tmp_path / "home"
    queue: RedisQueue = services["queue"]
    airflow_db, state_db = pg_url(services["airflow_db"]), pg_url(services["state_db"])
    port = free_port()
    # The operator's .env, sized for two cores: 4 task slots, 2 per worker.
    variables = operator_env()
    variables.update(
        {
            "CLAUDE_COMPLIANCE_MASTER_KEY": Fernet.generate_key().decode(),
            "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
            "CLAUDE_COMPLIANCE_API_URL": sim_server.url,
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
        }
    )
    # The master key reaches the services as compose's `master_key` secret: a file.
    secret = tmp_path / "master_key"
    secret.write_text(variables["CLAUDE_COMPLIANCE_MASTER_KEY"] + "\n")
    secret.chmod(0o600)
    variables["CLAUDE_COMPLIANCE_MASTER_KEY_SECRET_FILE"] = str(secret)

    # The key goes into the shared state DB, encrypted with the deployment's master key.
    for name in ("CLAUDE_COMPLIANCE_MASTER_KEY", "CLAUDE_COMPLIANCE_FINGERPRINT_KEY"):
        monkeypatch.setenv(name, variables[name])
    monkeypatch.setenv("CLAUDE_COMPLIANCE_HOME", str(home))
    monkeypatch.setenv("CLAUDE_COMPLIANCE_STATE_DB", state_db)
    monkeypatch.setenv("CLAUDE_COMPLIANCE_API_URL", sim_server.url)
    settings = Settings.load()
    register_key(settings, sim_server.sim.keys.compliance, "scale-out test", "test")

    layout = Layout(state_dir)
    host = cluster.HostConfig(
        airflow_db=airflow_db,
        state_db=state_db,
        broker=queue.url,
        home=home,
        port=port,
        master_key_file=secret,
        queue=queue.name,
        tag=processes.launch_id(layout.run_dir)[:6],
    )
    try:
        # The test's own environment, monkeypatched settings included: the services must
        # take theirs from the compose file and `variables` alone.
        started = cluster.up(host, layout, variables, os.environ, workers=2)
        print(", ".join(f"{stage} {seconds:.0f}s" for stage, seconds in started.timings.items()))
        launch = (layout.run_dir / "launch-id").read_text().strip()
        pgids = {p.stem: int(p.read_text()) for p in layout.run_dir.glob("*.pid")}
        assert set(pgids) == {
            "airflow-apiserver",
            "airflow-scheduler",
            "airflow-dag-processor",
            "airflow-triggerer",
            "airflow-worker-1",
            "airflow-worker-2",
        }

        # (1) The settings of docker-compose.yaml, host-specific values aside. Read from
        # /proc, where every process that has not retitled itself (setproctitle overwrites
        # the environ /proc shows; the api-server and Celery's pool do) carries the mark.
        compose_envs = cluster.compose_environments(variables)
        allowed = cluster.HOST_SPECIFIC | cluster.HOST_ONLY
        checked = set()
        for name, pgid in pgids.items():
            service = name.rsplit("-", 1)[0] if name.startswith("airflow-worker") else name
            # The one compose setting replaced here: FAB (in the image) is not installed.
            assert set(compose_envs[service]) & cluster.HOST_ONLY == {"AIRFLOW__CORE__AUTH_MANAGER"}
            expected = {
                k: v for k, v in compose_envs[service].items() if k not in cluster.HOST_ONLY
            }
            assert len(expected) > 30
            for pid in group_members(pgid):
                actual = psutil.Process(pid).environ()
                if actual.get(LAUNCH_VAR) != launch:
                    continue
                checked.add(name)
                assert {k: actual.get(k) for k in expected} == expected, name
                extra = {
                    k
                    for k in actual
                    if k.startswith(("AIRFLOW", "CLAUDE_COMPLIANCE_")) and k not in expected
                }
                assert extra <= allowed, (name, sorted(extra - allowed))
                if importlib.util.find_spec("airflow.providers.fab") is not None:
                    assert (
                        actual["AIRFLOW__CORE__AUTH_MANAGER"]
                        == (compose_envs[service]["AIRFLOW__CORE__AUTH_MANAGER"])
                    )
        assert checked == set(pgids) - {"airflow-apiserver"}, checked
        assert compose_envs["airflow-worker"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"

        # Three intervals [today - 3, today) as one backfill, through the REST API.
        password = json.loads(layout.password_file.read_text())["admin"]
        end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        start = end - timedelta(days=DAYS)
        with AirflowAPI.login(f"http://127.0.0.1:{port}", "admin", password) as api:
            api.wait_for_dag("compliance_sync", timeout_s=180)
            api.backfill("compliance_sync", start, end - timedelta(days=1))
            api.set_paused("compliance_sync", False)
            runs = api.runs("compliance_sync")
            intervals = sorted(r["data_interval_start"][:10] for r in runs)
            assert intervals == [
                (start + timedelta(days=d)).date().isoformat() for d in range(DAYS)
            ]
            done = api.wait_for_runs(
                "compliance_sync", {r["dag_run_id"] for r in runs}, timeout_s=900
            )
            tis = [t for run_id in done for t in api.task_instances("compliance_sync", run_id)]
            states = {(t["dag_run_id"], t["task_id"], t["map_index"]): t["state"] for t in tis}
            assert {r["state"] for r in done.values()} == {"success"}, states
            assert set(states.values()) == {"success"}, states

        # (2) Both workers ran tasks, by Celery's account.
        received = cluster.received_by_worker(layout, started.workers)
        import psycopg2

        conn = psycopg2.connect(services_dsn(services["airflow_db"]))
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "select run_id, task_id, map_index, external_executor_id from task_instance "
                    "where dag_id = 'compliance_sync'"
                )
                celery_ids = {(r, t, m): e for r, t, m, e in cur.fetchall()}
        finally:
            conn.close()
        assert len(celery_ids) == len(tis) and all(celery_ids.values())
        ran_on: dict[str, list[str]] = {worker: [] for worker in received}
        for (run_id, task_id, _), celery_id in sorted(celery_ids.items()):
            workers = [w for w, ids in received.items() if celery_id in ids]
            assert len(workers) == 1, (task_id, celery_id, workers)
            ran_on[workers[0]].append(f"{run_id[-25:-15]}:{task_id}")
        for worker, tasks in ran_on.items():
            print(f"{worker}: {len(tasks)} task(s): {', '.join(tasks)}")
        assert len(ran_on) == 2 and all(ran_on.values()), ran_on

        # (3) The one-slot pool held across workers: dbt build and publish never overlap.
        writer = sorted(
            (datetime.fromisoformat(t["start_date"]), datetime.fromisoformat(t["end_date"]))
            for t in tis
            if t["pool"] == "duckdb_writer"
        )
        assert len(writer) == 2 * DAYS
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(writer))

        # (4) The same warehouse as one process running the same intervals.
        published = table_rows(home / "warehouse" / "compliance.duckdb")
        single = dataclasses.replace(settings, home=tmp_path / "single-home")
        single.ensure_dirs()
        run_range(single, start.date(), end.date())
        single_rows = table_rows(single.published_db_path)
        assert sorted(published) == sorted(single_rows)
        assert {"findings", "scanned_inputs", "sync_ledger"} <= set(published)
        assert len(published["findings"][1]) > 0 and len(published["scanned_inputs"][1]) > 0
        differing = [name for name in single_rows if published[name] != single_rows[name]]
        assert differing == []

        print(processes.stop_all(layout.run_dir, grace_s=60.0))
        assert live_processes_of_launch(launch) == []
        assert all(group_members(pgid) == [] for pgid in pgids.values())
        # Retitled processes carry no readable mark: look for their titles too.
        assert processes_titled(f"port:{port}") == [] and processes_titled(f".{launch[:6]}@") == []
        assert not port_is_open("127.0.0.1", port)
    finally:
        processes.stop_all(layout.run_dir, grace_s=60.0)


def services_dsn(database: str) -> str:
    return pg_url(database, driver="postgresql")
