from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from claude_compliance.lake.interval import (
    Interval,
    daily_intervals,
    parse_timestamp,
    partition_for,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_partition_is_the_utc_date_of_the_interval_start() -> None:
    assert partition_for(Interval(utc(2026, 11, 25), utc(2026, 11, 26))) == "2026-11-25"
    hourly = Interval(utc(2026, 11, 25, 23), utc(2026, 11, 26))
    assert partition_for(hourly) == "2026-11-25"
    assert hourly.tag == "20261125T2300_20261126T0000"


def test_daily_and_hourly_intervals_share_the_partition_not_the_file_set() -> None:
    day = Interval(utc(2026, 11, 25), utc(2026, 11, 26))
    hour = Interval(utc(2026, 11, 25, 5), utc(2026, 11, 25, 6))
    assert day.dt == hour.dt
    assert day.tag != hour.tag


def test_interval_rejects_naive_empty_and_day_crossing_bounds() -> None:
    with pytest.raises(ValueError, match="timezone"):
        Interval(datetime(2026, 1, 1), datetime(2026, 1, 2))
    with pytest.raises(ValueError, match="empty"):
        Interval(utc(2026, 1, 2), utc(2026, 1, 1))
    with pytest.raises(ValueError, match="day boundary"):
        Interval(utc(2026, 1, 1, 12), utc(2026, 1, 2, 12))


def test_daily_intervals_cover_the_half_open_range() -> None:
    days = list(daily_intervals(date(2026, 11, 1), date(2026, 11, 4)))
    assert [i.dt for i in days] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert all(i.end - i.start == timedelta(days=1) for i in days)
    with pytest.raises(ValueError, match="after"):
        list(daily_intervals(date(2026, 11, 4), date(2026, 11, 4)))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-04-10T08:09:10Z", utc(2026, 4, 10, 8, 9, 10)),
        ("2026-04-10T08:09:10.123456Z", utc(2026, 4, 10, 8, 9, 10, 123456)),
        ("2026-04-10T10:09:10+02:00", utc(2026, 4, 10, 8, 9, 10)),
        ("2025-03-12T18:22:41.123456", utc(2025, 3, 12, 18, 22, 41, 123456)),
        (None, None),
    ],
)
def test_timestamps_parse_leniently(raw: str | None, expected: datetime | None) -> None:
    assert parse_timestamp(raw) == expected
