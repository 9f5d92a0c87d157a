"""The retry policy of spec §8, against scripted responses (httpx.MockTransport)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from claude_compliance.api import (
    AuthenticationError,
    ComplianceClient,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TransportError,
)
from claude_compliance.api.pagination import CursorPaginator

KEY = "sk-ant-api01-" + "z" * 80


def client_for(
    responses: list[Callable[[httpx.Request], httpx.Response]], waits: list[float], **retry: object
) -> tuple[ComplianceClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1](request)

    policy = RetryPolicy(**retry) if retry else RetryPolicy()  # type: ignore[arg-type]
    client = ComplianceClient(
        KEY,
        "https://api.test",
        transport=httpx.MockTransport(handler),
        retry=policy,
        sleep=waits.append,
    )
    return client, seen


def ok(body: dict[str, object] | None = None) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _r: httpx.Response(
        200, json=body or {"data": []}, headers={"request-id": "req_ok"}
    )


def error(
    status: int, *, headers: dict[str, str] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    body = {
        "type": "error",
        "error": {"type": "x_error", "message": f"boom {status}"},
        "request_id": f"req_{status}",
    }
    return lambda _r: httpx.Response(
        status, json=body, headers={"request-id": f"req_{status}", **(headers or {})}
    )


def test_429_waits_retry_after_then_succeeds() -> None:
    waits: list[float] = []
    client, seen = client_for([error(429, headers={"retry-after": "7"}), ok()], waits)
    client.get_json("/v1/compliance/activities")
    assert len(seen) == 2 and waits == [7.0]
    assert client.stats.rate_limited == 1


def test_5xx_backs_off_exponentially_unless_should_retry_false() -> None:
    waits: list[float] = []
    client, seen = client_for([error(503), error(502), error(500), ok()], waits)
    client.get_json("/v1/compliance/activities")
    assert waits == [1.0, 2.0, 4.0] and len(seen) == 4

    waits2: list[float] = []
    client, seen = client_for([error(500, headers={"x-should-retry": "false"})], waits2)
    with pytest.raises(ServerError) as info:
        client.get_json("/v1/compliance/activities")
    assert len(seen) == 1 and waits2 == []
    assert info.value.status == 500 and info.value.request_id == "req_500"


def test_other_4xx_are_not_retried_and_carry_context() -> None:
    waits: list[float] = []
    client, seen = client_for([error(401)], waits)
    with pytest.raises(AuthenticationError) as info:
        client.get_json("/v1/compliance/organizations", {"limit": 1})
    err = info.value
    assert (err.method, err.status, err.request_id, err.error_type) == (
        "GET",
        401,
        "req_401",
        "x_error",
    )
    assert err.url == "https://api.test/v1/compliance/organizations?limit=1"
    assert "boom 401" in str(err) and KEY not in str(err) and len(seen) == 1
    client, _ = client_for([error(404)], [])
    with pytest.raises(NotFoundError):
        client.get_json("/v1/compliance/organizations")


def test_retries_are_bounded() -> None:
    waits: list[float] = []
    client, seen = client_for(
        [error(429, headers={"retry-after": "1"})], waits, max_rate_limited_attempts=3
    )
    with pytest.raises(RateLimitError):
        client.get_json("/v1/compliance/activities")
    assert len(seen) == 3 and waits == [1.0, 1.0]


def test_transport_errors_retry_then_raise_transport_error() -> None:
    waits: list[float] = []

    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected", request=request)

    client, seen = client_for([drop, drop, ok()], waits)
    client.get_json("/v1/compliance/activities")
    assert len(seen) == 3 and waits == [1.0, 2.0]

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client, _ = client_for([timeout], [], max_attempts=2, backoff_initial_s=0.01)
    with pytest.raises(TransportError, match="ReadTimeout"):
        client.get_json("/v1/compliance/activities")


def test_a_failed_page_never_advances_the_cursor() -> None:
    pages = [
        ok({"data": [{"id": "a1"}], "has_more": True, "first_id": "a1", "last_id": "c1"}),
        error(503),
        ok({"data": [{"id": "a2"}], "has_more": False, "first_id": "a2", "last_id": "c2"}),
    ]
    client, seen = client_for(pages, [])
    items = [
        i["id"]
        for p in client.paginate("/v1/compliance/activities", CursorPaginator())
        for i in p.items
    ]
    assert items == ["a1", "a2"]
    assert [r.url.params.get("after_id") for r in seen] == [None, "c1", "c1"]


def test_headers_and_params_follow_the_spec() -> None:
    from datetime import UTC, datetime

    client, seen = client_for([ok()], [])
    client.get_json(
        "/v1/compliance/activities",
        {"activity_types": ["a", "b"], "created_at.gte": datetime(2026, 1, 1, tzinfo=UTC)},
    )
    request = seen[0]
    assert request.headers["x-api-key"] == KEY
    assert request.headers["anthropic-version"] == "2023-06-01"
    assert request.url.params.get_list("activity_types[]") == ["a", "b"]
    assert request.url.params["created_at.gte"] == "2026-01-01T00:00:00.000000Z"


def test_pacing_waits_for_the_reset_when_the_shared_budget_runs_low() -> None:
    from datetime import UTC, datetime, timedelta

    reset = (datetime.now(UTC) + timedelta(seconds=20)).isoformat()
    low = {
        "anthropic-ratelimit-requests-limit": "600",
        "anthropic-ratelimit-requests-remaining": "3",
        "anthropic-ratelimit-requests-reset": reset,
    }
    waits: list[float] = []
    client, _ = client_for([lambda _r: httpx.Response(200, json={}, headers=low)], waits)
    client.get_json("/v1/compliance/activities")
    assert len(waits) == 1 and 16 < waits[0] <= 21  # the reset, plus a second for rounding


def test_the_key_never_reaches_logs_or_repr(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client, _ = client_for([error(503), ok()], [])
    client.get_json("/v1/compliance/activities")
    assert KEY not in caplog.text and KEY not in repr(client)
