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
        self._by_id = {a.id: a for a in self._records}
        self._lag = dt.timedelta(seconds=lag_s)
        self._visibility_lag = dt.timedelta(seconds=visibility_lag_s)
        self._lock = threading.Lock()

    def append(self, record: Activity) -> None:
        with self._lock:
            bisect.insort(self._records, record, key=lambda a: a.sort_key)
            self._by_id[record.id] = record

    def visible(self, now: dt.datetime) -> list[Activity]:
        """Everything queryable at ``now``, ascending."""
        with self._lock:
            records = self._records
            if self._visibility_lag:
                horizon = now - self._visibility_lag
                records = records[: bisect.bisect_right(records, horizon, key=_created_at)]
            else:
                records = list(records)
        if not self._lag:
            return records
        # Only the newest records can still be hidden: those after the cutoff.
        settled = bisect.bisect_right(records, now - self._lag, key=_created_at)
        recent = [a for a in records[settled:] if a.type != "compliance_api_accessed"]
        return records[:settled] + recent

    def find(self, activity_id: str) -> Activity | None:
        with self._lock:
            return self._by_id.get(activity_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)


def _created_at(record: Activity) -> dt.datetime:
    return record.created_at
