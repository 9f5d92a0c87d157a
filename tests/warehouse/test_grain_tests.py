"""The grain tests (unique, not_null, primary_key) of an incremental build check the rows it
wrote and the older rows sharing their keys (macros/test_rows.sql); a full build or a
hand-run `dbt test` checks every row. Both directions are proved on a copy of the session's
published home: a duplicate among the rows a build writes fails that build, and a duplicate
in a table's untouched history is left to the builds that check every row.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from claude_compliance.lake.interval import daily_intervals
from claude_compliance.pipeline import scan
from claude_compliance.settings import Settings
from claude_compliance.warehouse.builder import DbtError, build_warehouse, run_dbt
from tests.fixtures.simulator import ANCHOR
from tests.fixtures.warehouse import DAYS, Published, copy_home, use_home

pytestmark = pytest.mark.slow

(LAST_DAY,) = daily_intervals(ANCHOR - timedelta(days=1), ANCHOR)
(FIRST_DAY,) = daily_intervals(ANCHOR - timedelta(days=DAYS), ANCHOR - timedelta(days=DAYS - 1))


@pytest.fixture
def settings(published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return use_home(monkeypatch, copy_home(published, tmp_path / "home"), published.env)


def duplicate_an_old_row(settings: Settings, table: str, day: str) -> str:
    """Insert into the build file a second copy of one row `table` read from lake day `day`;
    returns its key (a corruption no build writes: it stands for a defect in old history)."""
    with duckdb.connect(str(settings.build_db_path)) as con:
        key = con.execute(
            f"select message_id from {table} where lake_dt = ? order by message_id limit 1", [day]
        ).fetchone()
        assert key is not None
        con.execute(f"insert into {table} select * from {table} where message_id = ?", key)
    return str(key[0])


def test_a_duplicate_in_untouched_history_is_left_to_the_builds_that_check_every_row(
    published: Published, settings: Settings
) -> None:
    table = "intermediate.int_session_messages_latest"
    duplicate_an_old_row(settings, table, FIRST_DAY.dt)
    # An incremental build of the last day (rescanned) does not read the first day's rows.
    scan(settings, published.key_id, LAST_DAY)
    result = build_warehouse(settings)
    assert not result.failures
    # A hand-run `dbt test` (no partition list) checks every row and finds it.
    with pytest.raises(DbtError, match="unique_int_session_messages_latest_message_id"):
        run_dbt(settings, "test", "--select", "int_session_messages_latest")


def test_a_duplicate_among_the_rows_a_build_writes_fails_that_build(
    published: Published, settings: Settings
) -> None:
    # The last day's scan file written twice in its partition (a second file set): every
    # scan of that day now has a twin with the same input, partition and scan time.
    partition = (
        Path(str(settings.lake_dir))
        / "dlp"
        / "scanned_inputs"
        / f"key={published.key_id}"
        / f"dt={LAST_DAY.dt}"
    )
    (part,) = partition.glob(f"part-{LAST_DAY.tag}.*.parquet")
    shutil.copy(part, part.with_name(part.name.replace(".parquet", "-twin.parquet")))
    with pytest.raises(DbtError, match="primary_key_stg_dlp__scanned_inputs"):
        build_warehouse(settings)
