"""The live activity feed: generated history plus events recorded while serving."""

from __future__ import annotations

import bisect
import datetime as dt
import threading

from .model import Activity


class ActivityFeed:
    """Activities sorted by (created_at, id); new events become visible after ``lag_s``."""

    def __init__(
        self, history: list[Activity], lag_s: float = 0.0, visibility_lag_s: float = 0.0
    ) -> None:
        self._records = sorted(history, key=lambda a: a.sort_key)
        self._lag = dt.timedelta(seconds=lag_s)
        self._visibility_lag = dt.timedelta(seconds=visibility_lag_s)
        self._lock = threading.Lock()

    def append(self, record: Activity) -> None:
        with self._lock:
            bisect.insort(self._records, record, key=lambda a: a.sort_key)

    def visible(self, now: dt.datetime) -> list[Activity]:
        """Everything queryable at ``now``, ascending."""
        with self._lock:
            records = list(self._records)
        if self._visibility_lag:
            horizon = now - self._visibility_lag
            records = [a for a in records if a.created_at <= horizon]
        if not self._lag:
            return records
        cutoff = now - self._lag
        return [a for a in records if a.type != "compliance_api_accessed" or a.created_at <= cutoff]

    def find(self, activity_id: str) -> Activity | None:
        with self._lock:
            return next((a for a in self._records if a.id == activity_id), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)
