"""What every resource family's sync shares: options, the interval context, ledger lines."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from claude_compliance.api import ComplianceClient
from claude_compliance.api.client import Page
from claude_compliance.lake.fs import LakeDir
from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import Written, read_interval, write_interval
from claude_compliance.sync.content import ContentCache
from claude_compliance.sync.plan import (
    DEFAULT_ACTIVITY_LAG,
    DEFAULT_ACTIVITY_OVERLAP,
    IntervalPlan,
    plan_interval,
)

Progress = Callable[[str, int], None]
Rows = list[dict[str, Any]]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SyncOptions:
    size_cap_bytes: int = 10 * 1024 * 1024
    activity_lag: timedelta = DEFAULT_ACTIVITY_LAG
    activity_overlap: timedelta = DEFAULT_ACTIVITY_OVERLAP
    now: Callable[[], datetime] = _utcnow
    sleep: Callable[[float], None] = time.sleep


@dataclass(slots=True)
class TableReport:
    """One line of the completeness ledger: what one table of one interval took."""

    table: str
    status: str = "ok"
    records: int = 0
    requests: int = 0
    first_cursor: str | None = None
    last_cursor: str | None = None
    last_request_id: str | None = None
    started_at: datetime = field(default_factory=_utcnow)
    finished_at: datetime | None = None
    detail: str | None = None

    def as_manifest(self) -> dict[str, Any]:
        document = asdict(self)
        for name in ("started_at", "finished_at"):
            value = document[name]
            document[name] = value.isoformat() if value else None
        return document

    def as_ledger_row(self, key_id: str, interval: Interval) -> dict[str, Any]:
        return {
            **asdict(self),
            "resource": self.table,
            "key_id": key_id,
            "interval_start": interval.start,
            "interval_end": interval.end,
        }


@dataclass(frozen=True, slots=True)
class ExtractContext:
    client: ComplianceClient
    lake_dir: LakeDir
    key_id: str
    interval: Interval
    plan: IntervalPlan
    options: SyncOptions
    content: ContentCache
    synced_at: datetime
    progress: Progress

    @classmethod
    def create(
        cls,
        client: ComplianceClient,
        lake_dir: LakeDir,
        key_id: str,
        interval: Interval,
        options: SyncOptions,
        progress: Progress | None,
    ) -> ExtractContext:
        return cls(
            client=client,
            lake_dir=lake_dir,
            key_id=key_id,
            interval=interval,
            plan=plan_interval(
                interval,
                activity_lag=options.activity_lag,
                activity_overlap=options.activity_overlap,
            ),
            options=options,
            content=ContentCache(lake_dir, key_id),
            synced_at=options.now(),
            progress=progress or (lambda _table, _rows: None),
        )

    def previous(self, table: str, key: str) -> dict[str, dict[str, Any]]:
        """The rows this interval wrote last time, by `key` (empty on a first sync)."""
        rows = read_interval(
            self.lake_dir, "raw", table, self.key_id, self.interval, RAW[table]
        ).to_pylist()
        return {str(row[key]): row for row in rows}


class Tracker:
    """Accounts one table's requests and cursors, and writes its file set at the end."""

    def __init__(self, ctx: ExtractContext, table: str) -> None:
        self.ctx = ctx
        self.report = TableReport(table=table)

    def page(self, page: Page) -> None:
        """Account for one list page (its requests, cursor and request id)."""
        if self.report.first_cursor is None and page.cursor:
            self.report.first_cursor = page.cursor
        if page.cursor:
            self.report.last_cursor = page.cursor
        self.call(page.attempts, page.request_id)

    def call(self, attempts: int, request_id: str | None = None) -> None:
        """Account for a single request (a detail or a download), retries included."""
        self.report.requests += attempts
        if request_id:
            self.report.last_request_id = request_id

    def note(self, detail: str) -> None:
        self.report.detail = f"{self.report.detail}; {detail}" if self.report.detail else detail

    def write(self, rows: Rows) -> Written:
        self.report.records = len(rows)
        self.report.finished_at = _utcnow()
        written = write_interval(
            self.ctx.lake_dir,
            "raw",
            self.report.table,
            self.ctx.key_id,
            self.ctx.interval,
            rows,
            RAW[self.report.table],
            manifest=self.report.as_manifest(),
        )
        self.ctx.progress(self.report.table, len(rows))
        return written
