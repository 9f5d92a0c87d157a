"""A report period: whole UTC days `[start, end)`, named by its bounds.

>>> p = Period(date(2026, 11, 16), date(2026, 11, 23))
>>> p.label, p.days
('2026-11-16_2026-11-23', 7)
>>> p.previous()
Period(start=datetime.date(2026, 11, 9), end=datetime.date(2026, 11, 16))
>>> p.last_day.isoformat()
'2026-11-22'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from claude_compliance.lake.interval import day_start


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date
    """Exclusive: the day after the last day reported."""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"--end ({self.end}) must be after --start ({self.start})")

    @classmethod
    def from_interval(cls, start: datetime, end: datetime) -> Period:
        """The whole UTC days of a DAG data interval (a weekly cron gives a week)."""
        first = start.astimezone(UTC).date()
        last = end.astimezone(UTC).date()
        if last <= first:
            raise ValueError(
                f"a report covers whole days; the interval [{start.isoformat()}, "
                f"{end.isoformat()}) holds none (use a daily or longer report schedule)"
            )
        return cls(first, last)

    @property
    def label(self) -> str:
        """The folder name under `reports/`."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def start_at(self) -> datetime:
        return day_start(self.start)

    @property
    def end_at(self) -> datetime:
        return day_start(self.end)

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start)

    def each_day(self) -> Iterator[date]:
        day = self.start
        while day < self.end:
            yield day
            day += timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.last_day.isoformat()}"

    def __repr__(self) -> str:
        return f"Period(start={self.start!r}, end={self.end!r})"
