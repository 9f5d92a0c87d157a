"""Data intervals and the one rule that maps an interval to its partition."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A half-open UTC interval `[start, end)`: one DAG run, or one step of `run`."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("interval bounds must be timezone-aware")
        if self.end <= self.start:
            raise ValueError(f"empty interval: {self.start.isoformat()} >= {self.end.isoformat()}")
        if partition_date(self.start) != partition_date(self.end - timedelta(microseconds=1)):
            raise ValueError("an interval must not cross a UTC day boundary")

    @property
    def tag(self) -> str:
        """The interval's name inside its partition (one file set per interval)."""
        return f"{self.start.astimezone(UTC):%Y%m%dT%H%M}_{self.end.astimezone(UTC):%Y%m%dT%H%M}"

    @property
    def dt(self) -> str:
        return partition_for(self)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {self.end.isoformat()})"


def parse_tag(tag: str) -> Interval:
    """The interval a file-set tag names (the inverse of `Interval.tag`)."""
    start, end = tag.split("_")
    return Interval(
        datetime.strptime(start, "%Y%m%dT%H%M").replace(tzinfo=UTC),
        datetime.strptime(end, "%Y%m%dT%H%M").replace(tzinfo=UTC),
    )


def partition_date(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def partition_for(interval: Interval) -> str:
    """The `dt=` partition an interval writes: the UTC date of its start."""
    return partition_date(interval.start).isoformat()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def daily_intervals(start: date, end: date) -> Iterator[Interval]:
    """The daily intervals covering `[start, end)`."""
    if end <= start:
        raise ValueError(f"--end ({end}) must be after --start ({start})")
    day = start
    while day < end:
        yield Interval(day_start(day), day_start(day + timedelta(days=1)))
        day += timedelta(days=1)


def parse_timestamp(value: str | None) -> datetime | None:
    """RFC 3339 as the API writes it (several precisions; some without an offset → UTC)."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
