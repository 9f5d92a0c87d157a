"""Where the lake lives: a local folder, or object storage through `pyarrow.fs`.

A local lake is a `pathlib.Path`. Any other lake root (`s3://bucket/prefix`, `gs://…`, or
`file:///…` to exercise this path locally) is an `ObjectPath`: the small part of the
pathlib interface the lake uses, over a `pyarrow.fs.FileSystem`. Writers and readers accept
either; `write_bytes_atomic` and `write_table_atomic` are the one place that knows how to
replace an object atomically on each (rename on a local disk, a single PUT on a store).
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from claude_compliance.filemodes import PRIVATE_DIR, PRIVATE_FILE


class ObjectPath:
    """A location on a `pyarrow.fs` filesystem, addressed like a path."""

    __slots__ = ("fs", "path", "scheme")

    def __init__(self, fs: pafs.FileSystem, path: str, scheme: str) -> None:
        self.fs = fs
        self.path = path.rstrip("/") or "/"
        self.scheme = scheme

    @classmethod
    def from_uri(cls, uri: str) -> ObjectPath:
        fs, path = pafs.FileSystem.from_uri(uri)
        return cls(fs, path, uri.split("://", 1)[0])

    def __truediv__(self, part: str) -> ObjectPath:
        return ObjectPath(self.fs, posixpath.join(self.path, part), self.scheme)

    def joinpath(self, *parts: str) -> ObjectPath:
        result = self
        for part in parts:
            result = result / part
        return result

    def __str__(self) -> str:
        """The URI readers such as DuckDB take."""
        if self.scheme == "file":
            return f"file://{self.path}"
        return f"{self.scheme}://{self.path.lstrip('/')}"

    def __repr__(self) -> str:
        return f"ObjectPath({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ObjectPath) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)

    @property
    def parent(self) -> ObjectPath:
        return ObjectPath(self.fs, posixpath.dirname(self.path), self.scheme)

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(p for p in self.path.split("/") if p)

    def with_name(self, name: str) -> ObjectPath:
        return self.parent / name

    def exists(self) -> bool:
        return bool(self.fs.get_file_info(self.path).type != pafs.FileType.NotFound)

    def is_file(self) -> bool:
        return bool(self.fs.get_file_info(self.path).type == pafs.FileType.File)

    def mkdir(self, parents: bool = False, exist_ok: bool = False) -> None:
        self.fs.create_dir(self.path, recursive=parents)

    def iterdir(self) -> Iterator[ObjectPath]:
        selector = pafs.FileSelector(self.path, allow_not_found=True)
        for info in self.fs.get_file_info(selector):
            yield ObjectPath(self.fs, info.path, self.scheme)

    def glob(self, pattern: str) -> Iterator[ObjectPath]:
        """Entries below this one whose relative path matches `pattern` segment by segment."""
        depth = pattern.count("/") + 1
        selector = pafs.FileSelector(self.path, recursive=depth > 1, allow_not_found=True)
        for info in self.fs.get_file_info(selector):
            relative = posixpath.relpath(info.path, self.path)
            if relative.count("/") + 1 == depth and fnmatch.fnmatchcase(relative, pattern):
                yield ObjectPath(self.fs, info.path, self.scheme)

    def rglob(self, pattern: str) -> Iterator[ObjectPath]:
        selector = pafs.FileSelector(self.path, recursive=True, allow_not_found=True)
        for info in self.fs.get_file_info(selector):
            if fnmatch.fnmatchcase(posixpath.basename(info.path), pattern):
                yield ObjectPath(self.fs, info.path, self.scheme)

    def read_bytes(self) -> bytes:
        with self.fs.open_input_stream(self.path) as stream:
            data: bytes = stream.read()
        return data

    def read_text(self, encoding: str = "utf-8") -> str:
        return self.read_bytes().decode(encoding)

    def unlink(self, missing_ok: bool = False) -> None:
        if missing_ok and not self.exists():
            return
        self.fs.delete_file(self.path)


LakeDir = Path | ObjectPath


def open_lake(root: str | Path) -> LakeDir:
    """A lake root from a setting: a local path, or a URI with a scheme."""
    text = str(root)
    if "://" in text:
        return ObjectPath.from_uri(text)
    return Path(text).expanduser().resolve()


def write_bytes_atomic(target: LakeDir, data: bytes) -> None:
    """Replace `target` whole: readers see the old bytes or the new ones, never a mix."""
    if isinstance(target, ObjectPath):
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.fs.open_output_stream(target.path) as stream:
            stream.write(data)
        return
    target.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        # Owner-only from the first byte, whatever the umask (raw text of the content cache).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_table_atomic(target: LakeDir, table: pa.Table) -> None:
    """Write a Parquet file in place of `target` (zstd), atomically."""
    if isinstance(target, ObjectPath):
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, target.path, filesystem=target.fs, compression="zstd")
        return
    target.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    remove_stale_temps(target)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, PRIVATE_FILE)  # owner-only whatever the umask: the raw lake
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# A temp file is another writer's work in progress until proven otherwise: only one untouched
# for this long is stale (a live writer's file grows, so its mtime moves, within seconds).
STALE_TEMP_AGE_S = 3600.0


def remove_stale_temps(target: Path, max_age_s: float = STALE_TEMP_AGE_S) -> list[Path]:
    """Delete the temps of `target` left by killed writers: those not modified for
    `max_age_s`. A younger one may belong to a concurrent writer of the same file, whose
    rename would fail if we took it away, so it stays."""
    removed = []
    now = time.time()
    for temp in target.parent.glob(f".{target.name}.*.tmp"):
        try:
            age = now - temp.stat().st_mtime
        except FileNotFoundError:  # its writer renamed or removed it meanwhile
            continue
        if age > max_age_s:
            temp.unlink(missing_ok=True)
            removed.append(temp)
    return removed


def read_table(source: LakeDir, schema: pa.Schema | None = None) -> pa.Table:
    if isinstance(source, ObjectPath):
        return pq.read_table(source.path, filesystem=source.fs, schema=schema)
    return pq.read_table(source, schema=schema)
