"""Authentication for the dashboard and its JSON API, in both modes (standalone and mounted
in Airflow, whose plugin routes are not behind Airflow's login).

- Sessions: a random token in an HttpOnly, SameSite=Lax cookie; the state DB keeps its hash.
- CSRF: every unsafe request carries the session's token, as the `csrf_token` form field or
  the `X-CSRF-Token` header; the login form uses a double-submit cookie.
- Roles: viewer (aggregates only) < analyst (findings, triage, raw text masked) < admin
  (keys, users, audit log).
- Sign-ins: throttled per client, account and pair in the state DB (`state.throttle`),
  refused before any hashing when throttled or unknown, and at most a few password hashes
  run at once (`HashSlots`). The client address comes from `X-Forwarded-For` only through
  the proxies `CLAUDE_COMPLIANCE_TRUSTED_PROXIES` names.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Annotated
from urllib.parse import quote

import anyio
from fastapi import Depends, Request
from starlette.datastructures import FormData

from claude_compliance.state.users import Role, Session
from claude_compliance.web.context import ctx

SESSION_COOKIE = "cc_session"
LOGIN_CSRF_COOKIE = "cc_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


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


def client_address(request: Request, trusted_proxies: Sequence[str]) -> str:
    """The client's address: the connection's peer, unless the peer is a trusted proxy, then
    the nearest address in `X-Forwarded-For` that is not itself a trusted proxy.

    The header is read from the right (what our own proxies appended) and only through
    trusted hops: anything further left was written by the client and proves nothing.
    `serve` runs uvicorn without its own forwarded-header handling, so the peer here is the
    socket's (mounted in Airflow, it is whatever Airflow's server decided).
    """
    peer = request.client.host if request.client else "unknown"
    networks = [ipaddress.ip_network(n) for n in trusted_proxies]
    if not networks or not _is_in(peer, networks):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _is_in(hop, networks):
            return hop if _is_ip(hop) else peer
    return peer


def is_forwarded_https(request: Request, trusted_proxies: Sequence[str]) -> bool:
    """A trusted proxy says the client came over HTTPS (so cookies must be Secure)."""
    peer = request.client.host if request.client else ""
    if not _is_in(peer, [ipaddress.ip_network(n) for n in trusted_proxies]):
        return False
    protos = ",".join(request.headers.getlist("x-forwarded-proto")).split(",")
    return protos[-1].strip().lower() == "https"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_in(address: str, networks: Sequence[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class HashSlots:
    """A small bound on password hashes running at once in this process (each scrypt takes
    32 MiB and a core for about a second): a burst of sign-ins waits for a slot, and what
    still waits after `wait` seconds is turned away instead of piling up.

    Waiting polls a thread semaphore rather than an asyncio one, so no waiter holds a worker
    thread and the slots are shared by every event loop that serves this app.
    """

    def __init__(self, slots: int = 2, wait: float = 2.0, poll: float = 0.02) -> None:
        self.wait = wait
        self._poll = poll
        self._semaphore = threading.BoundedSemaphore(slots)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[bool]:
        """Yields True holding a slot, or False when none came free within `wait`."""
        deadline = time.monotonic() + self.wait
        while not self._semaphore.acquire(blocking=False):
            if time.monotonic() >= deadline:
                yield False
                return
            await anyio.sleep(self._poll)
        try:
            yield True
        finally:
            self._semaphore.release()


ViewerSession = Annotated[Session, Depends(require(Role.VIEWER))]
AnalystSession = Annotated[Session, Depends(require(Role.ANALYST))]
AdminSession = Annotated[Session, Depends(require(Role.ADMIN))]
