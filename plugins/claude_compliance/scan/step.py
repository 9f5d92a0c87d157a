"""Scan one key × interval: read the five sources, run the engine, write the DLP partitions.

Only masked previews and HMAC fingerprints are written; the matched values stay in the raw
lake where they were found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import DLP
from claude_compliance.lake.writer import write_interval
from claude_compliance.scan.inputs import read_inputs, stable_id
from scanners import Engine, Severity


@dataclass(frozen=True, slots=True)
class ScanResult:
    inputs: int
    findings: int
    skipped: int
    chars: int
    ruleset_version: str


def scan_interval(lake_dir: Path, key_id: str, interval: Interval, engine: Engine) -> ScanResult:
    inputs = list(read_inputs(lake_dir, key_id, interval))
    scanned_at = datetime.now(UTC)
    version = engine.ruleset_version
    results = engine.scan_many([i.text if i.skipped_reason is None else None for i in inputs])
    finding_rows: list[dict[str, Any]] = []
    input_rows: list[dict[str, Any]] = []
    for item, findings in zip(inputs, results, strict=True):
        input_id = item.input_id(key_id)
        where = {
            "key_id": key_id,
            "organization_uuid": item.organization_uuid,
            "user_id": item.user_id,
            "source": item.source,
            "source_id": item.source_id,
            "chat_id": item.chat_id,
            "project_id": item.project_id,
            "occurred_at": item.occurred_at,
        }
        for finding in findings:
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
                    **where,
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
        input_rows.append(
            {
                "input_id": input_id,
                **where,
                "chars": len(item.text or "") if item.skipped_reason is None else 0,
                "max_severity": str(Severity.max_of(f.severity for f in findings).value),
                "finding_count": len(findings),
                "skipped_reason": item.skipped_reason,
                "ruleset_version": version,
                "scanned_at": scanned_at,
            }
        )
    # One file set per ruleset version: a rescan with the same rules replaces its own
    # files, a rescan with new rules adds a set beside the old one, so the marts can show
    # the latest scan of each input and what changed between the two latest versions.
    manifest = {"ruleset_version": version, "status": "ok"}
    for table, rows in (("findings", finding_rows), ("scanned_inputs", input_rows)):
        write_interval(
            lake_dir, "dlp", table, key_id, interval, rows, DLP[table], manifest, variant=version
        )
    return ScanResult(
        inputs=len(input_rows),
        findings=len(finding_rows),
        skipped=sum(1 for r in input_rows if r["skipped_reason"]),
        chars=sum(int(r["chars"]) for r in input_rows),
        ruleset_version=version,
    )
