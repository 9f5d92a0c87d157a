"""Template rendering: every page gets the mount prefix, the session and the navigation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment

from claude_compliance.state.users import Role
from claude_compliance.web.auth import current_session, root
from claude_compliance.web.context import ctx

NAV: tuple[tuple[str, str, Role], ...] = (
    ("/", "Overview", Role.VIEWER),
    ("/findings", "Findings", Role.ANALYST),
    ("/activity", "Activity", Role.ANALYST),
    ("/directory", "Directory", Role.ANALYST),
    ("/risk", "Users", Role.VIEWER),
    ("/sync", "Sync health", Role.VIEWER),
    ("/suppressions", "Suppressions", Role.ANALYST),
    ("/remediation", "Remediation", Role.ANALYST),
    ("/keys", "Keys", Role.ADMIN),
    ("/admin/users", "Accounts", Role.ADMIN),
    ("/admin/audit", "Audit log", Role.ADMIN),
)

NOTICES = {
    "triaged": "Triage saved.",
    "suppressed": "Suppression rule added; matching findings are now hidden.",
    "unsuppressed": "Suppression rule removed.",
    "key_added": "Key registered and validated. Its plaintext is not shown again.",
    "key_revoked": "Key revoked: no further syncs or scans. It still works at Anthropic.",
    "key_valid": "Key validated live.",
    "user_added": "Account created.",
    "user_updated": "Account updated.",
    "logged_out": "Signed out.",
    "remediation_requested": "Removal requested: nothing is deleted until another admin approves.",
    "remediation_approved": "Removal approved: the next `remediate execute` deletes it.",
    "remediation_rejected": "Removal rejected: nothing will be deleted.",
}


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    session = current_session(request)
    values: dict[str, Any] = {
        "request": request,
        "root": root(request),
        "session": session,
        "user": session.user if session else None,
        "csrf_token": session.csrf_token if session else "",
        "nav": [
            (path, label)
            for path, label, role in NAV
            if session is not None and session.user.role.allows(role)
        ],
        "path": request.url.path[len(root(request)) :] or "/",
        "notice": NOTICES.get(request.query_params.get("notice", "")),
        "now": datetime.now(UTC),
    }
    values.update(context or {})
    response = ctx(request).templates.TemplateResponse(
        request, template, values, status_code=status
    )
    assert isinstance(response, HTMLResponse)
    return response


def setup_filters(env: Environment) -> None:
    env.filters["ts"] = _ts
    env.filters["num"] = _num
    env.filters["ago"] = _ago
    env.filters["duration"] = _duration
    env.globals["with_query"] = with_query


def with_query(request: Request, **changes: Any) -> str:
    """The current query string with `changes` applied (None removes a parameter)."""
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    pairs += [(k, str(v)) for k, v in changes.items() if v is not None and v != ""]
    return "?" + urlencode(pairs) if pairs else "?"


def _duration(value: Any) -> str:
    if not isinstance(value, timedelta):
        return "—"
    seconds = int(value.total_seconds())
    if seconds < 3600:
        return f"{max(seconds // 60, 0)} min"
    if seconds < 86400 * 2:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def _ts(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        moment: datetime = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


def _num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _ago(value: Any) -> str:
    if not isinstance(value, datetime):
        return "never"
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    seconds = (datetime.now(UTC) - value).total_seconds()
    if seconds < 0:
        return "just now"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return "just now"
