"""Errors raised by the Compliance API client.

    ComplianceAPIError            every error: method, redacted URL, status, request id
     ├── TransportError           no HTTP answer (connect, timeout, dropped) after retries
     └── APIStatusError           an HTTP error answer; `error_type` and `message` from the body
          ├── BadRequestError         400 (unknown parameter, bad cursor, API not enabled)
          ├── AuthenticationError     401 (invalid, deactivated or expired key)
          ├── PermissionDeniedError   403 (missing scope, organization outside the key)
          ├── NotFoundError           404 (gone, never existed, or not a compliance key)
          ├── ConflictError           409
          ├── RateLimitError          429 after the retry budget is spent
          └── ServerError             5xx that is not retryable or outlived the retries

Messages never contain the API key: the key travels in a header, and URLs are redacted.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_SECRET_PARAMS = ("key", "token", "secret", "password")


def redact_url(url: str) -> str:
    """The URL with the values of secret-looking query parameters replaced.

    >>> redact_url("https://h/v1/x?limit=5&api_key=sk-ant-abc")
    'https://h/v1/x?limit=5&api_key=REDACTED'
    """
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [
        (k, "REDACTED" if any(s in k.lower() for s in _SECRET_PARAMS) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]:,.")))


class ComplianceAPIError(Exception):
    """Base class; carries the request's context."""

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        self.message = message
        self.method = method
        self.url = redact_url(url)
        self.status = status
        self.request_id = request_id
        super().__init__(str(self))

    def __str__(self) -> str:
        status = f" {self.status}" if self.status is not None else ""
        rid = f" (request-id {self.request_id})" if self.request_id else ""
        return f"{self.method} {self.url} ->{status} {self.message}{rid}"


class TransportError(ComplianceAPIError):
    """The request got no HTTP answer (connection, timeout, dropped mid-response)."""


class APIStatusError(ComplianceAPIError):
    """The API answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status: int,
        request_id: str | None,
        error_type: str | None,
    ) -> None:
        self.error_type = error_type
        super().__init__(message, method=method, url=url, status=status, request_id=request_id)


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    pass


class ServerError(APIStatusError):
    pass


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def error_for_status(status: int) -> type[APIStatusError]:
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIStatusError)
