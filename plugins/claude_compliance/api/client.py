"""The Compliance API client: authenticated requests with bounded, spec-conformant retries.

The `httpx.Client` is built here from an injectable transport, so tests use the simulator
in process (`httpx.WSGITransport`) or over loopback without monkeypatching.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from claude_compliance.api.errors import (
    APIStatusError,
    RateLimitError,
    TransportError,
    error_for_status,
)
from claude_compliance.api.pagination import Paginator, Params

log = logging.getLogger(__name__)

API_VERSION = "2023-06-01"
# A `retry-after` is the server's word, not a command: `1e9` must not park a worker for
# decades. Past the cap we wait the cap and ask again.
MAX_RETRY_AFTER_S = 60.0
USER_AGENT = "claude-compliance/0.1 (+https://github.com/claude-compliance)"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Spec §8: 429 waits `retry-after`; 5xx and timeouts back off 1 s doubling to 60 s."""

    max_attempts: int = 8
    # A 429 says exactly how long to wait, and storms happen when workers share a budget:
    # they get more attempts than errors do, still bounded.
    max_rate_limited_attempts: int = 30
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0
    # Slow down before a 429: the share of the shared budget kept in reserve for the other
    # workers' requests in flight; at the reserve, wait for the window's reset.
    reserve_fraction: float = 0.1
    # An API that cannot be reached at all (connection refused, unknown host, no TCP
    # handshake) will not come back within a run's patience: a few tries over seconds, then
    # a clear error, rather than the two minutes the full back-off would spend.
    max_connect_attempts: int = 3
    max_retry_after_s: float = MAX_RETRY_AFTER_S

    def backoff(self, attempt: int) -> float:
        return float(min(self.backoff_max_s, self.backoff_initial_s * (2 ** (attempt - 1))))


@dataclass(frozen=True, slots=True)
class Download:
    """A downloaded file body and what the server said about it."""

    content: bytes
    content_type: str | None
    md5_header: str | None
    request_id: str | None
    attempts: int = 1

    @property
    def md5_matches(self) -> bool | None:
        """Whether `Content-MD5` (base64 of the MD5 of the bytes) matches; None if absent."""
        if not self.md5_header:
            return None
        digest = base64.b64encode(hashlib.md5(self.content).digest()).decode()  # noqa: S324
        return digest == self.md5_header.strip()


@dataclass(slots=True)
class Page:
    items: list[dict[str, Any]]
    body: dict[str, Any]
    request_id: str | None
    cursor: str | None
    attempts: int = 1  # HTTP requests this page took, retries included


@dataclass(slots=True)
class RequestStats:
    """What this client spent: for the completeness ledger and the benchmarks."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    last_request_id: str | None = None
    request_ids: list[str] = field(default_factory=list)


class ComplianceClient:
    """A client bound to one Compliance Access Key.

    The key is held privately and sent only in the `x-api-key` header; `repr()` and every
    error show the key's fingerprint or nothing.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = 60.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        key_label: str = "",
        on_close: Callable[[RequestStats], None] | None = None,
    ) -> None:
        self.__api_key = api_key
        self.key_label = key_label
        self._on_close = on_close
        self.retry = retry or RetryPolicy()
        self.stats = RequestStats()
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            headers={"anthropic-version": API_VERSION, "user-agent": USER_AGENT},
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"ComplianceClient(base_url={str(self._http.base_url)!r}, key={self.key_label!r})"

    def close(self) -> None:
        """Close the connection pool and hand the request accounting to `on_close`."""
        self._http.close()
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close(self.stats)

    def __enter__(self) -> ComplianceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests --------------------------------------------------------------------

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Page:
        """GET a JSON endpoint (with retries); the page's items are not interpreted."""
        response, attempts = self._request("GET", path, params)
        return Page(
            items=[],
            body=response.json(),
            request_id=response.headers.get("request-id"),
            cursor=None,
            attempts=attempts,
        )

    def delete(self, path: str) -> Page:
        """DELETE an object (spec §5.2-§5.7), retried like any call; errors raise.

        A retried DELETE whose first attempt went through answers 404 the second time: the
        caller decides what a 404 means (the remediation service counts it as deleted).
        """
        response, attempts = self._request("DELETE", path, None)
        return Page(
            items=[],
            body=response.json(),
            request_id=response.headers.get("request-id"),
            cursor=None,
            attempts=attempts,
        )

    def download(self, path: str) -> Download:
        """GET a content endpoint; the whole body is read (the caller caps sizes by metadata)."""
        response, attempts = self._request("GET", path, None)
        return Download(
            content=response.content,
            content_type=response.headers.get("content-type"),
            md5_header=response.headers.get("content-md5"),
            request_id=response.headers.get("request-id"),
            attempts=attempts,
        )

    def paginate(
        self, path: str, paginator: Paginator, params: Mapping[str, Any] | None = None
    ) -> Iterator[Page]:
        """Walk every page of a list endpoint. A failed page raises; it never advances."""
        current: Params | None = dict(params or {})
        while current is not None:
            response, attempts = self._request("GET", path, current)
            body = response.json()
            items = body.get(paginator.items_key) or []
            yield Page(
                items=list(items),
                body=body,
                request_id=response.headers.get("request-id"),
                cursor=paginator.cursor_of(body),
                attempts=attempts,
            )
            current = paginator.next_params(current, body)

    def _request(
        self, method: str, path: str, params: Mapping[str, Any] | None
    ) -> tuple[httpx.Response, int]:
        """The successful response and how many attempts it took; errors raise."""
        query = _encode_params(params or {})
        attempt = 0
        while True:
            attempt += 1
            self.stats.requests += 1
            url = str(self._http.base_url.join(path))
            try:
                response = self._http.request(
                    method, path, params=query, headers={"x-api-key": self.__api_key}
                )
                # Read the body now so a connection dropped mid-body is a transport error.
                response.read()
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt >= min(self.retry.max_connect_attempts, self.retry.max_attempts):
                    raise TransportError(
                        f"cannot reach the Compliance API after {attempt} attempts "
                        f"({type(exc).__name__}: connection refused, unknown host or no "
                        "route): check CLAUDE_COMPLIANCE_API_URL and the network",
                        method=method,
                        url=url + _query_suffix(query),
                    ) from None
                self._wait(self.retry.backoff(attempt), f"{type(exc).__name__}")
                continue
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if attempt >= self.retry.max_attempts:
                    raise TransportError(
                        f"no answer after {attempt} attempts: {type(exc).__name__}",
                        method=method,
                        url=url + _query_suffix(query),
                    ) from None
                self._wait(self.retry.backoff(attempt), f"{type(exc).__name__}")
                continue
            request_id = response.headers.get("request-id")
            if request_id:
                self.stats.last_request_id = request_id
                self.stats.request_ids.append(request_id)
            if response.status_code < 400:
                self._pace(response)
                return response, attempt
            error = _error_from(method, response)
            limit = (
                self.retry.max_rate_limited_attempts
                if response.status_code == 429
                else self.retry.max_attempts
            )
            if not self._is_retryable(response) or attempt >= limit:
                raise error
            if response.status_code == 429:
                self.stats.rate_limited += 1
                asked = retry_after_s(response)
                wait = self.retry.backoff(attempt) if asked is None else asked
                self._wait(min(wait, self.retry.max_retry_after_s), "429")
            else:
                self._wait(self.retry.backoff(attempt), str(response.status_code))

    @staticmethod
    def _is_retryable(response: httpx.Response) -> bool:
        status = response.status_code
        if status == 429:
            return True
        if status >= 500:
            return str(response.headers.get("x-should-retry", "")).lower() != "false"
        return False

    def _wait(self, seconds: float, reason: str) -> None:
        self.stats.retries += 1
        log.info("retrying in %.1fs after %s (key %s)", seconds, reason, self.key_label)
        self._sleep(seconds)

    def _pace(self, response: httpx.Response) -> None:
        """Share the budget the headers describe (every key and worker of the parent org
        draws on it): spread the rest of the window once half is spent, and wait for the
        reset when only the reserve is left, rather than meet a 429."""
        remaining = _int_header(response, "anthropic-ratelimit-requests-remaining")
        limit = _int_header(response, "anthropic-ratelimit-requests-limit")
        if remaining is None or not limit or remaining * 2 >= limit:
            return
        to_reset = _seconds_until(response.headers.get("anthropic-ratelimit-requests-reset"))
        reserve = max(2, int(limit * self.retry.reserve_fraction))
        # The reset instant may be rounded down to the second: wait one more when at the reserve.
        wait = to_reset + 1.0 if remaining <= reserve else to_reset / max(remaining - reserve, 1)
        if wait > 0:
            log.debug("rate budget %d/%d left: pausing %.2fs", remaining, limit, wait)
            self._sleep(min(wait, 60.0))


def _seconds_until(reset: str | None) -> float:
    if not reset:
        return 1.0
    try:
        reset_at = datetime.fromisoformat(reset.replace("Z", "+00:00"))
    except ValueError:
        return 1.0
    return max(0.0, (reset_at - datetime.now(UTC)).total_seconds())


def _encode_params(params: Mapping[str, Any]) -> list[tuple[str, str | int | float | bool | None]]:
    """Lists become repeated `name[]=value`; datetimes RFC 3339 with an explicit offset."""
    pairs: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            key = name if name.endswith("[]") else f"{name}[]"
            pairs.extend((key, _scalar(v)) for v in value)
        else:
            pairs.append((name, _scalar(value)))
    return pairs


def _scalar(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("datetimes sent to the Compliance API must carry a timezone")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _query_suffix(query: list[tuple[str, str | int | float | bool | None]]) -> str:
    return "?" + "&".join(f"{k}={v}" for k, v in query) if query else ""


def retry_after_s(response: httpx.Response) -> float | None:
    """Seconds the `retry-after` header asks for (RFC 9110 §10.2.3: delay-seconds or an
    HTTP-date); None when absent or unusable (negative, `inf`, `nan`, garbage)."""
    value = (response.headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            when = when.replace(tzinfo=UTC)
        seconds = max(0.0, (when - datetime.now(UTC)).total_seconds())
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def _int_header(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _error_from(method: str, response: httpx.Response) -> APIStatusError:
    """The typed error of an error answer, whatever its body holds (spec §7's object, a
    proxy's HTML page, a list, nothing): only strings found where the spec puts them are used."""
    error_type = None
    message = response.reason_phrase or f"HTTP {response.status_code}"
    body_request_id = None
    try:
        body: Any = response.json()
    except ValueError:  # not JSON (HTML, text, empty, not UTF-8): keep the status line
        body = None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            error_type = _str_or_none(error.get("type"))
            message = _str_or_none(error.get("message")) or message
        body_request_id = _str_or_none(body.get("request_id"))
    cls = error_for_status(response.status_code)
    if cls is RateLimitError:
        message = f"{message} (rate limited after retries)"
    return cls(
        message,
        method=method,
        url=str(response.request.url),
        status=response.status_code,
        request_id=response.headers.get("request-id") or body_request_id,
        error_type=error_type,
    )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
