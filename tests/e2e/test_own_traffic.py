"""Our own Compliance API calls show up in the activity feed; the activities mart tags them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import duckdb
import httpx
import pytest

from claude_compliance.keys.commands import register_key
from claude_compliance.pipeline import run_range
from claude_compliance.settings import Settings
from compliance_simulator import SimConfig, Simulator, serve
from tests.fixtures.simulator import ANCHOR
from tests.sync.test_completeness import Clock

pytestmark = pytest.mark.slow


def test_compliance_api_accessed_events_of_our_sync_are_tagged(settings: Settings) -> None:
    last_day = datetime.combine(ANCHOR - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    clock = Clock(last_day + timedelta(hours=12))
    sim = Simulator(SimConfig(seed=11, users=4, days=3, anchor=ANCHOR), clock=clock)
    with serve(sim, host="127.0.0.1", port=0) as server:
        settings = dataclasses.replace(settings, api_url=server.url)
        key_id = str(register_key(settings, sim.keys.compliance, "own", "test")["key_id"])
        # Someone else's call with another key: its event must not be tagged as ours.
        other = httpx.get(
            f"{server.url}/v1/compliance/activities",
            params={"limit": 1},
            headers={"x-api-key": sim.keys.activities_only},
        )
        assert other.status_code == 200
        run_range(settings, ANCHOR - timedelta(days=3), ANCHOR, key_ids=[key_id])
    with duckdb.connect(str(settings.published_db_path), read_only=True) as con:
        rows = con.execute(
            "select request_id, is_own_request from activities "
            "where activity_type = 'compliance_api_accessed'"
        ).fetchall()
    tagged = {rid: own for rid, own in rows}
    assert tagged[other.headers["request-id"]] is False
    ours = [own for rid, own in tagged.items() if rid != other.headers["request-id"]]
    assert len(ours) > 10 and all(ours)
