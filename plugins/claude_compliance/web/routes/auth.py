"""Sign in and out: the login form, and `/api/session` for scripts using the JSON API."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from claude_compliance.state.throttle import LoginThrottle
from claude_compliance.state.users import Session, User
from claude_compliance.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    HashSlots,
    ViewerSession,
    check_login_csrf,
    client_address,
    cookie_path,
    csrf_protect,
    current_session,
    is_forwarded_https,
    new_login_csrf,
    root,
    safe_next,
)
from claude_compliance.web.context import ctx
from claude_compliance.web.render import render

router = APIRouter()


def _secure(request: Request) -> bool:
    """Secure cookies when configured, and always when the request came over HTTPS (directly
    or, as a trusted proxy says, to the proxy)."""
    context = ctx(request)
    return (
        context.secure_cookies
        or request.url.scheme == "https"
        or is_forwarded_https(request, context.settings.trusted_proxies)
    )


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path=cookie_path(request),
    )


@dataclass(frozen=True, slots=True)
class Attempt:
    """How a sign-in went: the user, or the status to answer (401, 429, 503) and when to
    retry."""

    user: User | None
    status: int = 200
    retry_after: int = 0

    @property
    def message(self) -> str:
        if self.status == HTTPStatus.TOO_MANY_REQUESTS:
            return f"Too many failed sign-ins: try again in {self.retry_after} s."
        if self.status == HTTPStatus.SERVICE_UNAVAILABLE:
            return "The server is busy checking other sign-ins: try again in a moment."
        return "Wrong username or password."

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}


async def _login(request: Request, username: str, password: str) -> Attempt:
    """Throttle, then look the user up, then hash (in a bounded slot): each step refuses
    what it can before the next, costlier one runs."""
    context = ctx(request)
    throttle: LoginThrottle = request.app.state.throttle
    slots: HashSlots = request.app.state.hash_slots
    client = client_address(request, context.settings.trusted_proxies)
    actor = username[:100] or "-"
    wait = await run_in_threadpool(throttle.wait, username, client)
    if wait > 0:
        await run_in_threadpool(
            context.audit.record, actor, "login_blocked", None, {"client": client}
        )
        return Attempt(None, HTTPStatus.TOO_MANY_REQUESTS, math.ceil(wait))
    candidate = await run_in_threadpool(context.users.login_candidate, username)
    user = None
    if candidate is not None:
        async with slots.slot() as has_slot:
            if not has_slot:
                await run_in_threadpool(
                    context.audit.record, actor, "login_busy", None, {"client": client}
                )
                return Attempt(None, HTTPStatus.SERVICE_UNAVAILABLE, math.ceil(slots.wait))
            user = await run_in_threadpool(context.users.check_password, candidate, password)
    if user is None:
        await run_in_threadpool(
            functools.partial(throttle.failed, is_known_user=candidate is not None),
            username,
            client,
        )
        await run_in_threadpool(
            context.audit.record, actor, "login_failed", None, {"client": client}
        )
        return Attempt(None, HTTPStatus.UNAUTHORIZED)
    await run_in_threadpool(throttle.succeeded, username, client)
    await run_in_threadpool(context.audit.record, user.username, "login", None, {"client": client})
    return Attempt(user)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    token = new_login_csrf()
    response = render(
        request,
        "login.html",
        {"login_csrf": token, "next": safe_next(request, next), "error": None},
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path=cookie_path(request),
    )
    return response


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    if not check_login_csrf(request, csrf_token):
        return render(
            request,
            "login.html",
            {
                "login_csrf": csrf_token,
                "next": safe_next(request, next),
                "error": "The form expired: please sign in again.",
            },
            403,
        )
    attempt = await _login(request, username, password)
    if attempt.user is None:
        refused = render(
            request,
            "login.html",
            {
                "login_csrf": csrf_token,
                "next": safe_next(request, next),
                "error": attempt.message,
            },
            attempt.status,
        )
        refused.headers.update(attempt.headers)
        return refused
    token, _ = await run_in_threadpool(ctx(request).users.create_session, attempt.user)
    response = RedirectResponse(safe_next(request, next), status_code=303)
    _set_session_cookie(request, response, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=cookie_path(request))
    return response


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def logout(request: Request, session: ViewerSession) -> Response:
    ctx(request).users.end_session(request.cookies.get(SESSION_COOKIE, ""))
    ctx(request).audit.record(session.user.username, "logout")
    response = RedirectResponse(f"{root(request)}/login?notice=logged_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=cookie_path(request))
    return response


class Credentials(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)


def _me(session: Session) -> dict[str, Any]:
    return {
        "username": session.user.username,
        "role": session.user.role.value,
        "csrf_token": session.csrf_token,
        "expires_at": session.expires_at.isoformat(),
    }


@router.post("/api/session")
async def api_login(request: Request, credentials: Credentials) -> Response:
    """JSON sign-in for scripts: sets the session cookie and returns the CSRF token.

    JSON bodies cannot be posted cross-site without a CORS preflight, which this app never
    grants, so this endpoint needs no CSRF token of its own.
    """
    attempt = await _login(request, credentials.username, credentials.password)
    if attempt.user is None:
        return JSONResponse(
            {"error": attempt.message}, status_code=attempt.status, headers=attempt.headers
        )
    token, session = await run_in_threadpool(ctx(request).users.create_session, attempt.user)
    response = JSONResponse(_me(session))
    _set_session_cookie(request, response, token)
    return response


@router.get("/api/session")
def api_me(session: ViewerSession) -> dict[str, Any]:
    return _me(session)


@router.delete("/api/session", dependencies=[Depends(csrf_protect)])
def api_logout(request: Request, session: ViewerSession) -> Response:
    ctx(request).users.end_session(request.cookies.get(SESSION_COOKIE, ""))
    ctx(request).audit.record(session.user.username, "logout")
    response = JSONResponse({"status": "signed out"})
    response.delete_cookie(SESSION_COOKIE, path=cookie_path(request))
    return response


__all__ = ["current_session", "router"]
