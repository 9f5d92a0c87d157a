"""The state DB's one timestamp type: whatever goes in, an aware UTC datetime comes out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from claude_compliance.state.db import make_engine, upgrade
from claude_compliance.state.schema import TS, UTCDateTime, audit_table, metadata

MOMENT = datetime(2026, 11, 20, 12, 30, 15, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    "written",
    [
        MOMENT,
        MOMENT.astimezone(timezone(timedelta(hours=-5))),
        MOMENT.astimezone(timezone(timedelta(hours=9, minutes=30))),
        MOMENT.replace(tzinfo=None),  # naive: taken as UTC, as SQLite stores it
    ],
    ids=["utc", "minus-5", "plus-9h30", "naive"],
)
def test_a_timestamp_reads_back_as_the_same_instant_in_utc(
    state_url: str, written: datetime
) -> None:
    engine = make_engine(state_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(audit_table.insert().values(created_at=written, actor="t", action="a"))
        read = conn.execute(sa.select(audit_table.c.created_at)).scalar_one()
        # Comparisons bind through the same type: the instant matches whatever its zone.
        matched = conn.execute(
            sa.select(sa.func.count()).where(audit_table.c.created_at == written)
        ).scalar_one()
    engine.dispose()
    assert read == MOMENT and read.tzinfo == UTC
    assert matched == 1


def test_every_timestamp_column_uses_the_utc_type() -> None:
    columns = [c for t in metadata.tables.values() for c in t.columns]
    dated = [c for c in columns if isinstance(c.type, sa.DateTime | UTCDateTime)]
    assert dated and all(isinstance(c.type, UTCDateTime) for c in dated)
    assert isinstance(TS, UTCDateTime)
