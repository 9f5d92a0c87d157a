"""Checks shared by the end-to-end tests: recall against the simulator's ground truth, and
searches of every output for planted values and key material."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb


@dataclass(frozen=True)
class Recall:
    planted: int
    found: int
    missed: list[dict[str, Any]]

    @property
    def ratio(self) -> float:
        return self.found / self.planted if self.planted else 1.0


def findings_by_input(db: Path) -> dict[tuple[str, str], list[tuple[str, int, int]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select source, source_id, category, start_offset, end_offset from findings"
        ).fetchall()
    index: dict[tuple[str, str], list[tuple[str, int, int]]] = {}
    for source, source_id, category, start, end in rows:
        index.setdefault((source, source_id), []).append((category, start, end))
    return index


def recall(db: Path, planted: Iterable[dict[str, Any]], lake: Path | None = None) -> Recall:
    """A planted value counts as found when a finding of its category overlaps its span
    in the same input.

    A document's ground truth points into the text it was built from, so its value is located
    in the text our extraction produced (read back from the raw `lake`): a finding must cover
    the value where it really is, and a value the extraction lost is missed.
    """
    index = findings_by_input(db)
    entries = list(planted)
    missed = []
    for entry in entries:
        start, end = entry["start"], entry["end"]
        if entry["source"] in ("chat_file", "project_file"):
            text = _lake_text(lake, entry["source"], entry["source_id"])
            if text is None or text[start:end] != entry["value"]:
                at = text.find(entry["value"]) if text is not None else -1
                start, end = (at, at + len(entry["value"])) if at >= 0 else (-1, -1)
        hits = index.get((entry["source"], entry["source_id"]), [])
        if not any(
            cat == entry["category"] and start < e and s < end and start >= 0 for cat, s, e in hits
        ):
            missed.append(entry)
    return Recall(planted=len(entries), found=len(entries) - len(missed), missed=missed)


def _lake_text(lake: Path, source: str, source_id: str) -> str | None:
    from claude_compliance.scan.sources import source as registry

    spec = registry(source)
    pattern = str(lake / "raw" / spec.table / "*" / "dt=*" / "*.parquet")
    with duckdb.connect() as con:
        rows = con.execute(
            f"select {spec.text_column} from read_parquet(?, union_by_name = true) "
            f"where {spec.id_column} = ? order by synced_at desc limit 1",
            [pattern, source_id],
        ).fetchall()
    return str(rows[0][0]) if rows and rows[0][0] is not None else None


def scanned_input_keys(db: Path) -> set[tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            (s, i)
            for s, i in con.execute("select source, source_id from scanned_inputs").fetchall()
        }


def all_text_in_database(db: Path) -> str:
    """Every string cell of every table and view in the database, concatenated."""
    parts: list[str] = []
    with duckdb.connect(str(db), read_only=True) as con:
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
        for schema, table in relations:
            columns = con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ? and data_type = 'VARCHAR'",
                [schema, table],
            ).fetchall()
            for (column,) in columns:
                values = con.execute(
                    f'select "{column}" from "{schema}"."{table}" where "{column}" is not null'
                ).fetchall()
                parts.extend(v for (v,) in values)
    return "\n".join(parts)


def files_containing(root: Path, needle: str) -> list[Path]:
    data = needle.encode()
    return [path for path in root.rglob("*") if path.is_file() and data in path.read_bytes()]
