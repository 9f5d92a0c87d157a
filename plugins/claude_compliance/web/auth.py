"""Authentication for the dashboard and its JSON API, in both modes (standalone and mounted
in Airflow, whose plugin routes are not behind Airflow's login).

- Sessions: a random token in an HttpOnly, SameSite=Lax cookie; the state DB keeps its hash.
- CSRF: every unsafe request carries the session's token, as the `csrf_token` form field or
  the `X-CSRF-Token` header; the login form uses a double-submit cookie.
- Roles: viewer (aggregates only) < analyst (findings, triage, raw text masked) < admin
  (keys, users, audit log).
- Failed logins are throttled per username and client.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.datastructures import FormData

from claude_compliance.state.users import Role, Session
from claude_compliance.web.context import ctx

SESSION_COOKIE = "cc_session"
LOGIN_CSRF_COOKIE = "cc_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotAuthenticated(Exception):
    """No valid session: pages redirect to the login form, the API answers 401."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""

    def __init__(self, needed: Role) -> None:
        super().__init__(f"this needs the {needed.value} role")
        self.needed = needed


class CSRFError(Exception):
    """An unsafe request without the session's CSRF token."""


def root(request: Request) -> str:
    """The path prefix the app is mounted under ('' standalone, '/compliance' in Airflow)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def cookie_path(request: Request) -> str:
    return root(request) or "/"


def current_session(request: Request) -> Session | None:
    if "session" in request.scope.get("state", {}):
        cached: Session | None = request.state.session
        return cached
    token = request.cookies.get(SESSION_COOKIE, "")
    session = ctx(request).users.session(token) if token else None
    request.state.session = session
    return session


def require(role: Role) -> Callable[[Request], Awaitable[Session]]:
    """A dependency: the request's session, when its user has at least `role`."""

    async def dependency(request: Request) -> Session:
        session = current_session(request)
        if session is None:
            raise NotAuthenticated()
        if not session.user.role.allows(role):
            raise Forbidden(role)
        return session

    dependency.__name__ = f"require_{role.value}"
    return dependency


async def csrf_protect(request: Request) -> None:
    """Router dependency: unsafe methods need the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    session = current_session(request)
    if session is None:
        raise NotAuthenticated()
    sent = request.headers.get(CSRF_HEADER)
    if not sent and _is_form(request):
        form: FormData = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
        raise CSRFError()


def _is_form(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def check_login_csrf(request: Request, sent: str | None) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(cookie and sent) and hmac.compare_digest(cookie.encode(), str(sent).encode())


def safe_next(request: Request, target: str | None) -> str:
    """A local path to go to after login; anything else goes to the overview."""
    base = root(request)
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        if not base or target == base or target.startswith(base + "/"):
            return target
    return base + "/"


def login_url(request: Request) -> str:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return f"{root(request)}/login?next={quote(target, safe='')}"


class LoginThrottle:
    """At most `limit` failed logins per username and client within `window` seconds."""

    def __init__(self, limit: int = 10, window: float = 900.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def is_blocked(self, username: str, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [
                t for t in self._failures.get((username, client), []) if now - t < self.window
            ]
            self._failures[(username, client)] = recent
            return len(recent) >= self.limit

    def failed(self, username: str, client: str) -> None:
        with self._lock:
            self._failures.setdefault((username, client), []).append(time.monotonic())

    def succeeded(self, username: str, client: str) -> None:
        with self._lock:
            self._failures.pop((username, client), None)


ViewerSession = Annotated[Session, Depends(require(Role.VIEWER))]
AnalystSession = Annotated[Session, Depends(require(Role.ANALYST))]
AdminSession = Annotated[Session, Depends(require(Role.ADMIN))]
