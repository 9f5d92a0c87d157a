"""Admin pages: dashboard accounts (create, change role, disable) and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from claude_compliance.state.users import Role, UserError
from claude_compliance.web.auth import AdminSession, csrf_protect, root
from claude_compliance.web.context import ctx
from claude_compliance.web.render import render

router = APIRouter(dependencies=[Depends(csrf_protect)])
AUDIT_PER_PAGE = 100


def _users_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    return render(
        request,
        "admin_users.html",
        {"accounts": ctx(request).users.all(), "roles": [r.value for r in Role], "error": error},
        status,
    )


@router.get("/admin/users")
def users_page(request: Request, session: AdminSession) -> Response:
    return _users_page(request)


@router.post("/admin/users")
def add_user(
    request: Request,
    session: AdminSession,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    context = ctx(request)
    try:
        user = context.users.add(username, password, role, actor=f"web:{session.user.username}")
    except UserError as exc:
        return _users_page(request, str(exc), 400)
    context.audit.record(session.user.username, "user_add", user.username, {"role": user.role})
    return RedirectResponse(f"{root(request)}/admin/users?notice=user_added", status_code=303)


@router.post("/admin/users/{username}")
def update_user(
    request: Request,
    username: str,
    session: AdminSession,
    role: Annotated[str, Form(max_length=20)] = "",
    action: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    context = ctx(request)
    if username == session.user.username and (action == "disable" or (role and role != "admin")):
        return _users_page(request, "You cannot disable or demote your own account.", 400)
    try:
        if role:
            context.users.set_role(username, role)
            context.audit.record(session.user.username, "user_role", username, {"role": role})
        if action in ("disable", "enable"):
            context.users.set_disabled(username, action == "disable")
            context.audit.record(session.user.username, f"user_{action}", username)
    except UserError as exc:
        return _users_page(request, str(exc), 400)
    return RedirectResponse(f"{root(request)}/admin/users?notice=user_updated", status_code=303)


@router.get("/admin/audit")
def audit_page(
    request: Request,
    session: AdminSession,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    page: int = 1,
) -> Response:
    log = ctx(request).audit
    page = max(1, min(page, 1_000_000))
    events, total = log.recent(
        limit=AUDIT_PER_PAGE,
        offset=(page - 1) * AUDIT_PER_PAGE,
        actor=actor or None,
        action=action or None,
        target=target or None,
    )
    return render(
        request,
        "audit.html",
        {
            "events": events,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // AUDIT_PER_PAGE)),
            "actions": log.actions(),
            "q": {"actor": actor or "", "action": action or "", "target": target or ""},
        },
    )
