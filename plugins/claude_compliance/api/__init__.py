"""Compliance API client: HTTP transport, typed errors, pagination and retry policy."""

from claude_compliance.api.client import ComplianceClient, Download, RetryPolicy
from claude_compliance.api.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ComplianceAPIError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TransportError,
)

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "ComplianceAPIError",
    "ComplianceClient",
    "Download",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "TransportError",
]
