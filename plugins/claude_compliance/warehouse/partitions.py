"""Which lake partitions (key × day) changed since the last dbt build: the incremental plan.

Every stage writes the lake by partition (`lake/<zone>/<table>/key=<k>/dt=<d>/`), and a
re-run, a late re-sync, a rescan or a quarantine changes that partition's files. So the
build needs no word from its caller: it lists the lake, compares each partition's file
signature (names, sizes, modification times) with the one the last successful build read,
and hands the partitions that differ to dbt in `dbt/lake_partitions.tsv` (read by
`dbt_project/macros/lake_partitions.sql` as the models run; a file rather than `--vars`,
which would make dbt re-parse the whole project on every build). The DAG, `run`,
`rescan` and a hand-run `dbt build` all get the same answer for the same lake.

A build starts from scratch (`--full-refresh`) when there is no build file or no record of
the last build, or when the dbt project changed since (its models define the tables). The
record is written only after dbt succeeded, so a failed build's partitions are read again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.fs as pafs

from claude_compliance.lake.fs import LakeDir, ObjectPath
from claude_compliance.lake.schemas import DLP, RAW
from claude_compliance.settings import Settings

RECORD_NAME = "build_partitions.json"
LIST_NAME = "lake_partitions.tsv"
RECORD_VERSION = 1
SCHEMA_KEY = "_schema"  # the empty schema files that keep dbt's globs matching


@dataclass(frozen=True, slots=True, order=True)
class Partition:
    key: str
    dt: str


@dataclass(frozen=True, slots=True)
class BuildPlan:
    full_refresh: bool
    partitions: tuple[Partition, ...]
    signatures: dict[str, str]
    project: str
    reason: str

    def dbt_args(self) -> list[str]:
        """The arguments of `dbt build` that carry this plan (with `handed_to_dbt`)."""
        return ["--full-refresh"] if self.full_refresh else []

    def as_list(self) -> str:
        return "key\tdt\n" + "".join(f"{p.key}\t{p.dt}\n" for p in self.partitions)


@contextlib.contextmanager
def handed_to_dbt(settings: Settings, plan: BuildPlan) -> Iterator[None]:
    """The plan's partition list where the dbt models read it, for the life of one build."""
    path = settings.home / "dbt" / LIST_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    if not plan.full_refresh:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(plan.as_list())
        os.replace(tmp, path)
    try:
        yield
    finally:
        # Never left behind: a hand-run `dbt build` later must read the whole lake.
        path.unlink(missing_ok=True)


def record_path(settings: Settings) -> Path:
    return settings.home / "dbt" / RECORD_NAME


def lake_signatures(lake_dir: LakeDir) -> dict[str, str]:
    """`zone/table/key=k/dt=d` → a digest of its data files' names, sizes and mtimes."""
    files: dict[str, list[str]] = {}
    for zone, tables in (("raw", RAW), ("dlp", DLP)):
        for table in tables:
            for relative, name, size, mtime_ns in _data_files(lake_dir, zone, table):
                files.setdefault(relative, []).append(f"{name}\t{size}\t{mtime_ns}")
    return {
        relative: hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()[:32]
        for relative, entries in files.items()
    }


def project_digest(project: Path) -> str:
    """A digest of the dbt project's sources (models, macros, tests, configuration)."""
    digest = hashlib.sha256()
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if not path.is_file() or relative.parts[0] in ("target", "logs", "dbt_packages"):
            continue
        digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def plan_build(settings: Settings, project: Path) -> BuildPlan:
    """What the next `dbt build` must read: the changed partitions, or everything."""
    signatures = lake_signatures(settings.lake_dir)
    digest = project_digest(project)
    previous = _read_record(record_path(settings))

    def full(reason: str) -> BuildPlan:
        return BuildPlan(True, (), signatures, digest, reason)

    if not settings.build_db_path.exists():
        return full("no build file yet")
    if previous is None:
        return full("no record of the last build")
    if previous.get("project") != digest:
        return full("the dbt project changed")
    recorded = previous.get("partitions")
    before: dict[str, str] = recorded if isinstance(recorded, dict) else {}
    changed = {
        name
        for name in before.keys() | signatures.keys()
        if before.get(name) != signatures.get(name)
    }
    partitions = sorted({p for name in changed if (p := _partition_of(name)) is not None})
    return BuildPlan(
        False, tuple(partitions), signatures, digest, f"{len(partitions)} partitions changed"
    )


def record_build(settings: Settings, plan: BuildPlan) -> None:
    """After a successful build: the lake as this build read it."""
    path = record_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(
        json.dumps(
            {"version": RECORD_VERSION, "project": plan.project, "partitions": plan.signatures}
        )
    )
    os.replace(tmp, path)


def forget_build(settings: Settings) -> None:
    """The next build starts from scratch."""
    record_path(settings).unlink(missing_ok=True)


def _read_record(path: Path) -> dict[str, object] | None:
    try:
        record = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None  # unreadable: rebuild everything rather than trust it
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
        return None
    return record


def _partition_of(name: str) -> Partition | None:
    parts = name.split("/")
    key, dt = parts[2].removeprefix("key="), parts[3].removeprefix("dt=")
    if key == SCHEMA_KEY:
        return None
    return Partition(key, dt)


def _data_files(lake_dir: LakeDir, zone: str, table: str) -> Iterator[tuple[str, str, int, int]]:
    """(`zone/table/key=k/dt=d`, file name, size, mtime in ns) of each Parquet data file."""
    if isinstance(lake_dir, ObjectPath):
        root = lake_dir / zone / table
        selector = pafs.FileSelector(root.path, allow_not_found=True, recursive=True)
        for info in lake_dir.fs.get_file_info(selector):
            parts = info.path[len(root.path) :].strip("/").split("/")
            if info.type != pafs.FileType.File or len(parts) != 3:
                continue
            if not (parts[2].startswith("part-") and parts[2].endswith(".parquet")):
                continue
            mtime = info.mtime_ns if info.mtime_ns is not None else 0
            yield f"{zone}/{table}/{parts[0]}/{parts[1]}", parts[2], info.size or 0, mtime
        return
    root_path = Path(lake_dir) / zone / table
    if not root_path.is_dir():
        return
    for key_dir in os.scandir(root_path):
        if not (key_dir.is_dir() and key_dir.name.startswith("key=")):
            continue
        for dt_dir in os.scandir(key_dir.path):
            if not (dt_dir.is_dir() and dt_dir.name.startswith("dt=")):
                continue
            relative = f"{zone}/{table}/{key_dir.name}/{dt_dir.name}"
            for entry in os.scandir(dt_dir.path):
                if entry.name.startswith("part-") and entry.name.endswith(".parquet"):
                    stat = entry.stat()
                    yield relative, entry.name, stat.st_size, stat.st_mtime_ns
