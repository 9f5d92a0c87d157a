"""Scan one key × interval: read the five sources, run the engine, write the DLP partitions.

Only masked previews and HMAC fingerprints are written; the matched values stay in the raw
lake where they were found. Inputs stay Arrow columns end to end: Python touches only the
findings, not the million clean messages around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from claude_compliance.lake.fs import LakeDir
from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import DLP
from claude_compliance.lake.writer import write_interval
from claude_compliance.scan.inputs import read_inputs, stable_id
from scanners import Engine, Severity

_WHERE = (
    "key_id",
    "organization_uuid",
    "user_id",
    "source",
    "source_id",
    "chat_id",
    "project_id",
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
        for row, input_id, context in zip(hit_rows, input_ids, where, strict=True):
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
            "skipped_reason": inputs.column("skipped_reason"),
            "ruleset_version": pa.array([version] * n, pa.string()),
            "scanned_at": pa.array(
                [scanned_at] * n, DLP["scanned_inputs"].field("scanned_at").type
            ),
        }
    ).cast(DLP["scanned_inputs"])

    # One file set per ruleset version: a rescan with the same rules replaces its own
    # files, a rescan with new rules adds a set beside the old one, so the marts can show
    # the latest scan of each input and what changed between the two latest versions.
    manifest = {"ruleset_version": version, "status": "ok"}
    for table, rows in (("findings", finding_rows), ("scanned_inputs", scanned)):
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
