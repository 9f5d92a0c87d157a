"""Publish: only the public marts, as tables that open anywhere, with triage as of the publish.

The build file here is crafted (no dbt): a staging view over a lake path, an intermediate
table, and `main` marts with a contract's NOT NULL, laid out as dbt lays them out. The real
build is covered by tests/e2e (the published file of a simulator run, copied away).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claude_compliance import runtime
from claude_compliance.settings import Settings
from claude_compliance.state.triage import FindingRef, TriageStore
from claude_compliance.warehouse.publish import publish
from claude_compliance.web.findings import build_marks

FP = ["a" * 64, "b" * 64, "c" * 64, "d" * 64]
FINDINGS = [
    # finding_id, detector, user_id, fingerprint
    ("f1", "email", "user_1", FP[0]),  # resolved by ann
    ("f2", "email", "user_1", FP[1]),  # suppressed: email for user_1 (and open)
    ("f3", "ssn", "user_2", FP[2]),  # suppressed by value, and marked a false positive
    ("f4", "ssn", "user_2", FP[3]),  # untouched: open, not suppressed
    ("f5", "email", "user_2", FP[0]),  # same value as f1: hidden by no rule, open
]


def craft_build(settings: Settings) -> None:
    lake = settings.home / "lake" / "raw" / "users" / "key=k1" / "dt=2026-11-19"
    lake.mkdir(parents=True)
    pq.write_table(pa.table({"user_id": ["user_1"]}), lake / "part-0.parquet")
    with duckdb.connect(str(settings.build_db_path)) as con:
        con.execute("create schema staging; create schema intermediate")
        con.execute(
            "create view staging.stg_users as select * from read_parquet("
            f"'{settings.home}/lake/raw/users/*/*/*.parquet', hive_partitioning = true)"
        )
        con.execute("create table intermediate.int_users as select * from staging.stg_users")
        con.execute(
            "create table main.findings (finding_id varchar not null, detector varchar, "
            "user_id varchar, fingerprint varchar, triage_status varchar, "
            "triage_decided_by varchar, triage_decided_at timestamptz, is_suppressed boolean, "
            "suppression_id bigint)"
        )
        con.executemany(
            "insert into main.findings (finding_id, detector, user_id, fingerprint) "
            "values (?, ?, ?, ?)",
            FINDINGS,
        )
        con.execute("create table main.users as select * from intermediate.int_users")


def published_findings(path: Path) -> dict[str, tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select finding_id, triage_status, triage_decided_by, triage_decided_at is not null, "
            "is_suppressed, suppression_id from findings"
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_publish_writes_only_the_public_marts_and_they_open_without_the_lake(
    settings: Settings, tmp_path: Path
) -> None:
    craft_build(settings)
    published = publish(settings)
    with duckdb.connect(str(published), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name, sql from duckdb_tables() order by table_name"
        ).fetchall()
        views = con.execute("select view_name from duckdb_views() where not internal").fetchall()
        not_null = con.execute(
            "select is_nullable from information_schema.columns "
            "where table_name = 'findings' and column_name = 'finding_id'"
        ).fetchall()
    assert [(s, t) for s, t, _ in tables] == [("main", "findings"), ("main", "users")]
    assert views == []
    assert not_null == [("NO",)]  # the contract's constraints travel with the mart
    assert all(str(settings.home) not in sql for _, _, sql in tables)

    # Copied to another machine: the home (and its lake) gone, every table still reads.
    away = tmp_path / "laptop" / "compliance.duckdb"
    away.parent.mkdir()
    shutil.copyfile(published, away)
    shutil.rmtree(settings.home)
    with duckdb.connect(str(away), read_only=True) as con:
        counts = {
            t: con.execute(f'select count(*) from "{t}"').fetchall()[0][0] for _, t, _ in tables
        }
        text = con.execute(
            "select string_agg(cast(columns(*) as varchar), '|') from findings"
        ).fetchall()
    assert counts == {"findings": len(FINDINGS), "users": 1}
    assert all(str(settings.home) not in str(v) for v in text[0] if v is not None)


def test_a_public_view_is_refused_rather_than_published_with_its_lake_path(
    settings: Settings,
) -> None:
    craft_build(settings)
    with duckdb.connect(str(settings.build_db_path)) as con:
        con.execute("create view main.users_view as select * from staging.stg_users")
    with pytest.raises(ValueError, match="users_view"):
        publish(settings)
    assert not settings.published_db_path.exists()


def test_findings_carry_the_triage_and_suppressions_the_dashboard_shows(
    settings: Settings,
) -> None:
    craft_build(settings)
    publish(settings)
    assert set(published_findings(settings.published_db_path).values()) == {
        ("open", None, False, False, None)
    }

    store = TriageStore(runtime.state_engine(settings))
    refs = {f: FindingRef(f, fp, d, u) for f, d, u, fp in FINDINGS}
    store.set_status([refs["f1"]], "resolved", actor="ann")
    store.set_status([refs["f3"]], "false_positive", actor="bob")
    by_user = store.add_suppression(
        "detector_user", detector="email", user_id="user_1", actor="ann"
    )
    by_value = store.add_suppression("fingerprint", fingerprint=FP[2], actor="bob")
    # A removed rule hides nothing.
    gone = store.add_suppression("fingerprint", fingerprint=FP[3], actor="bob")
    store.remove_suppression(gone.suppression_id, actor="bob")

    publish(settings)
    found = published_findings(settings.published_db_path)
    assert found == {
        # f1 is email for user_1 too: the detector + user rule hides it as well.
        "f1": ("resolved", "ann", True, True, by_user.suppression_id),
        "f2": ("open", None, False, True, by_user.suppression_id),
        "f3": ("false_positive", "bob", True, True, by_value.suppression_id),
        "f4": ("open", None, False, False, None),
        "f5": ("open", None, False, False, None),
    }

    # The dashboard's marks (same rules, same matching) agree row for row.
    with duckdb.connect(str(settings.published_db_path), read_only=True) as con:
        marks = build_marks(con, store.tables()).to_pylist()
        ids = dict(con.execute("select rowid, finding_id from findings").fetchall())
    dashboard = {ids[m["rid"]]: (m["status"] or "open", m["suppression_id"]) for m in marks}
    warehouse = {f: (s[0], s[4]) for f, s in found.items() if s[0] != "open" or s[3]}
    assert dashboard == warehouse


def test_a_second_state_export_reuses_the_mechanism(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More columns of the same mart, and a whole mart filled from state (issue 17's shape)."""
    from claude_compliance.warehouse import state_export

    craft_build(settings)
    with duckdb.connect(str(settings.build_db_path)) as con:
        con.execute("alter table main.findings add column remediation_status varchar")
        con.execute("create table main.remediations (request_id bigint not null, status varchar)")

    def remediation_columns(_s: Settings, cursor: duckdb.DuckDBPyConnection, rel: str) -> str:
        cursor.register("req", pa.table({"finding_id": ["f2"], "status": ["approved"]}))
        return "select finding_id, status as remediation_status from req"

    def remediation_rows(_s: Settings, cursor: duckdb.DuckDBPyConnection, rel: str) -> str:
        cursor.register("rows", pa.table({"request_id": [7, 8], "status": ["approved", "done"]}))
        return "select request_id, status from rows"

    monkeypatch.setattr(
        state_export,
        "EXPORTS",
        (
            state_export.TRIAGE,
            state_export.StateExport(
                "findings",
                "finding_id",
                ("remediation_status",),
                remediation_columns,
                {"remediation_status": "'none'"},
            ),
            state_export.StateExport(
                "remediations", None, ("request_id", "status"), remediation_rows
            ),
        ),
    )
    store = TriageStore(runtime.state_engine(settings))
    store.set_status([FindingRef("f2", FP[1], "email", "user_1")], "acknowledged", actor="ann")
    publish(settings)
    with duckdb.connect(str(settings.published_db_path), read_only=True) as con:
        findings = dict(
            con.execute(
                "select finding_id, (triage_status, remediation_status) from findings"
            ).fetchall()
        )
        requests = con.execute("select * from remediations order by 1").fetchall()
    assert findings["f2"] == ("acknowledged", "approved")
    assert findings["f1"] == ("open", "none")
    assert requests == [(7, "approved"), (8, "done")]

    # A state column the mart's contract does not declare is refused, not dropped.
    monkeypatch.setattr(
        state_export,
        "EXPORTS",
        (state_export.StateExport("users", "user_id", ("nope",), remediation_columns),),
    )
    with pytest.raises(ValueError, match="no column nope"):
        publish(settings)
