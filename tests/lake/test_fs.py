"""The lake behind a filesystem abstraction: object storage (here `file://` through pyarrow.fs,
the same code path as `s3://`) gives the same lake and warehouse as a local folder."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from claude_compliance.lake.fs import (
    ObjectPath,
    open_lake,
    read_table,
    write_bytes_atomic,
    write_table_atomic,
)
from claude_compliance.settings import Settings
from tests.fixtures.simulator import ANCHOR


def test_object_paths_write_read_and_list_like_paths(tmp_path: Path) -> None:
    root = open_lake(f"file://{tmp_path}/lake")
    assert isinstance(root, ObjectPath) and str(root) == f"file://{tmp_path}/lake"
    target = root / "raw" / "t" / "key=k" / "dt=2026-11-20" / "part-a.parquet"
    write_table_atomic(target, pa.table({"x": [1, 2]}))
    write_table_atomic(target, pa.table({"x": [3]}))  # replaced whole
    assert read_table(target).column("x").to_pylist() == [3]
    write_bytes_atomic(root / "raw" / "t" / "key=k" / "dt=2026-11-20" / "_manifest-a.json", b"{}")
    partition = target.parent
    assert partition.exists() and not (root / "nope").exists()
    assert sorted(p.name for p in partition.glob("part-*.parquet")) == ["part-a.parquet"]
    assert sorted(p.name for p in root.glob("raw/*/key=k")) == ["key=k"]
    assert {p.name for p in root.rglob("*.json")} == {"_manifest-a.json"}
    assert (tmp_path / "lake" / "raw" / "t" / "key=k" / "dt=2026-11-20" / "part-a.parquet").exists()
    assert isinstance(open_lake(tmp_path / "local"), Path)


@pytest.mark.slow
def test_a_run_on_an_object_store_lake_equals_a_run_on_a_local_lake(
    settings: Settings, sim, sim_server, tmp_path: Path
) -> None:
    from claude_compliance.keys.commands import register_key
    from claude_compliance.pipeline import run_range

    start, end = ANCHOR - timedelta(days=2), ANCHOR
    results = {}
    for name, lake_uri in (("local", None), ("object", f"file://{tmp_path}/object-lake")):
        home = tmp_path / name
        run_settings = dataclasses.replace(
            settings,
            home=home,
            api_url=sim_server.url,
            lake_uri=lake_uri,
            state_db_url=f"sqlite:///{home / 'state.db'}",
        )
        run_settings.ensure_dirs()
        key_id = str(register_key(run_settings, sim.keys.compliance, name, "test")["key_id"])
        run_range(run_settings, start, end, key_ids=[key_id])
        with duckdb.connect(str(run_settings.published_db_path), read_only=True) as con:
            results[name] = (
                con.execute(
                    "select source, source_id, detector, start_offset from findings order by all"
                ).fetchall(),
                con.execute(
                    "select source, source_id, chars from scanned_inputs order by all"
                ).fetchall(),
            )
    assert results["object"] == results["local"] and results["local"][0]
    assert list((tmp_path / "object-lake" / "raw" / "chat_messages").rglob("part-*.parquet"))
    assert not (tmp_path / "object" / "lake").exists() or not any(
        (tmp_path / "object" / "lake").rglob("*.parquet")
    )
