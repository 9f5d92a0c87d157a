"""The dashboard's FastAPI application: routers, error handlers and security headers."""

from __future__ import annotations

import logging

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


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "authentication required"}, status_code=401)
        if request.method != "GET":  # a form posted after the session ended
            base = str(request.scope.get("root_path", "")).rstrip("/")
            return RedirectResponse(f"{base}/login", status_code=303)
        return RedirectResponse(login_url(request), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _is_api(request):
            return JSONResponse({"error": str(exc)}, status_code=403)
        return render(request, "error.html", {"title": "Not allowed", "message": str(exc)}, 403)

    @app.exception_handler(CSRFError)
    async def csrf_error(request: Request, exc: CSRFError) -> Response:
        message = "missing or wrong CSRF token: reload the page and try again"
        if _is_api(request):
            return JSONResponse({"error": message}, status_code=403)
        return render(request, "error.html", {"title": "Request refused", "message": message}, 403)

    @app.exception_handler(WarehouseMissing)
    async def no_warehouse(request: Request, exc: WarehouseMissing) -> Response:
        message = "No published warehouse yet: run the pipeline (claude-compliance run)."
        if _is_api(request):
            return JSONResponse({"error": message}, status_code=503)
        return render(request, "error.html", {"title": "No data yet", "message": message}, 503)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's default echoes the request body back, and a key registration body holds
        # a plaintext key: name the fields only.
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
        message = f"invalid request: check {', '.join(f for f in fields if f) or 'the body'}"
        if _is_api(request):
            return JSONResponse({"error": message}, status_code=422)
        return render(request, "error.html", {"title": "Invalid request", "message": message}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.status_code < 500 else "server error"
        if _is_api(request):
            return JSONResponse({"error": message}, status_code=exc.status_code)
        return render(
            request,
            "error.html",
            {"title": f"{exc.status_code}", "message": message},
            exc.status_code,
        )


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
