"""The interval rule: one data interval → its partition and each resource's API filter.

An interval must come out the same whether it is synced right after it closes or months
later (ARCHITECTURE §2), so each resource is asked for what can still describe the interval:

- activities: `created_at` inside the interval, fetched once the feed has caught up (events
  become queryable up to about a minute late), plus a re-poll of the overlap before the
  interval whose late arrivals are merged into the interval that owns them;
- chats: `updated_at >= start` with no upper bound (a chat's `updated_at` moves with every
  new message), then only the messages `created_at` inside the interval;
- projects: `updated_at >= start`, plus the projects the interval's activity feed names;
  attachments `created_at` inside the interval;
- sessions (local and remote): like chats, found by `updated_at >= start` (filtered by the
  sync for remote sessions, which have no such filter) and `created_at < end`, then only the
  messages `created_at` inside the interval;
- directory (organizations, users, roles, groups, settings): a snapshot taken at sync time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from claude_compliance.lake.interval import Interval, partition_for

DEFAULT_ACTIVITY_LAG = timedelta(seconds=90)
DEFAULT_ACTIVITY_OVERLAP = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class IntervalPlan:
    interval: Interval
    dt: str
    activities: dict[str, Any]
    chats: dict[str, Any]
    messages: dict[str, Any]
    projects: dict[str, Any]
    local_sessions: dict[str, Any]
    remote_sessions: dict[str, Any]
    session_messages: dict[str, Any]
    overlap_start: datetime
    activities_visible_at: datetime

    def owns(self, moment: datetime) -> bool:
        """Whether a record created at `moment` belongs to this interval's partition."""
        return self.interval.contains(moment)

    def is_late_arrival(self, moment: datetime) -> bool:
        """Whether a record belongs to the overlap re-polled before the interval."""
        return self.overlap_start <= moment < self.interval.start


def plan_interval(
    interval: Interval,
    *,
    activity_lag: timedelta = DEFAULT_ACTIVITY_LAG,
    activity_overlap: timedelta = DEFAULT_ACTIVITY_OVERLAP,
) -> IntervalPlan:
    overlap_start = interval.start - activity_overlap
    return IntervalPlan(
        interval=interval,
        dt=partition_for(interval),
        activities={
            "created_at.gte": overlap_start,
            "created_at.lt": interval.end,
            "limit": 5000,
        },
        chats={"order_by": "updated_at", "updated_at.gte": interval.start, "limit": 1000},
        messages={
            "created_at.gte": interval.start,
            "created_at.lt": interval.end,
            "limit": 1000,
        },
        projects={"updated_at.gte": interval.start, "limit": 100},
        local_sessions={
            "updated_at.gte": interval.start,
            "created_at.lt": interval.end,
            "limit": 500,
        },
        # No updated_at filter on remote sessions (§5.9): every session created before the
        # end is listed and filtered on its updated_at by the sync.
        remote_sessions={"created_at.lt": interval.end, "limit": 500},
        # One walk per session, oldest first, tool results whole (-1 = the server's maximum).
        session_messages={
            "limit": 1000,
            "order": "asc",
            "tool_result_max_bytes": -1,
            "tool_use_input_max_bytes": -1,
        },
        overlap_start=overlap_start,
        activities_visible_at=interval.end + activity_lag,
    )
