from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import (
    data_path,
    manifest_path,
    read_interval,
    write_interval,
)

DAY = Interval(datetime(2026, 11, 25, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC))
NOW = datetime(2026, 11, 26, 1, tzinfo=UTC)


def org(uuid: str) -> dict[str, object]:
    return {
        "organization_uuid": uuid,
        "name": f"Org {uuid}",
        "created_at": NOW,
        "raw_json": "{}",
        "key_id": "ck_1",
        "synced_at": NOW,
    }


def test_writing_an_interval_twice_leaves_one_copy(tmp_path: Path) -> None:
    schema = RAW["organizations"]
    write_interval(tmp_path, "raw", "organizations", "ck_1", DAY, [org("a"), org("b")], schema)
    write_interval(tmp_path, "raw", "organizations", "ck_1", DAY, [org("a")], schema)
    files = sorted(
        p.name for p in data_path(tmp_path, "raw", "organizations", "ck_1", DAY).parent.iterdir()
    )
    assert files == [
        "_manifest-20261125T0000_20261126T0000.json",
        "part-20261125T0000_20261126T0000.parquet",
    ]
    table = read_interval(tmp_path, "raw", "organizations", "ck_1", DAY, schema)
    assert table.column("organization_uuid").to_pylist() == ["a"]


def test_manifest_rows_equal_parquet_rows(tmp_path: Path) -> None:
    schema = RAW["organizations"]
    written = write_interval(
        tmp_path,
        "raw",
        "organizations",
        "ck_1",
        DAY,
        [org("a"), org("b")],
        schema,
        manifest={"requests": 3},
    )
    manifest = json.loads(manifest_path(tmp_path, "raw", "organizations", "ck_1", DAY).read_text())
    assert manifest["rows"] == pq.read_metadata(written.path).num_rows == 2
    assert manifest["requests"] == 3
    assert manifest["dt"] == "2026-11-25"


def test_an_empty_result_still_writes_a_file_with_the_schema(tmp_path: Path) -> None:
    schema = RAW["chats"]
    written = write_interval(tmp_path, "raw", "chats", "ck_1", DAY, [], schema)
    assert pq.read_schema(written.path).equals(schema)
    assert written.rows == 0


def test_schema_drift_fails_loudly_and_keeps_the_previous_partition(tmp_path: Path) -> None:
    schema = RAW["organizations"]
    write_interval(tmp_path, "raw", "organizations", "ck_1", DAY, [org("a")], schema)
    drifted = pa.table({"organization_uuid": ["x"]})
    with pytest.raises(ValueError, match="schema drift"):
        write_interval(tmp_path, "raw", "organizations", "ck_1", DAY, drifted, schema)
    bad_type = [{**org("b"), "created_at": "not a timestamp"}]
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        write_interval(tmp_path, "raw", "organizations", "ck_1", DAY, bad_type, schema)
    table = read_interval(tmp_path, "raw", "organizations", "ck_1", DAY, schema)
    assert table.column("organization_uuid").to_pylist() == ["a"]
    leftovers = [
        p
        for p in data_path(tmp_path, "raw", "organizations", "ck_1", DAY).parent.iterdir()
        if p.name.endswith(".tmp")
    ]
    assert leftovers == []


def test_keys_write_separate_partitions(tmp_path: Path) -> None:
    schema = RAW["organizations"]
    a = write_interval(tmp_path, "raw", "organizations", "ck_1", DAY, [org("a")], schema)
    b = write_interval(tmp_path, "raw", "organizations", "ck_2", DAY, [org("a")], schema)
    assert a.path != b.path
    assert "key=ck_1" in str(a.path) and "key=ck_2" in str(b.path)
