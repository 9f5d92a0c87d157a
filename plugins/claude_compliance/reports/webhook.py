"""POSTing to webhooks and SIEM collectors: bounded retries of what is transient only."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from claude_compliance.api.client import retry_after_s
from claude_compliance.reports.config import redact_url
from claude_compliance.reports.errors import DeliveryError


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 3
    backoff_s: float = 1.0
    max_wait_s: float = 30.0


class Poster:
    """One HTTP client for one channel; the transport is swappable for tests."""

    def __init__(
        self,
        channel: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = 15.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.channel = channel
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._client = httpx.Client(transport=transport, timeout=timeout_s, follow_redirects=False)

    def __enter__(self) -> Poster:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._client.close()

    def post(
        self,
        url: str,
        *,
        content: bytes,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """POST `content`; returns the 2xx response or raises DeliveryError.

        Retries 429 (after Retry-After, bounded), 5xx, timeouts and connection errors.
        """
        target = redact_url(url)
        all_headers = {"content-type": content_type, **(headers or {})}
        for attempt in range(1, self.retry.max_attempts + 1):
            wait = self.retry.backoff_s * 2 ** (attempt - 1)
            try:
                response = self._client.post(url, content=content, headers=all_headers)
            except httpx.TransportError as exc:
                if attempt == self.retry.max_attempts:
                    raise DeliveryError(self.channel, target, type(exc).__name__) from None
                self._sleep(min(wait, self.retry.max_wait_s))
                continue
            if response.is_success:
                return response
            is_transient = response.status_code == 429 or response.status_code >= 500
            if not is_transient or attempt == self.retry.max_attempts:
                raise DeliveryError(
                    self.channel, target, _reason(response), status=response.status_code
                )
            asked = retry_after_s(response)
            self._sleep(min(wait if asked is None else asked, self.retry.max_wait_s))
        raise AssertionError("unreachable")  # pragma: no cover


def _reason(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:200] or response.reason_phrase
