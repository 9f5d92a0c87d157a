from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claude_compliance.lake.interval import Interval
from claude_compliance.sync.plan import plan_interval

DAY = Interval(datetime(2026, 11, 19, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC))
HOUR = Interval(datetime(2026, 11, 19, 23, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC))


def test_partition_is_the_start_date_for_daily_and_hourly_intervals() -> None:
    assert plan_interval(DAY).dt == plan_interval(HOUR).dt == "2026-11-19"


def test_chats_have_no_upper_bound_and_messages_are_bounded_by_the_interval() -> None:
    plan = plan_interval(DAY)
    assert plan.chats == {"order_by": "updated_at", "updated_at.gte": DAY.start, "limit": 1000}
    assert not any(k.startswith("updated_at.l") for k in plan.chats)
    assert plan.messages["created_at.gte"] == DAY.start
    assert plan.messages["created_at.lt"] == DAY.end
    assert plan.projects == {"updated_at.gte": DAY.start, "limit": 100}


def test_activities_re_poll_an_overlap_and_wait_for_late_events() -> None:
    plan = plan_interval(
        DAY, activity_lag=timedelta(seconds=90), activity_overlap=timedelta(minutes=10)
    )
    assert plan.activities["created_at.gte"] == DAY.start - timedelta(minutes=10)
    assert plan.activities["created_at.lt"] == DAY.end
    assert plan.activities_visible_at == DAY.end + timedelta(seconds=90)
    before = DAY.start - timedelta(minutes=5)
    assert plan.is_late_arrival(before) and not plan.owns(before)
    assert plan.owns(DAY.start) and not plan.is_late_arrival(DAY.start)
    assert not plan.owns(DAY.end) and not plan.is_late_arrival(DAY.end)
    assert not plan.is_late_arrival(DAY.start - timedelta(minutes=11))
