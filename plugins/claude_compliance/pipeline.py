"""The stages of a run, shared by `claude-compliance run` and the Airflow DAG tasks.

extract (per key × interval) → scan (per key × interval) → dbt build → publish.
Stages pass key ids, paths and counts between them, never key material or data.

A range (`run_range`, `rescan_range`) attempts every key × interval: whatever one of them
raises is listed and the next one runs; the warehouse is then built and published from what
succeeded, and `RunIncomplete` names every failure.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import httpx

from claude_compliance import runtime
from claude_compliance.api import ComplianceAPIError
from claude_compliance.home_lock import writer_lock
from claude_compliance.keys.store import KeyStoreError
from claude_compliance.lake.integrity import BadFile, check_lake, quarantine
from claude_compliance.lake.interval import Interval, daily_intervals
from claude_compliance.lake.writer import SCHEMA_PARTITION, intervals_written
from claude_compliance.scan.step import ScanResult, scan_interval
from claude_compliance.settings import Settings
from claude_compliance.sync.extract import SyncOptions, TableReport, extract_interval
from claude_compliance.warehouse.builder import DbtResult, build_warehouse, publish_docs
from claude_compliance.warehouse.publish import publish as publish_warehouse

if TYPE_CHECKING:
    from claude_compliance.reports.config import DeliveryConfig

log = logging.getLogger(__name__)

Reporter = Callable[[str], None]


class PipelineError(RuntimeError):
    """A stage failed for one or more keys; the message names them and why."""


class RunIncomplete(PipelineError):
    """Some key × intervals (or deliveries) of a range failed; the rest was built and
    published. `failures` has one line per failure (no key material), `scans` what ran."""

    def __init__(self, failures: Sequence[str], scans: Sequence[ScanResult]) -> None:
        self.failures = list(failures)
        self.scans = list(scans)
        super().__init__("; ".join(self.failures))


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ExtractSummary:
    key_id: str
    interval: str
    records: int
    requests: int
    tables: dict[str, int]


def extract(
    settings: Settings,
    key_id: str,
    interval: Interval,
    *,
    transport: httpx.BaseTransport | None = None,
    on_secret: Callable[[str], None] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> ExtractSummary:
    """Sync one key × interval into the raw lake and record the outcome on the key."""
    store = runtime.key_store(settings)
    record = store.get(key_id)
    if record.status == "revoked":
        raise PipelineError(f"key {key_id} is revoked: not syncing it")
    label = f"{key_id} {record.fingerprint}"
    try:
        plaintext = store.reveal(key_id)
        if on_secret is not None:
            on_secret(plaintext)
        with runtime.client(
            settings, plaintext, key_id=key_id, key_label=label, transport=transport
        ) as api:
            reports = extract_interval(
                api,
                settings.lake_dir,
                key_id,
                interval,
                options=sync_options(settings),
                progress=progress,
            )
    except (ComplianceAPIError, KeyStoreError) as exc:
        store.record_sync(
            key_id,
            ok=False,
            error=str(exc),
            interval_start=interval.start,
            interval_end=interval.end,
        )
        raise PipelineError(f"sync of key {key_id} for {interval} failed: {exc}") from None
    except Exception as exc:
        # Neither the API nor the key (a full disk, a bug): still the key's last sync
        # failed, and the cause propagates unchanged.
        store.record_sync(
            key_id,
            ok=False,
            error=f"{type(exc).__name__}: {exc}",
            interval_start=interval.start,
            interval_end=interval.end,
        )
        raise
    store.record_sync(key_id, ok=True, interval_start=interval.start, interval_end=interval.end)
    return _summary(key_id, interval, reports)


def sync_options(settings: Settings) -> SyncOptions:
    return SyncOptions(
        size_cap_bytes=settings.file_size_cap_bytes,
        activity_lag=timedelta(seconds=settings.activity_lag_s),
        activity_overlap=timedelta(seconds=settings.activity_overlap_s),
    )


def _summary(key_id: str, interval: Interval, reports: list[TableReport]) -> ExtractSummary:
    return ExtractSummary(
        key_id=key_id,
        interval=str(interval),
        records=sum(r.records for r in reports),
        requests=sum(r.requests for r in reports),
        tables={r.table: r.records for r in reports},
    )


def scan(settings: Settings, key_id: str, interval: Interval) -> ScanResult:
    return scan_interval(settings.lake_dir, key_id, interval, runtime.scan_engine(settings))


def synced_intervals(settings: Settings, key_id: str, start: date, end: date) -> list[Interval]:
    """Every interval of one key synced into the lake on the days `[start, end)`.

    Read from the ledger partitions, so hourly and daily syncs are both found.
    """
    found: list[Interval] = []
    for day in daily_intervals(start, end):
        found.extend(intervals_written(settings.lake_dir, "raw", "sync_ledger", key_id, day.dt))
    return found


def rescan_range(
    settings: Settings,
    start: date,
    end: date,
    *,
    key_ids: Sequence[str] | None = None,
    report: Reporter | None = None,
) -> list[ScanResult]:
    """Re-scan the stored raw data of `[start, end)` with the current rules, then rebuild."""
    say = report or (lambda _line: None)
    with home_writer(settings, f"rescan {start}..{end}", say):
        engine = runtime.scan_engine(settings)
        scans: list[ScanResult] = []
        failures: list[str] = []
        for key_id in active_key_ids(settings, key_ids):
            for interval in synced_intervals(settings, key_id, start, end):
                result = attempt(
                    settings,
                    key_id,
                    interval,
                    "rescan",
                    partial(scan_interval, settings.lake_dir, key_id, interval, engine),
                    failures,
                    say,
                )
                if result is None:
                    continue
                scans.append(result)
                say(
                    f"rescan {interval.dt} key {key_id}: {result.inputs} inputs, "
                    f"{result.findings} findings (rules {result.ruleset_version})"
                )
        if not scans and not failures:
            raise PipelineError(f"nothing synced between {start} and {end} to rescan")
        say("dbt build")
        build(settings, report=say)
        say("publish")
        publish(settings)
    if failures:
        raise RunIncomplete(failures, scans)
    return scans


def attempt(
    settings: Settings,
    key_id: str,
    interval: Interval,
    stage: str,
    work: Callable[[], T],
    failures: list[str],
    say: Reporter,
) -> T | None:
    """One stage of one key × interval; a failure is appended to `failures`, not raised.

    Whatever the stage raises (an API error, a record we cannot read, a full disk) loses
    only this key × interval: a range goes on with the next one and fails at its end. The
    line says which, in which stage and why, with no key material and no text a terminal
    or a database would refuse; `--debug` logs the traceback.
    """
    try:
        return work()
    except PipelineError as exc:
        message = str(exc)
    except Exception as exc:  # listed below and raised by the range at its end
        log.debug("%s of key %s for %s failed", stage, key_id, interval, exc_info=True)
        lines = str(exc).strip().splitlines()
        detail = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
        message = f"{stage} of key {key_id} for {interval} failed: {detail}"
    message = runtime.key_store(settings).scrub(key_id, message)
    failures.append(message)
    say(f"interval {interval.dt} key {key_id}: FAILED {message}")
    return None


def home_writer(
    settings: Settings, command: str, report: Reporter | None = None
) -> contextlib.AbstractContextManager[None]:
    """The home's writer lock (`home_lock`), waiting up to the configured timeout."""
    return writer_lock(settings.home, command, timeout_s=settings.lock_timeout_s, on_wait=report)


def repair_lake(
    settings: Settings,
    report: Reporter | None = None,
    resync: Callable[[str, Interval], None] | None = None,
) -> list[BadFile]:
    """Check every lake file against its manifest; quarantine the bad ones and re-sync their
    key × interval: a scan file is re-scanned from raw, a raw file re-extracted by `resync`
    (then re-scanned). Raises naming each file that could not be re-synced."""
    say = report or (lambda _line: None)
    bad = check_lake(settings.lake_dir)
    if not bad:
        return []
    moved = quarantine(settings.lake_dir, bad)
    unresolved: list[str] = []
    rescans: set[tuple[str, Interval]] = set()
    for item in moved:
        say(f"quarantined {item}")
        if item.key_id == SCHEMA_PARTITION[0].removeprefix("key="):
            continue  # an empty schema file: the build writes it again
        if item.interval is None:
            unresolved.append(str(item))
        elif item.zone == "raw":
            if resync is None:
                unresolved.append(
                    f"{item}; re-sync it with: claude-compliance run --start "
                    f"{item.interval.dt} --end {_next_day(item.interval.dt)} --key {item.key_id}"
                )
                continue
            try:
                resync(item.key_id, item.interval)
            except PipelineError as exc:
                unresolved.append(f"{item}; its re-sync failed: {exc}")
                continue
            rescans.add((item.key_id, item.interval))
        else:
            rescans.add((item.key_id, item.interval))
    for key_id, interval in sorted(rescans, key=lambda k: (k[0], k[1].start)):
        say(f"re-scan {interval.dt} key {key_id} after quarantine")
        scan(settings, key_id, interval)
    if unresolved:
        raise PipelineError(
            "lake files failed their manifest check and were quarantined: " + "; ".join(unresolved)
        )
    return moved


def _next_day(dt: str) -> str:
    return (date.fromisoformat(dt) + timedelta(days=1)).isoformat()


def build(
    settings: Settings,
    *,
    report: Reporter | None = None,
    resync: Callable[[str, Interval], None] | None = None,
) -> DbtResult:
    """`dbt build`, holding the home's writer lock, after the lake passed its manifest check
    (`repair_lake`: a bad file is quarantined and re-synced, or the build fails naming it)."""
    with home_writer(settings, "dbt build", report):
        repair_lake(settings, report, resync)
        return build_warehouse(settings)


def publish(settings: Settings) -> Path:
    """Swap the built warehouse in for readers, with its dbt docs beside it."""
    with home_writer(settings, "publish"):
        published = publish_warehouse(settings)
        publish_docs(settings)
    return published


def failed_keys_since(
    settings: Settings, key_ids: Sequence[str], since: datetime
) -> dict[str, str]:
    """Keys among `key_ids` whose sync failed at or after `since`, with the reason."""
    store = runtime.key_store(settings)
    failed = {}
    for key_id in key_ids:
        record = store.get(key_id)
        if (
            record.last_sync_status == "failed"
            and record.last_sync_at is not None
            and record.last_sync_at >= since
        ):
            failed[key_id] = record.last_error or "unknown error"
    return failed


def active_key_ids(settings: Settings, only: Sequence[str] | None = None) -> list[str]:
    store = runtime.key_store(settings)
    keys = [k.key_id for k in store.active()]
    if only:
        unknown = [k for k in only if k not in {r.key_id for r in store.all()}]
        if unknown:
            raise PipelineError(f"unknown key id(s): {', '.join(unknown)}")
        revoked = [k for k in only if k not in keys]
        if revoked:
            raise PipelineError(f"key(s) revoked, not syncing: {', '.join(revoked)}")
        return list(only)
    return keys


def run_range(
    settings: Settings,
    start: date,
    end: date,
    *,
    key_ids: Sequence[str] | None = None,
    transport: httpx.BaseTransport | None = None,
    report: Reporter | None = None,
    deliveries: DeliveryConfig | None = None,
) -> list[ScanResult]:
    """extract → scan for each key × daily interval of [start, end), then build and publish.

    A failing key × interval stops neither the other keys nor the later intervals; the run
    raises `RunIncomplete` at the end, naming every failure, after the warehouse was rebuilt
    and published from whatever did succeed. `deliveries` (the SIEM export and alerts after
    the publish) is loaded by the caller, the CLI from the environment; None delivers nothing.
    """
    say = report or (lambda _line: None)
    with home_writer(settings, f"run {start}..{end}", say):
        return _run_range(settings, start, end, key_ids, transport, say, deliveries)


def _run_range(
    settings: Settings,
    start: date,
    end: date,
    key_ids: Sequence[str] | None,
    transport: httpx.BaseTransport | None,
    say: Reporter,
    deliveries: DeliveryConfig | None,
) -> list[ScanResult]:
    keys = active_key_ids(settings, key_ids)
    if not keys:
        raise PipelineError("no active Compliance key: register one with `keys add`")
    failures: list[str] = []
    scans: list[ScanResult] = []
    synced: list[tuple[str, Interval]] = []
    for interval in daily_intervals(start, end):
        for key_id in keys:
            say(f"interval {interval.dt} key {key_id}: extract")

            def tick(table: str, rows: int, k: str = key_id, dt: str = interval.dt) -> None:
                say(f"interval {dt} key {k}: extract {table} {rows} records")

            summary = attempt(
                settings,
                key_id,
                interval,
                "extract",
                partial(extract, settings, key_id, interval, transport=transport, progress=tick),
                failures,
                say,
            )
            if summary is None:
                continue
            say(
                f"interval {interval.dt} key {key_id}: extracted {summary.records} records "
                f"in {summary.requests} requests; scan"
            )
            result = attempt(
                settings,
                key_id,
                interval,
                "scan",
                partial(scan, settings, key_id, interval),
                failures,
                say,
            )
            if result is None:
                continue
            scans.append(result)
            synced.append((key_id, interval))
            say(
                f"interval {interval.dt} key {key_id}: scanned {result.inputs} inputs, "
                f"{result.findings} findings"
            )

    def resync(key_id: str, interval: Interval) -> None:
        if key_id not in keys:
            raise PipelineError(f"key {key_id} is not part of this run (or is revoked)")
        extract(settings, key_id, interval, transport=transport)

    say("dbt build")
    build(settings, report=say, resync=resync)
    say("publish")
    publish(settings)
    if deliveries is not None:
        failures.extend(deliver(settings, synced, keys, say, deliveries))
    if failures:
        raise RunIncomplete(failures, scans)
    return scans


def deliver(
    settings: Settings,
    synced: Sequence[tuple[str, Interval]],
    key_ids: Sequence[str],
    say: Reporter,
    config: DeliveryConfig,
) -> list[str]:
    """After publish: the SIEM export of each synced key × interval, then the alerts.

    Both do nothing unless configured; a delivery failure is returned, not raised, so the
    one failing sink does not hide the others.
    """
    from claude_compliance.reports.alerts import send_alerts
    from claude_compliance.reports.errors import ReportError
    from claude_compliance.reports.siem import export_interval

    failures: list[str] = []
    for key_id, interval in synced:
        try:
            exported = export_interval(settings, key_id, interval, config=config.siem)
        except ReportError as exc:
            failures.append(f"SIEM export of key {key_id} for {interval} failed: {exc}")
            continue
        if exported.records:
            say(f"interval {interval.dt} key {key_id}: exported {exported.records} findings")
    try:
        alerts = send_alerts(settings, config=config.alerts, key_ids=key_ids)
    except ReportError as exc:
        failures.append(f"alerts failed: {exc}")
    else:
        if alerts.is_configured:
            say(f"alerts: {sum(len(v) for v in alerts.sent.values())} sent")
    return failures
