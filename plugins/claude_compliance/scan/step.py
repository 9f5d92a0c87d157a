"""Scan one key × interval: read every source, run the engine, write the DLP partitions.

Only masked previews and HMAC fingerprints are written; the matched values stay in the raw
lake where they were found. Inputs stay Arrow columns end to end: Python touches only the
findings, not the million clean messages around them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from claude_compliance.documents import Segment, location_at
from claude_compliance.lake.fs import LakeDir
from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import DLP
from claude_compliance.lake.writer import write_interval
from claude_compliance.scan.inputs import read_inputs, stable_id
from claude_compliance.scan.sources import SOURCES
from scanners import Engine, Findings, Severity

_WHERE = (
    "key_id",
    "organization_uuid",
    "user_id",
    "source",
    "source_id",
    "chat_id",
    "project_id",
    "session_id",
    "occurred_at",
)


@dataclass(frozen=True, slots=True)
class ScanResult:
    inputs: int
    findings: int
    skipped: int
    chars: int
    ruleset_version: str


def scan_interval(lake_dir: LakeDir, key_id: str, interval: Interval, engine: Engine) -> ScanResult:
    inputs = read_inputs(lake_dir, key_id, interval)
    scanned_at = datetime.now(UTC)
    version = engine.ruleset_version
    results = engine.scan_many(inputs.column("text"))
    n = inputs.num_rows

    finding_rows: list[dict[str, Any]] = []
    hit_rows = [i for i, findings in enumerate(results) if findings]
    if hit_rows:
        where = inputs.select([c for c in _WHERE if c != "key_id"]).take(hit_rows).to_pylist()
        input_ids = inputs.column("input_id").take(hit_rows).to_pylist()
        segments = inputs.column("segments").take(hit_rows).to_pylist()
        for row, input_id, context, parts in zip(hit_rows, input_ids, where, segments, strict=True):
            for finding in results[row]:
                finding_rows.append(
                    {
                        "finding_id": stable_id(
                            input_id,
                            finding.detector,
                            str(finding.start),
                            str(finding.end),
                            finding.fingerprint,
                        ),
                        "input_id": input_id,
                        "key_id": key_id,
                        **context,
                        "detector": finding.detector,
                        "category": str(finding.category.value),
                        "severity": str(finding.severity.value),
                        "start_offset": finding.start,
                        "end_offset": finding.end,
                        "redacted_match": finding.redacted,
                        "fingerprint": finding.fingerprint,
                        "confidence": finding.confidence,
                        "ruleset_version": version,
                        "scanned_at": scanned_at,
                        # Sheet and member names are user text too: masked like any.
                        "location": _masked(engine, _location(parts, finding.start)),
                    }
                )

    none = str(Severity.NONE.value)
    severities = [
        str(Severity.max_of(f.severity for f in fs).value) if fs else none for fs in results
    ]
    chars = pc.fill_null(pc.utf8_length(inputs.column("text")), 0).cast(pa.int64())
    scanned = pa.table(
        {
            "input_id": inputs.column("input_id"),
            "key_id": pa.array([key_id] * n, pa.string()),
            **{c: inputs.column(c) for c in _WHERE if c != "key_id"},
            "chars": chars,
            "max_severity": pa.array(severities, pa.string()),
            "finding_count": pa.array([len(fs) for fs in results], pa.int64()),
            "findings_dropped": pa.array([fs.dropped for fs in results], pa.int64()),
            "skipped_reason": inputs.column("skipped_reason"),
            "ruleset_version": pa.array([version] * n, pa.string()),
            "scanned_at": pa.array(
                [scanned_at] * n, DLP["scanned_inputs"].field("scanned_at").type
            ),
            "detected_format": inputs.column("detected_format"),
            "extractor": inputs.column("extractor"),
        }
    ).cast(DLP["scanned_inputs"])
    names = _masked_names(inputs, results, engine, key_id, version, scanned_at)

    # One file set per ruleset version: a rescan with the same rules replaces its own
    # files, a rescan with new rules adds a set beside the old one, so the marts can show
    # the latest scan of each input and what changed between the two latest versions.
    manifest = {"ruleset_version": version, "status": "ok"}
    tables = (("findings", finding_rows), ("scanned_inputs", scanned), ("masked_names", names))
    for table, rows in tables:
        write_interval(
            lake_dir, "dlp", table, key_id, interval, rows, DLP[table], manifest, variant=version
        )
    return ScanResult(
        inputs=n,
        findings=len(finding_rows),
        skipped=n - inputs.column("skipped_reason").null_count,
        chars=int(pc.sum(chars).as_py() or 0),
        ruleset_version=version,
    )


def _masked_names(
    inputs: pa.Table,
    results: Sequence[Findings],
    engine: Engine,
    key_id: str,
    version: str,
    scanned_at: datetime,
) -> list[dict[str, Any]]:
    """Chat and project names with every detected value masked: what the marts publish."""
    titles = {s.name for s in SOURCES if s.is_title}
    sources = inputs.column("source").to_pylist()
    rows = [i for i, name in enumerate(sources) if name in titles]
    if not rows:
        return []
    picked = inputs.select(["input_id", "source", "source_id", "text"]).take(rows).to_pylist()
    return [
        {
            "input_id": row["input_id"],
            "key_id": key_id,
            "source": row["source"],
            "source_id": row["source_id"],
            "masked_name": (
                engine.redact(row["text"], results[i]) if row["text"] is not None else None
            ),
            "ruleset_version": version,
            "scanned_at": scanned_at,
        }
        for i, row in zip(rows, picked, strict=True)
    ]


def _masked(engine: Engine, text: str | None) -> str | None:
    return engine.redact(text) if text else text


def _location(segments: list[dict[str, Any]] | None, offset: int) -> str | None:
    """Where in its document the character at `offset` came from (page, sheet and cell,
    slide, archive member): the extraction's segments as the lake stores them."""
    if not segments:
        return None
    return location_at([Segment(int(p["start"]), str(p["location"])) for p in segments], offset)
