"""Incremental builds give the tables a full rebuild gives.

The warehouse is built interval by interval (each build reads only the lake partitions that
changed), then through a rescan of old days with new rules, a hard-deleted chat re-synced
late, a chat deleted by its user (a tombstone), a deleted remote session and project, an
interval re-synced (a late arrival), and a scan file removed from the lake. After each of
those steps every table of the build file (staging, intermediate and marts, whatever their
strategy) must equal, row for row, a `--full-refresh` build of the same lake; at the end
every published table must too.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from claude_compliance.keys.commands import register_key
from claude_compliance.pipeline import build, publish, rescan_range, run_range
from claude_compliance.settings import Settings
from claude_compliance.warehouse import builder
from claude_compliance.warehouse.partitions import forget_build, record_path
from tests.e2e.test_rescan import RULES
from tests.fixtures.simulator import ANCHOR

pytestmark = pytest.mark.slow


def published_tables(db: Path) -> dict[str, Counter[tuple[object, ...]]]:
    """Every published table as a multiset of rows (row order is not part of the contract)."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()]
        return {t: Counter(con.execute(f'select * from "{t}"').fetchall()) for t in names}


# Per-build bookkeeping, not content: the invocation that wrote a row, and the rows a build
# dropped (`__removed`, read by the next models of the same build).
BOOKKEEPING_COLUMNS = {"dbt_invocation_id"}


def built_tables(db: Path) -> dict[str, Counter[tuple[object, ...]]]:
    """Every table of the build file (all schemas) as a multiset of its content rows."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where not internal and table_name not like '%\\_\\_removed' escape '\\'"
        ).fetchall()
        found = {}
        for schema, table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? "
                    "and table_name = ? order by column_index",
                    [schema, table],
                ).fetchall()
                if c not in BOOKKEEPING_COLUMNS
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            found[f"{schema}.{table}"] = Counter(
                con.execute(f'select {listed} from "{schema}"."{table}"').fetchall()
            )
        return found


def assert_equals_full_rebuild(settings: Settings, step: str) -> None:
    """The incremental build file equals a full rebuild of the same lake, table for table;
    the incremental state (build file and build record) is put back afterwards."""
    saved = {p: p.read_bytes() for p in (settings.build_db_path, record_path(settings))}
    incremental = built_tables(settings.build_db_path)
    forget_build(settings)
    build(settings)
    full = built_tables(settings.build_db_path)
    for path, content in saved.items():
        path.write_bytes(content)
    assert set(incremental) == set(full), step
    assert any(rows for rows in full.values()), step
    for table in sorted(full):
        assert incremental[table] == full[table], f"{step}: {table}"


def test_incremental_builds_equal_a_full_rebuild(
    settings: Settings, sim, sim_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[tuple[str, ...], str | None]] = []
    real_run_dbt = builder.run_dbt
    handed = settings.home / "dbt" / "lake_partitions.tsv"

    def spy(settings: Settings, *command: str) -> builder.DbtResult:
        calls.append((command, handed.read_text() if handed.exists() else None))
        return real_run_dbt(settings, *command)

    monkeypatch.setattr(builder, "run_dbt", spy)

    def partitions_built() -> set[tuple[str, ...]] | None:
        """The partitions the last build read; None for a full refresh."""
        command, listed = calls[-1]
        if "--full-refresh" in command:
            assert listed is None
            return None
        assert listed is not None
        return {tuple(line.split("\t")) for line in listed.splitlines()[1:]}

    settings = dataclasses.replace(settings, api_url=sim_server.url)
    key_id = str(register_key(settings, sim.keys.compliance, "incremental", "test")["key_id"])
    days = [ANCHOR - timedelta(days=n) for n in (3, 2, 1)]

    # Interval by interval: the first build is a full refresh, the next read their day only
    # (and today's own_requests partition, where each run records its request-ids).
    for day in days:
        run_range(settings, day, day + timedelta(days=1), key_ids=[key_id])
    assert calls[0][0][-1] == "--full-refresh"
    built = partitions_built()
    assert built is not None and (key_id, days[2].isoformat()) in built
    assert not {dt for _, dt in built} & {days[0].isoformat(), days[1].isoformat()}

    # A rescan of the first two days with other rules: those partitions only.
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    rescan_range(dataclasses.replace(settings, rules_path=rules), days[0], days[2])
    assert partitions_built() == {(key_id, days[0].isoformat()), (key_id, days[1].isoformat())}
    settings = dataclasses.replace(settings, rules_path=rules)
    assert_equals_full_rebuild(settings, "rescan of old days")

    # Deletions at the source, synced late: a chat of day 1 deleted through the API (gone
    # with its messages), another deleted by its user, a remote session deleted; day 2
    # re-synced (a late arrival), day 1 re-synced so its partition loses the first chat's
    # messages (its earlier versions stay in the later days' partitions, as in a full build).
    with duckdb.connect(str(settings.published_db_path), read_only=True) as con:
        chats = [
            c
            for (c,) in con.execute(
                "select chat_id from chats where cast(created_at as date) = ? order by 1",
                [days[0]],
            ).fetchall()
        ]
        remote = con.execute(
            "select session_id from sessions where session_kind = 'remote' order by 1 limit 1"
        ).fetchall()
        projects = [
            p
            for (p,) in con.execute(
                "select project_id from projects where cast(created_at as date) = ? order by 1",
                [days[0]],
            ).fetchall()
        ]
    assert len(chats) >= 2
    sim.delete_chat(chats[0], at=datetime.now(UTC), hard=True)
    sim.delete_chat(chats[1], at=datetime.now(UTC))
    if remote:
        sim.delete_remote_session(remote[0][0])
    if projects:
        sim.delete_project(projects[0])
    # Day 2 re-synced first (a late arrival of the deletions), then checked on its own.
    run_range(settings, days[1], days[2], key_ids=[key_id])
    assert partitions_built() is not None
    assert_equals_full_rebuild(settings, "late re-sync of day 2")
    run_range(settings, days[0], days[1], key_ids=[key_id])
    assert_equals_full_rebuild(settings, "deletions re-synced on day 1")

    findings_before = sum(published_tables(settings.published_db_path)["findings"].values())

    # A scan file removed from the lake (its partition then has fewer files, not newer ones).
    scan_files = sorted(
        (settings.home / "lake" / "dlp" / "findings" / f"key={key_id}" / f"dt={days[2]}").glob(
            "part-*.parquet"
        )
    )
    assert scan_files
    for path in scan_files:
        tag = path.name.removeprefix("part-").removesuffix(".parquet")
        path.unlink()
        path.with_name(f"_manifest-{tag}.json").unlink(missing_ok=True)
    build(settings)
    assert partitions_built() == {(key_id, days[2].isoformat())}
    assert_equals_full_rebuild(settings, "scan file removed")
    publish(settings)
    incremental = published_tables(settings.published_db_path)

    # The same lake rebuilt from scratch.
    forget_build(settings)
    build(settings)
    assert calls[-1][0][-1] == "--full-refresh"
    publish(settings)
    full = published_tables(settings.published_db_path)
    assert not handed.exists()  # a hand-run dbt build afterwards reads the whole lake

    assert set(incremental) == set(full)
    assert {t: len(rows) for t, rows in incremental.items()} == {
        t: len(rows) for t, rows in full.items()
    }
    for table in full:
        assert incremental[table] == full[table], table
    # The scenario really exercised what it claims.
    assert full["findings"] and full["findings_changes"]
    deleted = {row[0]: row[12] for row in full["chats"]}  # chat_id → is_deleted
    assert deleted[chats[1]] is True
    # The removed scan file took its findings with it.
    assert sum(full["findings"].values()) < findings_before
