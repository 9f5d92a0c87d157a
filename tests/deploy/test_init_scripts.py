"""The compose init scripts: PostgreSQL's first start, and airflow-init's input checks."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess

import pytest

from deploy.compose import REPO
from tests.deploy.support import PG_HOST, PG_PORT, PG_USER, drop_database, port_is_open

POSTGRES_INIT = REPO / "deploy" / "postgres" / "10-databases.sh"
AIRFLOW_INIT = REPO / "deploy" / "airflow-init.sh"


@pytest.mark.postgres
def test_postgres_init_creates_two_databases_each_owned_by_its_role() -> None:
    if not port_is_open(PG_HOST, PG_PORT):
        pytest.skip(f"needs PostgreSQL on {PG_HOST}:{PG_PORT} (start it with .ci/run)")
    if shutil.which("psql") is None:
        pytest.skip("needs the psql client, as the postgres image has")
    import psycopg2

    suffix = secrets.token_hex(4)
    names = {"airflow": f"cc_airflow_{suffix}", "state": f"cc_state_{suffix}"}
    env = {
        "PATH": os.environ["PATH"],
        "PGHOST": PG_HOST,
        "PGPORT": str(PG_PORT),
        "POSTGRES_USER": PG_USER,
        "AIRFLOW_DB_PASSWORD": "a1" + suffix,
        "CLAUDE_COMPLIANCE_DB_PASSWORD": "c1" + suffix,
        "AIRFLOW_DB_NAME": names["airflow"],
        "CLAUDE_COMPLIANCE_DB_NAME": names["state"],
    }
    admin = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    admin.autocommit = True
    try:
        proc = subprocess.run(
            ["bash", str(POSTGRES_INIT)], env=env, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        with admin.cursor() as cur:
            cur.execute(
                "select d.datname, r.rolname, r.rolcanlogin, a.rolpassword like 'SCRAM-SHA-256$%%' "
                "from pg_database d join pg_roles r on r.oid = d.datdba "
                "join pg_authid a on a.oid = r.oid where d.datname = any(%s)",
                (list(names.values()),),
            )
            rows = sorted(cur.fetchall())
        assert rows == sorted((name, name, True, True) for name in names.values())
        for name in names.values():
            owner = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=name, dbname=name)
            try:
                with owner.cursor() as cur:
                    cur.execute("create table probe (id int)")
                    cur.execute("select count(*) from probe")
                    assert cur.fetchone() == (0,)
            finally:
                owner.close()
        again = subprocess.run(
            ["bash", str(POSTGRES_INIT)], env=env, capture_output=True, text=True, timeout=60
        )
        assert again.returncode != 0 and "already exists" in again.stderr
    finally:
        for name in names.values():
            drop_database(name)
            with admin.cursor() as cur:
                cur.execute(f'drop role if exists "{name}"')
        admin.close()


def test_postgres_init_refuses_to_run_without_passwords() -> None:
    proc = subprocess.run(
        ["bash", str(POSTGRES_INIT)],
        env={"PATH": os.environ["PATH"], "AIRFLOW_DB_PASSWORD": "x"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode != 0
    assert "CLAUDE_COMPLIANCE_DB_PASSWORD is required" in proc.stderr


@pytest.mark.parametrize("slots", ["0", "-1", "four", "4 "])
def test_airflow_init_rejects_a_bad_pool_size_before_touching_anything(slots: str) -> None:
    proc = subprocess.run(
        ["bash", str(AIRFLOW_INIT)],
        env={"PATH": "/usr/bin:/bin", "CLAUDE_COMPLIANCE_API_POOL_SLOTS": slots},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2, proc.stderr
    assert "CLAUDE_COMPLIANCE_API_POOL_SLOTS must be a positive integer" in proc.stderr
