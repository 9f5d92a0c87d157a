"""Sign in and out: the login form, and `/api/session` for scripts using the JSON API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from claude_compliance.state.users import Session, User
from claude_compliance.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ViewerSession,
    check_login_csrf,
    cookie_path,
    csrf_protect,
    current_session,
    new_login_csrf,
    root,
    safe_next,
)
from claude_compliance.web.context import ctx
from claude_compliance.web.render import render

router = APIRouter()


def _secure(request: Request) -> bool:
    """Secure cookies when configured, and always when the request came over HTTPS."""
    return ctx(request).secure_cookies or request.url.scheme == "https"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path=cookie_path(request),
    )


def _login(request: Request, username: str, password: str) -> User | None:
    context = ctx(request)
    throttle = request.app.state.throttle
    client = _client(request)
    if throttle.is_blocked(username, client):
        context.audit.record(username[:100] or "-", "login_blocked", None, {"client": client})
        return None
    user = context.users.authenticate(username, password)
    if user is None:
        throttle.failed(username, client)
        context.audit.record(username[:100] or "-", "login_failed", None, {"client": client})
        return None
    throttle.succeeded(username, client)
    context.audit.record(user.username, "login", None, {"client": client})
    return user


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
def login(
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
    user = _login(request, username, password)
    if user is None:
        return render(
            request,
            "login.html",
            {
                "login_csrf": csrf_token,
                "next": safe_next(request, next),
                "error": "Wrong username or password (or too many attempts: wait 15 minutes).",
            },
            401,
        )
    token, _ = ctx(request).users.create_session(user)
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
def api_login(request: Request, credentials: Credentials) -> Response:
    """JSON sign-in for scripts: sets the session cookie and returns the CSRF token.

    JSON bodies cannot be posted cross-site without a CORS preflight, which this app never
    grants, so this endpoint needs no CSRF token of its own.
    """
    user = _login(request, credentials.username, credentials.password)
    if user is None:
        return JSONResponse({"error": "wrong username or password"}, status_code=401)
    token, session = ctx(request).users.create_session(user)
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
