"""The one writer of the lake: an interval's file set is replaced atomically.

Layout: `<lake>/<zone>/<table>/key=<key_id>/dt=<YYYY-MM-DD>/part-<interval tag>.parquet` with
`_manifest-<interval tag>.json` beside it (rows, bytes and SHA-256 of the file, which
`lake.integrity` checks before each build). A re-run of the interval replaces exactly its own
files (`lake.fs`: a rename on a local disk, a single PUT on object storage), so re-runs and
overlapping backfills never duplicate, and a failure before that leaves the previous files
intact. The lake root is a local `Path` or an `ObjectPath` (`s3://…`).

Text that cannot be encoded (a lone surrogate) or that breaks the readers (NUL) is written
as U+FFFD (`lake.text`) and counted in the manifest, so one malformed value never fails a
write: `replaced_characters` (the total) and `replaced_by_column`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from claude_compliance.lake import text
from claude_compliance.lake.fs import LakeDir, read_table, write_bytes_atomic, write_table_atomic
from claude_compliance.lake.integrity import file_facts
from claude_compliance.lake.interval import Interval

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Written:
    table: str
    path: LakeDir
    rows: int
    replaced: int = 0


def partition_dir(lake_dir: LakeDir, zone: str, table: str, key_id: str, dt: str) -> LakeDir:
    return lake_dir / zone / table / f"key={key_id}" / f"dt={dt}"


def file_tag(interval: Interval, variant: str | None = None) -> str:
    """The name of an interval's file set; a variant (a ruleset version) gets its own set."""
    return f"{interval.tag}.{variant}" if variant else interval.tag


def data_path(
    lake_dir: LakeDir,
    zone: str,
    table: str,
    key_id: str,
    interval: Interval,
    variant: str | None = None,
) -> LakeDir:
    directory = partition_dir(lake_dir, zone, table, key_id, interval.dt)
    return directory / f"part-{file_tag(interval, variant)}.parquet"


def manifest_path(
    lake_dir: LakeDir,
    zone: str,
    table: str,
    key_id: str,
    interval: Interval,
    variant: str | None = None,
) -> LakeDir:
    directory = partition_dir(lake_dir, zone, table, key_id, interval.dt)
    return directory / f"_manifest-{file_tag(interval, variant)}.json"


def write_interval(
    lake_dir: LakeDir,
    zone: str,
    table: str,
    key_id: str,
    interval: Interval,
    rows: Sequence[Mapping[str, Any]] | pa.Table,
    schema: pa.Schema,
    manifest: Mapping[str, Any] | None = None,
    variant: str | None = None,
) -> Written:
    """Replace the interval's file set of one table; an empty result still writes a file."""
    if isinstance(rows, pa.Table) and not rows.schema.equals(schema):
        _drift(zone, table, schema, rows)
    arrow, replaced = text.to_arrow(rows, schema)
    if not arrow.schema.equals(schema):
        _drift(zone, table, schema, arrow)
    if replaced:
        log.warning(
            "%s/%s key %s %s: %d unencodable character(s) written as U+FFFD (%s)",
            zone,
            table,
            key_id,
            interval,
            sum(replaced.values()),
            ", ".join(f"{column} {count}" for column, count in sorted(replaced.items())),
        )
    target = data_path(lake_dir, zone, table, key_id, interval, variant)
    write_table_atomic(target, arrow)
    document = {
        "table": table,
        "zone": zone,
        "key_id": key_id,
        "interval_start": interval.start.isoformat(),
        "interval_end": interval.end.isoformat(),
        "dt": interval.dt,
        "file": target.name,
        "rows": arrow.num_rows,
        **file_facts(target),  # checked before each build (`lake.integrity`)
        "replaced_characters": sum(replaced.values()),
        "replaced_by_column": replaced,
        "written_at": datetime.now(UTC).isoformat(),
        **(manifest or {}),
    }
    write_json_atomic(manifest_path(lake_dir, zone, table, key_id, interval, variant), document)
    return Written(table=table, path=target, rows=arrow.num_rows, replaced=sum(replaced.values()))


def _drift(zone: str, table: str, schema: pa.Schema, arrow: pa.Table) -> None:
    raise ValueError(
        f"schema drift in {zone}/{table}: expected {schema.names}, got {arrow.schema.names}"
    )


def read_interval(
    lake_dir: LakeDir,
    zone: str,
    table: str,
    key_id: str,
    interval: Interval,
    schema: pa.Schema,
    variant: str | None = None,
) -> pa.Table:
    """The interval's rows of one table; an interval never written reads as empty."""
    path = data_path(lake_dir, zone, table, key_id, interval, variant)
    if not path.exists():
        return schema.empty_table()
    return read_table(path, schema)


def intervals_written(
    lake_dir: LakeDir, zone: str, table: str, key_id: str, dt: str
) -> list[Interval]:
    """The intervals that wrote a file set into one partition (from the file names)."""
    from claude_compliance.lake.interval import parse_tag

    directory = partition_dir(lake_dir, zone, table, key_id, dt)
    if not directory.exists():
        return []
    tags = {path.name[len("part-") :].split(".")[0] for path in directory.glob("part-*.parquet")}
    return sorted(parse_tag(tag) for tag in tags)


SCHEMA_PARTITION = ("key=_schema", "dt=1970-01-01", "part-schema.parquet")


def schema_file(lake_dir: LakeDir, zone: str, table: str, schema: pa.Schema) -> LakeDir:
    """An empty file with the table's current schema, inside the table's folder so globs that
    read the table always match something and know every column; it adds no rows."""
    path = lake_dir.joinpath(zone, table, *SCHEMA_PARTITION)
    if not path.exists() or not read_table(path).schema.equals(schema):
        # Rewritten when the schema grows, so readers that union by name see every column.
        write_table_atomic(path, schema.empty_table())
    return path


def write_json_atomic(path: LakeDir, document: Mapping[str, Any]) -> None:
    text = json.dumps(document, indent=2, sort_keys=True, default=str) + "\n"
    write_bytes_atomic(path, text.encode())
