"""Lake files checked against their manifests before dbt reads them, and bad ones quarantined.

One truncated or corrupted Parquet file fails every later `dbt build` (DuckDB reads every
file of a table), so before each build every data file is checked against the manifest the
writer left beside it (`lake.writer`: size and row count, and the SHA-256 on a local disk;
older manifests carry the row count only) and, unless its SHA-256 matched, for a readable
Parquet footer with the manifest's row count. A file that fails is moved, with its
manifest, under `<lake>/_quarantine/<when>/…` (outside the globs dbt reads), and the caller
re-syncs its key × interval or fails naming it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from claude_compliance.lake.fs import LakeDir, ObjectPath
from claude_compliance.lake.interval import Interval

QUARANTINE = "_quarantine"
ZONES = ("raw", "dlp")


@dataclass(frozen=True, slots=True)
class BadFile:
    """A lake file that failed its check, and where it was moved."""

    path: LakeDir
    zone: str
    table: str
    key_id: str
    interval: Interval | None
    reason: str
    moved_to: LakeDir | None = None

    def __str__(self) -> str:
        where = f" (moved to {self.moved_to})" if self.moved_to else ""
        return f"{self.path}: {self.reason}{where}"


def file_facts(path: LakeDir) -> dict[str, int | str]:
    """What a manifest records of a data file: its size in bytes, and on a local disk its
    SHA-256 (on object storage hashing would download every file again, on every write and
    build: the size and the Parquet footer are checked there)."""
    if isinstance(path, ObjectPath):
        return {"bytes": int(path.fs.get_file_info(path.path).size)}
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256")
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def check_lake(lake_dir: LakeDir) -> list[BadFile]:
    """Every data file of the lake that does not match its manifest or cannot be read."""
    bad: list[BadFile] = []
    for zone in ZONES:
        root = lake_dir / zone
        if not root.exists():
            continue
        for partition in root.glob("*/key=*/dt=*"):
            bad.extend(_check_partition(partition, zone))
    return bad


def _check_partition(partition: LakeDir, zone: str) -> list[BadFile]:
    table = partition.parent.parent.name
    key_id = partition.parent.name.removeprefix("key=")
    found: list[BadFile] = []
    described: set[str] = set()
    for manifest in partition.glob("_manifest-*.json"):
        try:
            doc = json.loads(manifest.read_text())
            name = str(doc["file"])
            interval = Interval(
                datetime.fromisoformat(doc["interval_start"]),
                datetime.fromisoformat(doc["interval_end"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            found.append(
                BadFile(manifest, zone, table, key_id, None, f"unreadable manifest: {exc}")
            )
            continue
        described.add(name)
        reason = _mismatch(partition / name, doc)
        if reason:
            found.append(BadFile(partition / name, zone, table, key_id, interval, reason))
    for data in partition.glob("part-*.parquet"):  # files no manifest describes
        if data.name not in described:
            reason = _unreadable(data)
            if reason:
                found.append(BadFile(data, zone, table, key_id, None, reason))
    return found


def _mismatch(data: LakeDir, doc: dict[str, object]) -> str | None:
    if not data.exists():
        return "missing (its manifest is there)"
    if "bytes" in doc:
        facts = file_facts(data)
        if facts["bytes"] != doc["bytes"]:
            return f"{facts['bytes']} bytes, the manifest says {doc['bytes']} (truncated?)"
        if "sha256" in doc and "sha256" in facts:
            if facts["sha256"] != doc["sha256"]:
                return "its SHA-256 differs from the manifest's (corrupted or overwritten)"
            return None  # the very bytes the writer wrote (and counted) after it
    unreadable = _unreadable(data)
    if unreadable:
        return unreadable
    rows = _rows(data)
    if rows != doc.get("rows"):
        return f"{rows} rows, the manifest says {doc.get('rows')}"
    return None


def _rows(data: LakeDir) -> int:
    if isinstance(data, ObjectPath):
        return int(pq.read_metadata(data.path, filesystem=data.fs).num_rows)
    return int(pq.read_metadata(data).num_rows)


def _unreadable(data: LakeDir) -> str | None:
    try:
        _rows(data)
    except (OSError, pa.ArrowException) as exc:
        return f"not a readable Parquet file ({exc})"
    return None


def quarantine(lake_dir: LakeDir, bad: list[BadFile]) -> list[BadFile]:
    """Move each bad file and its manifest under `<lake>/_quarantine/<UTC time>/`, keeping
    their paths below the lake; returns them with where they went."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    moved = []
    for item in bad:
        destination = lake_dir.joinpath(QUARANTINE, stamp, *_below(lake_dir, item.path))
        _move(item.path, destination)
        if item.interval is not None:
            tag = item.path.name.removeprefix("part-").removesuffix(".parquet")
            manifest = item.path.with_name(f"_manifest-{tag}.json")
            if manifest.exists():
                _move(manifest, destination.with_name(manifest.name))
        moved.append(
            BadFile(
                item.path,
                item.zone,
                item.table,
                item.key_id,
                item.interval,
                item.reason,
                destination,
            )
        )
    return moved


def _below(lake_dir: LakeDir, path: LakeDir) -> tuple[str, ...]:
    return tuple(path.parts[len(lake_dir.parts) :])


def _move(source: LakeDir, destination: LakeDir) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, ObjectPath) and isinstance(destination, ObjectPath):
        source.fs.move(source.path, destination.path)
    elif isinstance(source, Path) and isinstance(destination, Path):
        if source.exists():
            source.replace(destination)
