"""Incremental builds give the tables a full rebuild gives.

The warehouse is built interval by interval (each build reads only the lake partitions that
changed), then through a rescan with new rules, a hard-deleted chat re-synced late, a
deleted remote session, an interval re-synced, and a scan file removed from the lake; every
published table must then equal, row for row, a `--full-refresh` build of the same lake.
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
from claude_compliance.warehouse.partitions import forget_build
from tests.e2e.test_rescan import RULES
from tests.fixtures.simulator import ANCHOR

pytestmark = pytest.mark.slow


def published_tables(db: Path) -> dict[str, Counter[tuple[object, ...]]]:
    """Every published table as a multiset of rows (row order is not part of the contract)."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()]
        return {t: Counter(con.execute(f'select * from "{t}"').fetchall()) for t in names}


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
    assert len(chats) >= 2
    sim.delete_chat(chats[0], at=datetime.now(UTC), hard=True)
    sim.delete_chat(chats[1], at=datetime.now(UTC))
    if remote:
        sim.delete_remote_session(remote[0][0])
    run_range(settings, days[1], days[2], key_ids=[key_id])
    run_range(settings, days[0], days[1], key_ids=[key_id])

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
