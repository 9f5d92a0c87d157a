"""The dashboard's FastAPI application: routers, error handlers and security headers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claude_compliance.settings import Settings
from claude_compliance.state.throttle import LoginThrottle
from claude_compliance.web.auth import (
    CSRFError,
    Forbidden,
    HashSlots,
    NotAuthenticated,
    login_url,
)
from claude_compliance.web.context import STATIC_DIR, WebContext
from claude_compliance.web.render import render
from claude_compliance.web.routes import (
    admin,
    auth,
    explore,
    findings,
    keys,
    overview,
    remediation,
    triage,
)
from claude_compliance.web.warehouse import WarehouseMissing

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


def create_app(
    settings: Settings | None = None,
    *,
    api_transport: httpx.BaseTransport | None = None,
    secure_cookies: bool = False,
) -> FastAPI:
    """The dashboard app; `api_transport` lets tests validate keys against the simulator."""
    settings = settings or Settings.load()
    app = FastAPI(
        title="Claude Compliance",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.ctx = WebContext.build(
        settings, api_transport=api_transport, secure_cookies=secure_cookies
    )
    app.state.throttle = LoginThrottle(app.state.ctx.engine)
    app.state.hash_slots = HashSlots()
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for module in (auth, overview, findings, triage, remediation, explore, keys, admin):
        app.include_router(module.router)
    _handlers(app)
    return app


def _is_api(request: Request) -> bool:
    path = request.url.path
    base = str(request.scope.get("root_path", "")).rstrip("/")
    return path.startswith(f"{base}/api/") or path == f"{base}/api"


def _invalid_request(exc: Exception) -> str:
    # FastAPI's default echoes the request body back, and a key registration body holds a
    # plaintext key: name the fields only.
    errors = cast(RequestValidationError, exc).errors()
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in errors})
    return f"invalid request: check {', '.join(f for f in fields if f) or 'the body'}"


def _http_error(exc: Exception) -> str:
    http = cast(StarletteHTTPException, exc)
    return str(http.detail) if http.status_code < 500 else "server error"


@dataclass(frozen=True, slots=True)
class ErrorPage:
    """How one exception class is answered: status, page title, and the message it shows."""

    status: int | None  # None: the exception's own status_code
    title: str | None  # None: the status code
    message: str | Callable[[Exception], str]


# Most specific class first: `_page_for` takes the first entry the exception is an instance of.
ERROR_PAGES: dict[type[Exception], ErrorPage] = {
    Forbidden: ErrorPage(403, "Not allowed", str),
    CSRFError: ErrorPage(
        403, "Request refused", "missing or wrong CSRF token: reload the page and try again"
    ),
    WarehouseMissing: ErrorPage(
        503, "No data yet", "No published warehouse yet: run the pipeline (claude-compliance run)."
    ),
    RequestValidationError: ErrorPage(422, "Invalid request", _invalid_request),
    StarletteHTTPException: ErrorPage(None, None, _http_error),
}


def _page_for(exc: Exception) -> ErrorPage:
    return next(page for cls, page in ERROR_PAGES.items() if isinstance(exc, cls))


async def _error_response(request: Request, exc: Exception) -> Response:
    """JSON `{"error": ...}` under /api, the error page elsewhere."""
    page = _page_for(exc)
    status = page.status if page.status is not None else int(getattr(exc, "status_code", 500))
    message = page.message if isinstance(page.message, str) else page.message(exc)
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    title = page.title or str(status)
    return render(request, "error.html", {"title": title, "message": message}, status)


async def _not_authenticated(request: Request, exc: Exception) -> Response:
    """401 under /api; otherwise the login page (back to this page after a GET)."""
    if _is_api(request):
        return JSONResponse({"error": "authentication required"}, status_code=401)
    if request.method != "GET":  # a form posted after the session ended
        base = str(request.scope.get("root_path", "")).rstrip("/")
        return RedirectResponse(f"{base}/login", status_code=303)
    return RedirectResponse(login_url(request), status_code=303)


def _handlers(app: FastAPI) -> None:
    app.add_exception_handler(NotAuthenticated, _not_authenticated)
    for cls in ERROR_PAGES:
        app.add_exception_handler(cls, _error_response)


class SecurityHeaders:
    """CSP (no inline script), no sniffing, no referrer, no caching of authenticated pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = "/static/" in scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                ]
                if not is_static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
