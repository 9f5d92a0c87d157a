"""A killed publish (issue 13, item 9c): its warehouse-sized temp is removed by the next one."""

from __future__ import annotations

import signal

import duckdb
import pytest

from claude_compliance.settings import Settings
from tests.security.processes import script


def test_a_killed_publish_leaves_no_temp_behind(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claude_compliance.pipeline import publish

    with duckdb.connect(str(settings.build_db_path)) as con:
        con.execute("create table sync_ledger as select 1 as records")
    # a publish killed mid-copy, for real: its copy stalls, then SIGKILL
    killed = script("stalled_publish.py")
    assert killed.stdout is not None and killed.stdout.readline().strip() == "copying"
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    leftovers = list(settings.warehouse_dir.glob(".compliance.duckdb.*.tmp"))
    assert leftovers, "the killed publish should have left its temp"

    # no dbt here: the docs beside the warehouse are not the point
    monkeypatch.setattr("claude_compliance.pipeline.publish_docs", lambda _s: None)
    publish(settings)
    assert not list(settings.warehouse_dir.glob(".*.tmp"))
    with duckdb.connect(str(settings.published_db_path), read_only=True) as con:
        assert con.execute("select count(*) from sync_ledger").fetchall() == [(1,)]
