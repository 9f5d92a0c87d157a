"""The shared rate limit and the injected faults (statuses, delays, dropped connections)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import httpx
import pytest

from compliance_simulator import Simulator

from .conftest import SMALL, make_client

ORGS = "/v1/compliance/organizations"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_headers_on_every_authenticated_response(client: httpx.Client) -> None:
    first = client.get(ORGS)
    second = client.get("/v1/compliance/apps/chats/claude_chat_01nope/messages")
    assert first.headers["anthropic-ratelimit-requests-limit"] == "600"
    remaining = int(first.headers["anthropic-ratelimit-requests-remaining"])
    assert int(second.headers["anthropic-ratelimit-requests-remaining"]) == remaining - 1
    assert second.status_code == 404
    reset = dt.datetime.fromisoformat(first.headers["anthropic-ratelimit-requests-reset"])
    assert reset.tzinfo is not None


def test_lowered_limit_is_shared_across_keys_and_resets() -> None:
    clock = FakeClock()
    sim = Simulator(dataclasses.replace(SMALL, rate_limit_per_minute=3), clock=clock)
    with make_client(sim, sim.keys.compliance) as a, make_client(sim, sim.keys.admin) as b:
        assert a.get(ORGS).status_code == 200
        assert b.get("/v1/compliance/activities").status_code == 200
        forbidden = b.get(ORGS)  # a scope failure costs one unit
        assert forbidden.status_code == 403
        assert forbidden.headers["anthropic-ratelimit-requests-remaining"] == "0"
        clock.now += 20
        limited = a.get(ORGS)
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "40"
        assert limited.json()["error"]["type"] == "rate_limit_error"
        assert "600" not in limited.json()["error"]["message"]
        assert "3 requests per minute" in limited.json()["error"]["message"]
        # failed authentication costs nothing and is not limited
        with make_client(sim, sim.keys.unknown) as bad:
            assert bad.get(ORGS).status_code == 401
        clock.now += 41
        again = a.get(ORGS)
    assert again.status_code == 200
    assert again.headers["anthropic-ratelimit-requests-remaining"] == "2"


def test_rate_limit_off() -> None:
    sim = Simulator(dataclasses.replace(SMALL, rate_limit_per_minute=0))
    with make_client(sim, sim.keys.compliance) as client:
        responses = [client.get(ORGS) for _ in range(5)]
    assert all(r.status_code == 200 for r in responses)
    assert "anthropic-ratelimit-requests-limit" not in responses[0].headers


@pytest.mark.parametrize(
    ("status", "should_retry", "retry_after", "error_type"),
    [
        (429, None, 7, "rate_limit_error"),
        (500, False, None, "api_error"),
        (500, None, None, "api_error"),
        (502, None, None, "api_error"),
        (503, None, None, "overloaded_error"),
    ],
)
def test_forced_statuses(
    status: int, should_retry: bool | None, retry_after: int | None, error_type: str
) -> None:
    sim = Simulator(SMALL)
    sim.faults.add(
        "/organizations$",
        status=status,
        should_retry=should_retry,
        retry_after=retry_after,
        times=2,
    )
    with make_client(sim, sim.keys.compliance) as client:
        faulted = [client.get(ORGS) for _ in range(2)]
        healthy = client.get(ORGS)
        other = client.get("/v1/compliance/activities", params={"limit": 1})
    for response in faulted:
        assert response.status_code == status
        assert response.json()["error"]["type"] == error_type
        assert response.headers["request-id"]
        if should_retry is False:
            assert response.headers["x-should-retry"] == "false"
        elif status >= 500:
            assert "x-should-retry" not in response.headers
        if retry_after is not None:
            assert response.headers["retry-after"] == str(retry_after)
    assert healthy.status_code == 200 and other.status_code == 200
    assert [r.status for r in sim.requests] == [status, status, 200, 200]


def test_slow_response() -> None:
    sim = Simulator(SMALL)
    sim.faults.add(ORGS, delay_s=0.3)
    with make_client(sim, sim.keys.compliance) as client:
        started = time.monotonic()
        response = client.get(ORGS)
        elapsed = time.monotonic() - started
    assert response.status_code == 200 and elapsed >= 0.3


def test_dropped_connection_in_process() -> None:
    sim = Simulator(SMALL)
    sim.faults.add(ORGS, drop=True)
    with make_client(sim, sim.keys.compliance) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(ORGS)
        assert client.get(ORGS).status_code == 200
    assert [r.status for r in sim.requests] == [0, 200]


def test_faults_can_be_cleared_and_validated() -> None:
    sim = Simulator(SMALL)
    sim.faults.add(status=500, times=5)
    sim.faults.clear()
    with make_client(sim, sim.keys.compliance) as client:
        assert client.get(ORGS).status_code == 200
    with pytest.raises(ValueError):
        sim.faults.add(status=200)


def test_disabled_api_answers_400_everywhere() -> None:
    sim = Simulator(SMALL)
    sim.set_enabled(False)
    with make_client(sim, sim.keys.compliance) as client:
        response = client.get(ORGS)
        sim.set_enabled(True)
        assert client.get(ORGS).status_code == 200
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Compliance API is not enabled for this organization"
    )


def test_access_events_become_visible_after_the_lag() -> None:
    clock = FakeClock()
    sim = Simulator(dataclasses.replace(SMALL, access_event_lag_s=1.0), clock=clock)
    params = {"activity_types[]": "compliance_api_accessed"}
    with make_client(sim, sim.keys.compliance) as client:
        first = client.get("/v1/compliance/activities", params=params).json()["data"]
        assert first == []
        clock.now += 0.5
        assert client.get("/v1/compliance/activities", params=params).json()["data"] == []
        clock.now += 1.0
        events = client.get("/v1/compliance/activities", params=params).json()["data"]
    assert len(events) == 2  # the first two calls, not the one that is being served
    created = [dt.datetime.fromisoformat(e["created_at"]).timestamp() for e in events]
    assert created == sorted(created, reverse=True)
