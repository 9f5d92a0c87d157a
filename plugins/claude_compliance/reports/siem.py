"""SIEM export: one key × data interval of findings as JSON lines, to a file and/or a collector.

Files go to `exports/siem/key=<key_id>/dt=<YYYY-MM-DD>/findings-<interval tag>.jsonl` (the
lake's layout) and a re-export replaces the interval's file. Collectors get records keyed by
the stable `finding_id`: Elasticsearch's `_bulk` indexes each under `_id = finding_id`, and
for both Splunk HEC and Elasticsearch a ledger in the state DB skips records the collector
already has unchanged, so re-exports are idempotent there too. Records carry the masked
preview and fingerprint only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from claude_compliance import runtime
from claude_compliance.lake.fs import write_bytes_atomic
from claude_compliance.lake.interval import Interval
from claude_compliance.reports.config import SiemConfig, SiemKind, finding_link, redact_url
from claude_compliance.reports.deliveries import ExportLedger
from claude_compliance.reports.errors import DeliveryError
from claude_compliance.reports.findings import FindingRow, load_findings
from claude_compliance.reports.marts import open_marts
from claude_compliance.reports.triage import (
    StateTriage,
    TriageState,
    TriageView,
    refs_of,
    state_of,
)
from claude_compliance.reports.webhook import Poster, RetryPolicy
from claude_compliance.settings import Settings

SCHEMA = "claude_compliance.finding/1"
SOURCE = "claude-compliance"
SOURCETYPE = "claude_compliance:finding"


@dataclass(frozen=True, slots=True)
class ExportResult:
    key_id: str
    interval: str
    records: int
    path: Path | None
    """The JSONL file written (None when files are off)."""
    posted: int = 0
    """Records sent to the collector by this run."""
    unchanged: int = 0
    """Records the collector already had as they are (not sent again)."""


def export_path(settings: Settings, key_id: str, interval: Interval) -> Path:
    return (
        settings.home
        / "exports"
        / "siem"
        / f"key={key_id}"
        / f"dt={interval.dt}"
        / f"findings-{interval.tag}.jsonl"
    )


def export_interval(
    settings: Settings,
    key_id: str,
    interval: Interval,
    *,
    config: SiemConfig,
    triage: TriageView | None = None,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
    force: bool = False,
) -> ExportResult:
    """Export the findings of one key × interval (`occurred_at` inside it).

    `force` re-sends every record to the collector, even those it already has.
    """
    with open_marts(settings) as con:
        rows = load_findings(
            con,
            "key_id = ? and occurred_at >= ? and occurred_at < ?",
            [key_id, interval.start, interval.end],
        )
    view = triage if triage is not None else StateTriage(runtime.state_engine(settings))
    states = view.states(refs_of(rows))
    records = [
        export_record(row, state_of(states, row.finding_id), config.dashboard_url) for row in rows
    ]
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=False) for r in records]
    path = None
    if config.write_files:
        path = export_path(settings, key_id, interval)
        write_bytes_atomic(path, "".join(line + "\n" for line in lines).encode())
    posted = unchanged = 0
    if config.url is not None and config.kind is not None:
        posted, unchanged = _post(settings, config, records, lines, transport, retry, force)
    return ExportResult(
        key_id=key_id,
        interval=str(interval),
        records=len(records),
        path=path,
        posted=posted,
        unchanged=unchanged,
    )


def export_record(row: FindingRow, state: TriageState, dashboard_url: str) -> dict[str, Any]:
    """One finding as the SIEM sees it: flat, UTC ISO timestamps, no matched value."""
    occurred = _iso(row.occurred_at)
    return {
        "schema": SCHEMA,
        "finding_id": row.finding_id,
        "@timestamp": occurred,
        "occurred_at": occurred,
        "scanned_at": _iso(row.scanned_at),
        "key_id": row.key_id,
        "organization_uuid": row.organization_uuid,
        "organization_name": row.organization_name,
        "user_id": row.user_id,
        "user_email": row.user_email,
        "source": row.source,
        "source_id": row.source_id,
        "chat_id": row.chat_id,
        "project_id": row.project_id,
        "session_id": row.session_id,
        "location": row.location,
        "detector": row.detector,
        "category": row.category,
        "severity": row.severity,
        "start_offset": row.start_offset,
        "end_offset": row.end_offset,
        "redacted_match": row.redacted_match,
        "fingerprint": row.fingerprint,
        "confidence": row.confidence,
        "ruleset_version": row.ruleset_version,
        "triage_status": state.status.value,
        "is_suppressed": state.is_suppressed,
        "dashboard_url": finding_link(dashboard_url, row.finding_id),
    }


def sink_id(config: SiemConfig) -> str:
    """Names the collector in the export ledger without storing its URL (it may hold a token)."""
    digest = hashlib.sha256(f"{config.kind}|{config.url}|{config.index}".encode()).hexdigest()
    return f"{config.kind}:{digest[:24]}"


def _post(
    settings: Settings,
    config: SiemConfig,
    records: Sequence[Mapping[str, Any]],
    lines: Sequence[str],
    transport: httpx.BaseTransport | None,
    retry: RetryPolicy | None,
    force: bool,
) -> tuple[int, int]:
    assert config.url is not None and config.kind is not None
    sink = sink_id(config)
    ledger = ExportLedger(runtime.state_engine(settings))
    hashes = {
        str(r["finding_id"]): hashlib.sha256(line.encode()).hexdigest()
        for r, line in zip(records, lines, strict=True)
    }
    known = {} if force else ledger.hashes(sink, hashes)
    todo = [
        (r, line)
        for r, line in zip(records, lines, strict=True)
        if known.get(str(r["finding_id"])) != hashes[str(r["finding_id"])]
    ]
    with Poster(f"SIEM ({config.kind})", transport=transport, retry=retry) as poster:
        for start in range(0, len(todo), config.batch_size):
            batch = todo[start : start + config.batch_size]
            if config.kind is SiemKind.SPLUNK_HEC:
                _post_hec(poster, config, batch)
            else:
                _post_bulk(poster, config, batch)
            ledger.record(
                sink, {str(r["finding_id"]): hashes[str(r["finding_id"])] for r, _ in batch}
            )
    return len(todo), len(records) - len(todo)


def _post_hec(
    poster: Poster, config: SiemConfig, batch: Sequence[tuple[Mapping[str, Any], str]]
) -> None:
    """Splunk HTTP Event Collector: concatenated event envelopes in one request."""
    assert config.url is not None
    envelopes = []
    for record, _ in batch:
        envelope: dict[str, Any] = {
            "time": _epoch(record["occurred_at"]),
            "source": SOURCE,
            "sourcetype": SOURCETYPE,
            "event": record,
        }
        if config.index:
            envelope["index"] = config.index
        envelopes.append(json.dumps(envelope, ensure_ascii=False))
    headers = {"authorization": f"Splunk {config.token}"} if config.token else {}
    poster.post(config.url, content="\n".join(envelopes).encode(), headers=headers)


def _post_bulk(
    poster: Poster, config: SiemConfig, batch: Sequence[tuple[Mapping[str, Any], str]]
) -> None:
    """Elasticsearch / OpenSearch `_bulk`: `index` under `_id = finding_id` (idempotent)."""
    assert config.url is not None
    body = []
    for record, line in batch:
        action = {"index": {"_index": config.index, "_id": record["finding_id"]}}
        body.append(json.dumps(action))
        body.append(line)
    headers = {"authorization": f"ApiKey {config.token}"} if config.token else {}
    response = poster.post(
        config.url,
        content=("\n".join(body) + "\n").encode(),
        content_type="application/x-ndjson",
        headers=headers,
    )
    try:
        answer: Any = response.json()
    except ValueError:
        answer = {}
    # The collector's answer is untrusted: only an object with `errors` true is read, and
    # only the parts of it shaped as the _bulk API documents.
    if isinstance(answer, dict) and answer.get("errors"):
        items = answer.get("items")
        errors = [
            item["index"]["error"]
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict)
            and isinstance(item.get("index"), dict)
            and item["index"].get("error")
        ]
        first: Any = errors[0] if errors else {}
        reason = first.get("reason") if isinstance(first, dict) else str(first)
        raise DeliveryError(poster.channel, redact_url(config.url), f"rejected items: {reason}")


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.isoformat()


def _epoch(iso: str | None) -> float | None:
    return datetime.fromisoformat(iso).timestamp() if iso else None
