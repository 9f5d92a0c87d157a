"""The WSGI application: routing, authentication, scopes, rate limit, faults, headers, audit.

Order of checks for every request: injected fault → key (404/401, free) → rate limit (one
unit, 429 when spent) → route and method (404) → scope (403; a DELETE needs its exact scope)
→ endpoint (400/404/409/200). Every request
whose key authenticates is recorded as a ``compliance_api_accessed`` activity.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl
from wsgiref.util import request_uri

from .endpoints import (
    ACTIVITIES_SCOPES,
    DELETE_SCOPES,
    ORG_DATA_SCOPES,
    USER_DATA_SCOPES,
    Call,
    Endpoints,
    Response,
)
from .errors import ApiError, error_type
from .faults import ConnectionDropped, Fault, Faults
from .feed import ActivityFeed
from .ids import IdFactory
from .keys import ApiKey, AuthError, KeyRing
from .model import Activity
from .ratelimit import Budget, RateLimiter
from .session_endpoints import REMOTE_PATH_PREFIX

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

PREFIX = "/v1/compliance"
ID = r"([^/]+)"
SETTINGS_PATH = re.compile(f"^{PREFIX}/organizations/{ID}/settings$")


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One served request (for tests and benchmarks). ``status`` is 0 for a dropped connection."""

    method: str
    path: str
    query: str
    status: int
    request_id: str
    key_id: str | None
    at: float


@dataclass(frozen=True, slots=True)
class Route:
    pattern: re.Pattern[str]
    scopes: tuple[str, ...]
    handler: Callable[[Call], Response]
    method: str = "GET"


def _routes(endpoints: Endpoints) -> list[Route]:
    table: list[tuple[str, tuple[str, ...], Callable[[Call], Response]]] = [
        ("/organizations", ORG_DATA_SCOPES, endpoints.organizations),
        (f"/organizations/{ID}/users", USER_DATA_SCOPES, endpoints.users),
        (f"/organizations/{ID}/roles", ORG_DATA_SCOPES, endpoints.roles),
        (f"/organizations/{ID}/roles/{ID}", ORG_DATA_SCOPES, endpoints.role),
        (
            f"/organizations/{ID}/roles/{ID}/permissions",
            ORG_DATA_SCOPES,
            endpoints.role_permissions,
        ),
        (f"/organizations/{ID}/settings", ORG_DATA_SCOPES, endpoints.settings),
        ("/groups", ORG_DATA_SCOPES, endpoints.groups),
        (f"/groups/{ID}", ORG_DATA_SCOPES, endpoints.group),
        (f"/groups/{ID}/members", USER_DATA_SCOPES, endpoints.group_members),
        ("/activities", ACTIVITIES_SCOPES, endpoints.activities),
        ("/apps/chats", USER_DATA_SCOPES, endpoints.chats),
        (f"/apps/chats/files/{ID}", USER_DATA_SCOPES, endpoints.file_metadata),
        (f"/apps/chats/files/{ID}/content", USER_DATA_SCOPES, endpoints.file_content),
        (f"/apps/chats/{ID}/messages", USER_DATA_SCOPES, endpoints.chat_messages),
        ("/apps/projects", USER_DATA_SCOPES, endpoints.projects),
        (f"/apps/projects/documents/{ID}", USER_DATA_SCOPES, endpoints.document),
        (f"/apps/projects/documents/{ID}/metadata", USER_DATA_SCOPES, endpoints.document_metadata),
        (f"/apps/projects/{ID}", USER_DATA_SCOPES, endpoints.project),
        (f"/apps/projects/{ID}/attachments", USER_DATA_SCOPES, endpoints.project_attachments),
        (f"/apps/projects/{ID}/collaborators", USER_DATA_SCOPES, endpoints.project_collaborators),
        ("/apps/sessions/local", USER_DATA_SCOPES, endpoints.local_sessions),
        (f"/apps/sessions/local/{ID}", USER_DATA_SCOPES, endpoints.local_session),
        (f"/apps/sessions/local/{ID}/messages", USER_DATA_SCOPES, endpoints.local_session_messages),
        ("/apps/sessions/remote", USER_DATA_SCOPES, endpoints.remote_sessions),
        (
            f"/apps/sessions/remote/{ID}/messages",
            USER_DATA_SCOPES,
            endpoints.remote_session_messages,
        ),
    ]
    deletes: list[tuple[str, Callable[[Call], Response]]] = [
        (f"/apps/chats/files/{ID}", endpoints.delete_file),
        (f"/apps/chats/{ID}", endpoints.delete_chat),
        (f"/apps/projects/documents/{ID}", endpoints.delete_document),
        (f"/apps/projects/{ID}", endpoints.delete_project),
    ]
    return [
        Route(re.compile(f"^{PREFIX}{path}$"), scopes, handler) for path, scopes, handler in table
    ] + [
        Route(re.compile(f"^{PREFIX}{path}$"), DELETE_SCOPES, handler, "DELETE")
        for path, handler in deletes
    ]


def _rfc3339(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ComplianceApp:
    """The Compliance API as a WSGI callable."""

    def __init__(
        self,
        endpoints: Endpoints,
        keys: KeyRing,
        limiter: RateLimiter,
        faults: Faults,
        feed: ActivityFeed,
        parent_uuid: str,
        clock: Callable[[], float] = time.time,
        seed: int = 0,
        remote_limiter: RateLimiter | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.keys = keys
        self.limiter = limiter
        self.faults = faults
        self.feed = feed
        self.parent_uuid = parent_uuid
        self.clock = clock
        self.routes = _routes(endpoints)
        self.remote_limiter = remote_limiter
        """The remote-session endpoints' second per-parent budget (§8); None: none."""
        self.requests: list[RequestRecord] = []
        self.is_enabled = True
        """False emulates a tenant whose Compliance API is turned off (400 everywhere)."""
        # Request ids (and the audit activities of requests) are unique per simulator
        # instance, as the real API's are: data is reproducible from the seed, but a restarted
        # simulator serving the same home must not repeat the request ids it served before.
        self._ids = IdFactory(f"requests:{seed}:{secrets.token_hex(8)}")
        self._lock = threading.Lock()

    # --- WSGI entry -----------------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        with self._lock:
            request_id = self._ids.tagged("req_")
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "") or "/"
        query = environ.get("QUERY_STRING", "")
        fault = self.faults.take(path)
        if fault is not None and fault.delay_s > 0:
            time.sleep(fault.delay_s)
        if fault is not None and fault.drop:
            self._record(method, path, query, 0, request_id, None)
            raise ConnectionDropped(path)
        if fault is not None and fault.status is not None:
            response = self._fault_response(fault, request_id)
            key: ApiKey | None = None
        else:
            key, response = self._handle(environ, method, path, query, request_id)
        self._record(method, path, query, response.status, request_id, key.id if key else None)
        if key is not None:
            self._audit(environ, key, method, response.status, request_id)
        headers = [("request-id", request_id), *response.headers]
        if response.chunks is not None:
            start_response(_status_line(response.status), headers)
            return response.chunks
        body = json.dumps(response.json, separators=(",", ":"), ensure_ascii=False).encode()
        headers += [
            ("content-type", "application/json"),
            ("content-length", str(len(body))),
        ]
        start_response(_status_line(response.status), headers)
        return [body]

    # --- pipeline -------------------------------------------------------------------------------

    def _handle(
        self, environ: WSGIEnvironment, method: str, path: str, query: str, request_id: str
    ) -> tuple[ApiKey | None, Response]:
        try:
            key = self.keys.authenticate(_presented_key(environ))
        except AuthError as err:
            if err.status == 404 and SETTINGS_PATH.match(path):
                # the settings endpoint answers unauthenticated requests with 401 (spec §5.11)
                return None, _error(401, "API key is invalid.", request_id)
            return None, _error(err.status, err.message, request_id)
        if not self.is_enabled:
            message = "Compliance API is not enabled for this organization"
            return key, _error(400, message, request_id)
        budget = self.limiter.take(self.parent_uuid)
        if budget is not None and not budget.is_allowed:
            message = (
                f"Compliance API rate limit of {budget.limit} requests per minute per parent "
                "organization has been exceeded. Retry after the time in the retry-after header."
            )
            response = _error(429, message, request_id, (("retry-after", str(budget.retry_after)),))
            return key, _with_budget(response, budget)
        if self.remote_limiter is not None and path.startswith(REMOTE_PATH_PREFIX):
            remote = self.remote_limiter.take(self.parent_uuid)
            if remote is not None and not remote.is_allowed:
                # its 429s always say 1 s; the rate-limit headers describe the shared budget
                message = (
                    "Remote session request budget for this parent organization has been "
                    "exceeded. Retry after the time in the retry-after header."
                )
                response = _error(429, message, request_id, (("retry-after", "1"),))
                return key, _with_budget(response, budget)
        try:
            response = self._dispatch(key, method, path, query, _actor(environ, key))
        except ApiError as err:
            response = _error(err.status, err.message, request_id)
        return key, _with_budget(response, budget)

    def _dispatch(
        self, key: ApiKey, method: str, path: str, query: str, actor: dict[str, object]
    ) -> Response:
        for route in self.routes:
            match = route.pattern.match(path)
            if match is None or route.method != method:
                continue
            if route.method == "DELETE":
                # deletes need the exact scope, reads any one of a list (§2.4)
                if not set(route.scopes) <= set(key.scopes):
                    raise ApiError(
                        403,
                        f"Missing required scopes. Got: {list(key.scopes)!r} "
                        f"Needed: {list(route.scopes)!r}",
                    )
            elif not set(key.scopes) & set(route.scopes):
                raise ApiError(
                    403,
                    f"Missing required scopes. Got: {list(key.scopes)!r} "
                    f"Needed one of: {list(route.scopes)!r}",
                )
            now = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
            call = Call(parse_qsl(query, keep_blank_values=True), match.groups(), now, actor)
            return route.handler(call)
        raise ApiError(404, "Not found")

    def _fault_response(self, fault: Fault, request_id: str) -> Response:
        assert fault.status is not None
        extra: list[tuple[str, str]] = []
        if fault.retry_after is not None:
            extra.append(("retry-after", str(fault.retry_after)))
        if fault.should_retry is not None:
            extra.append(("x-should-retry", "true" if fault.should_retry else "false"))
        messages = {
            429: "Rate limited (injected fault).",
            500: "Internal server error",
            502: "Bad gateway",
            503: "Service temporarily unavailable",
            529: "Overloaded",
        }
        response = _error(
            fault.status,
            messages.get(fault.status, "Injected fault"),
            request_id,
            tuple(extra),
            default_retry_header=fault.should_retry is None,
        )
        return response

    def _record(
        self, method: str, path: str, query: str, status: int, request_id: str, key_id: str | None
    ) -> None:
        with self._lock:
            self.requests.append(
                RequestRecord(method, path, query, status, request_id, key_id, self.clock())
            )

    def _audit(
        self, environ: WSGIEnvironment, key: ApiKey, method: str, status: int, request_id: str
    ) -> None:
        with self._lock:
            activity_id = self._ids.tagged("activity_")
        actor = _actor(environ, key)
        fields: dict[str, object] = {
            "request_id": request_id,
            "request_method": method,
            "status_code": status,
            "url": request_uri(environ),
            "request_body": None,
        }
        self.feed.append(
            Activity(
                id=activity_id,
                created_at=dt.datetime.fromtimestamp(self.clock(), dt.UTC),
                type="compliance_api_accessed",
                organization_uuid=None,
                organization_id=None,
                actor=actor,
                fields=fields,
            )
        )


def _actor(environ: WSGIEnvironment, key: ApiKey) -> dict[str, object]:
    """The ``api_actor`` a request by ``key`` shows in the activity feed (§6)."""
    return {
        "type": "api_actor",
        "api_key_id": key.id,
        "ip_address": environ.get("REMOTE_ADDR") or "127.0.0.1",
        "user_agent": environ.get("HTTP_USER_AGENT"),
    }


def _presented_key(environ: WSGIEnvironment) -> str | None:
    key: str | None = environ.get("HTTP_X_API_KEY")
    if key:
        return key.strip()
    authorization: str = environ.get("HTTP_AUTHORIZATION", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def _error(
    status: int,
    message: str,
    request_id: str,
    extra: tuple[tuple[str, str], ...] = (),
    default_retry_header: bool = True,
) -> Response:
    headers = list(extra)
    if default_retry_header and 400 <= status < 500:
        headers.append(("x-should-retry", "true" if status == 429 else "false"))
    body: dict[str, Any] = {
        "type": "error",
        "error": {"type": error_type(status), "message": message},
        "request_id": request_id,
    }
    return Response(status, body, headers=tuple(headers))


def _with_budget(response: Response, budget: Budget | None) -> Response:
    if budget is None:
        return response
    headers = (
        ("anthropic-ratelimit-requests-limit", str(budget.limit)),
        ("anthropic-ratelimit-requests-remaining", str(budget.remaining)),
        ("anthropic-ratelimit-requests-reset", _rfc3339(budget.reset_at)),
    )
    return Response(response.status, response.json, response.chunks, response.headers + headers)


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    529: "Overloaded",
}


def _status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, 'Error')}"
