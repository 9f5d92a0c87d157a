"""The API's error shape: an HTTP status, an ``error.type`` and a message."""

from __future__ import annotations

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    409: "invalid_request_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def error_type(status: int) -> str:
    """``error.type`` for a status (the platform-wide mapping; 5xx default to ``api_error``)."""
    if status in ERROR_TYPES:
        return ERROR_TYPES[status]
    if status == 503:
        return "overloaded_error"
    return "invalid_request_error" if status < 500 else "api_error"


class ApiError(Exception):
    """Raised by endpoint code; the app turns it into the error envelope."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)
