"""Issue 13 §10: what comes from the network (headers, error bodies, the API URL, an
unreachable host) is bounded and never crashes the client."""

from __future__ import annotations

import socket
from collections.abc import Callable

import httpx
import pytest

from claude_compliance.api import (
    APIStatusError,
    BadRequestError,
    ComplianceClient,
    RetryPolicy,
    ServerError,
    TransportError,
)
from claude_compliance.api.client import MAX_RETRY_AFTER_S
from claude_compliance.settings import Settings, SettingsError

KEY = "sk-ant-api01-" + "q" * 80


def _client(
    handler: Callable[[httpx.Request], httpx.Response],
    waits: list[float],
    retry: RetryPolicy | None = None,
) -> ComplianceClient:
    return ComplianceClient(
        KEY,
        "https://api.test",
        transport=httpx.MockTransport(handler),
        retry=retry,
        sleep=waits.append,
    )


def _then_ok(first: httpx.Response) -> Callable[[httpx.Request], httpx.Response]:
    calls: list[int] = []

    def handler(_request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return first if len(calls) == 1 else httpx.Response(200, json={"data": []})

    return handler


class TestRetryAfterIsBounded:
    @pytest.mark.parametrize(
        "value",
        ["1e9", "inf", "-inf", "nan", "-5", "soon", "", "1e400", "Wed, 21 Oct 2099 07:28:00 GMT"],
    )
    def test_every_retry_after_waits_a_finite_capped_time(self, value: str) -> None:
        waits: list[float] = []
        with _client(_then_ok(httpx.Response(429, headers={"retry-after": value})), waits) as api:
            api.get_json("/v1/x")
        assert len(waits) == 1
        assert 0 <= waits[0] <= MAX_RETRY_AFTER_S

    def test_a_small_numeric_or_past_date_value_is_kept(self) -> None:
        waits: list[float] = []
        with _client(_then_ok(httpx.Response(429, headers={"retry-after": "2.5"})), waits) as api:
            api.get_json("/v1/x")
        past: list[float] = []
        response = httpx.Response(429, headers={"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})
        with _client(_then_ok(response), past) as api:
            api.get_json("/v1/x")
        assert waits == [2.5] and past == [0.0]


class TestErrorBodyOfAnyShape:
    @pytest.mark.parametrize(
        "body",
        [
            b"[1, 2, 3]",
            b'"just a string"',
            b"42",
            b"null",
            b"true",
            b"{not json",
            b"<html><body>502 Bad Gateway</body></html>",
            b'{"error": "a string, not an object"}',
            b'{"error": ["a", "list"]}',
            b'{"error": {"type": 7, "message": {"nested": 1}}, "request_id": 9}',
            b"\xff\xfe not utf-8",
            b"",
        ],
    )
    def test_a_typed_error_with_its_context(self, body: bytes) -> None:
        def handler(_request: httpx.Request) -> httpx.Response:
            return httpx.Response(400, content=body, headers={"request-id": "req_shape"})

        with (
            _client(handler, []) as api,
            pytest.raises(BadRequestError) as caught,
        ):
            api.get_json("/v1/x", {"api_key": "secret-in-query", "limit": 1})
        error = caught.value
        assert error.method == "GET" and error.status == 400
        assert error.request_id == "req_shape"
        assert "secret-in-query" not in error.url and "REDACTED" in error.url
        assert isinstance(error.message, str) and error.message
        assert error.error_type is None or isinstance(error.error_type, str)

    def test_a_5xx_html_page_after_retries(self) -> None:
        def handler(_request: httpx.Request) -> httpx.Response:
            return httpx.Response(503, content=b"<html>down</html>")

        with (
            _client(handler, [], RetryPolicy(max_attempts=2)) as api,
            pytest.raises(ServerError) as caught,
        ):
            api.get_json("/v1/x")
        assert isinstance(caught.value, APIStatusError) and caught.value.status == 503


class TestPlainHttpOnlyOnLoopback:
    @pytest.mark.parametrize(
        "url",
        [
            "http://api.anthropic.com",
            "http://10.0.0.5:8765",
            "http://example.com/v1",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example",
            "http://[2001:db8::1]:80",
            "http://0.0.0.0:8765",
        ],
    )
    def test_refused(self, url: str) -> None:
        with pytest.raises(SettingsError, match="CLAUDE_COMPLIANCE_API_URL"):
            Settings.from_env({"CLAUDE_COMPLIANCE_API_URL": url})

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8765",
            "http://127.8.9.10",
            "http://localhost:8765",
            "http://LOCALHOST",
            "http://[::1]:8765",
            "https://api.anthropic.com",
            "https://10.0.0.5",
        ],
    )
    def test_accepted(self, url: str) -> None:
        assert Settings.from_env({"CLAUDE_COMPLIANCE_API_URL": url}).api_url == url


class TestUnreachableFailsFast:
    @pytest.mark.parametrize(
        "failure",
        [
            httpx.ConnectError("[Errno 111] Connection refused"),
            httpx.ConnectError("[Errno -2] Name or service not known"),
            httpx.ConnectTimeout("timed out connecting"),
        ],
    )
    def test_a_few_tries_over_seconds_then_a_clear_error(self, failure: Exception) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            raise type(failure)(str(failure), request=request)

        waits: list[float] = []
        with _client(handler, waits) as api, pytest.raises(TransportError) as caught:
            api.get_json("/v1/x")
        assert 1 <= len(waits) <= 3 and sum(waits) <= 10
        assert "cannot reach" in str(caught.value)

    def test_a_real_refused_port(self) -> None:
        with socket.socket() as sock:  # a port nothing listens on: bind, then close
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        waits: list[float] = []
        api = ComplianceClient(KEY, f"http://127.0.0.1:{port}", sleep=waits.append)
        with api, pytest.raises(TransportError, match="cannot reach"):
            api.get_json("/v1/x")
        assert sum(waits) <= 10

    def test_a_read_timeout_keeps_the_full_policy(self) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("slow", request=request)

        waits: list[float] = []
        with _client(handler, waits) as api, pytest.raises(TransportError):
            api.get_json("/v1/x")
        assert len(waits) == RetryPolicy().max_attempts - 1


class TestInsecureHostsAreNamedExplicitly:
    def test_a_named_trial_host_is_allowed_and_no_other(self) -> None:
        env = {
            "CLAUDE_COMPLIANCE_API_URL": "http://simulator:8765",
            "CLAUDE_COMPLIANCE_API_INSECURE_HOSTS": "simulator, other",
        }
        assert Settings.from_env(env).api_url == "http://simulator:8765"
        env["CLAUDE_COMPLIANCE_API_URL"] = "http://api.anthropic.com"
        with pytest.raises(SettingsError, match="must use https"):
            Settings.from_env(env)


class TestCollectorAnswersOfAnyShape:
    """The SIEM collector and alert webhooks are network inputs too."""

    @pytest.mark.parametrize(
        "body",
        [
            b"[1, 2]",
            b'"ok"',
            b"null",
            b"<html>proxy</html>",
            b'{"errors": true, "items": "not a list"}',
            b'{"errors": true, "items": [1, "x", {"index": "y"}, {"index": {"error": 5}}]}',
        ],
    )
    def test_an_elastic_bulk_answer(self, body: bytes) -> None:
        from claude_compliance.reports.errors import DeliveryError
        from claude_compliance.reports.siem import SiemConfig, _post_bulk
        from claude_compliance.reports.webhook import Poster

        config = SiemConfig.from_env(
            {
                "CLAUDE_COMPLIANCE_SIEM_URL": "https://siem.example.org/_bulk",
                "CLAUDE_COMPLIANCE_SIEM_KIND": "elastic",
            }
        )
        transport = httpx.MockTransport(lambda _r: httpx.Response(200, content=body))
        with Poster("SIEM", transport=transport) as poster:
            try:
                _post_bulk(poster, config, [({"finding_id": "f1"}, "{}")])
            except DeliveryError as exc:  # a typed refusal is fine; a crash is not
                assert "rejected items" in str(exc)

    @pytest.mark.parametrize("value", ["1e9", "inf", "nan", "-3", "Wed, 21 Oct 2099 07:28:00 GMT"])
    def test_a_webhook_retry_after(self, value: str) -> None:
        from claude_compliance.reports.webhook import Poster

        answers = [httpx.Response(429, headers={"retry-after": value}), httpx.Response(200)]
        waits: list[float] = []
        transport = httpx.MockTransport(lambda _r: answers.pop(0))
        with Poster("webhook", transport=transport, sleep=waits.append) as poster:
            poster.post("https://hooks.example.org/x", content=b"{}")
        assert len(waits) == 1 and 0 <= waits[0] <= 30
