"""Our own API traffic: the request-ids of every call we make, so the activity feed's
`compliance_api_accessed` events they cause can be told apart from everyone else's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claude_compliance.api.client import RequestStats
from claude_compliance.lake.fs import LakeDir
from claude_compliance.lake.interval import Interval, day_start
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import write_interval

UNREGISTERED = "_unregistered"  # calls made before a key has an id (live validation)


def record_own_requests(
    lake_dir: LakeDir, key_id: str | None, stats: RequestStats, at: datetime | None = None
) -> None:
    """Write one file set of request-ids, under the day they were made."""
    if not stats.request_ids:
        return
    moment = at or datetime.now(UTC)
    start = day_start(moment.date())
    rows = [
        {"request_id": rid, "key_id": key_id or UNREGISTERED, "synced_at": moment}
        for rid in dict.fromkeys(stats.request_ids)
    ]
    write_interval(
        lake_dir,
        "raw",
        "own_requests",
        key_id or UNREGISTERED,
        Interval(start, start + timedelta(days=1)),
        rows,
        RAW["own_requests"],
        variant=f"run{moment:%Y%m%dT%H%M%S%f}",
    )
