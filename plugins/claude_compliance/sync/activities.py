"""The activity feed of one interval, with the late arrivals of the interval before it.

Activities become queryable up to about a minute after they happen. The sync waits until
the interval end plus that lag, then polls the interval together with an overlap before it;
events of the overlap that an earlier sync missed are merged into the file set of the
interval that owns them (deduplicated by id), so no event is lost and none is duplicated.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from claude_compliance.api.pagination import CursorPaginator
from claude_compliance.lake.interval import parse_timestamp, partition_date
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import (
    intervals_written,
    read_interval,
    write_interval,
)
from claude_compliance.sync import records
from claude_compliance.sync.context import ExtractContext, Rows, TableReport, Tracker

log = logging.getLogger(__name__)


def activities(ctx: ExtractContext) -> tuple[list[TableReport], Rows]:
    tracker = Tracker(ctx, "activities")
    _wait_until_visible(ctx)
    owned: dict[str, dict[str, Any]] = {}
    late: dict[str, dict[str, Any]] = {}
    pages = ctx.client.paginate("/v1/compliance/activities", CursorPaginator(), ctx.plan.activities)
    for page in pages:
        tracker.page(page)
        for record in page.items:
            created_at = parse_timestamp(record.get("created_at"))
            if created_at is None or ctx.plan.owns(created_at):
                owned[record["id"]] = record
            elif ctx.plan.is_late_arrival(created_at):
                late[record["id"]] = record
    merged = _merge_late_arrivals(ctx, late)
    if merged:
        tracker.note(f"{merged} late arrival(s) merged into earlier intervals")
    rows = [records.activity_row(r, ctx.key_id, ctx.synced_at) for r in owned.values()]
    tracker.write(rows)
    return [tracker.report], [dict(r) for r in owned.values()]


def _wait_until_visible(ctx: ExtractContext) -> None:
    wait = (ctx.plan.activities_visible_at - ctx.options.now()).total_seconds()
    if wait > 0:
        log.info("waiting %.0fs for the activity feed to catch up with %s", wait, ctx.interval)
        ctx.options.sleep(min(wait, ctx.options.activity_lag.total_seconds()))


def _merge_late_arrivals(ctx: ExtractContext, late: dict[str, dict[str, Any]]) -> int:
    """Add overlap events missing from the earlier interval that owns them; returns how many."""
    if not late:
        return 0
    schema = RAW["activities"]
    by_interval: dict[Any, list[dict[str, Any]]] = {}
    for record in late.values():
        created_at = parse_timestamp(record["created_at"])
        assert created_at is not None
        owner = _owner(ctx, created_at)
        if owner is not None:
            by_interval.setdefault(owner, []).append(record)
    merged = 0
    for interval, candidates in by_interval.items():
        existing = read_interval(ctx.lake_dir, "raw", "activities", ctx.key_id, interval, schema)
        known = set(existing.column("activity_id").to_pylist())
        missing = [r for r in candidates if r["id"] not in known]
        if not missing:
            continue
        rows = existing.to_pylist() + [
            records.activity_row(r, ctx.key_id, ctx.synced_at) for r in missing
        ]
        write_interval(
            ctx.lake_dir,
            "raw",
            "activities",
            ctx.key_id,
            interval,
            rows,
            schema,
            manifest={"late_arrivals_merged": len(missing), "merged_by": str(ctx.interval)},
        )
        merged += len(missing)
        log.info("merged %d late activities into %s", len(missing), interval)
    return merged


def _owner(ctx: ExtractContext, moment: datetime) -> Any:
    """The already-synced interval of this key whose file set covers `moment`, if any."""
    dt = partition_date(moment).isoformat()
    for interval in intervals_written(ctx.lake_dir, "raw", "activities", ctx.key_id, dt):
        if interval.contains(moment) and interval != ctx.interval:
            return interval
    return None
