"""The activity feed, the directory (organizations, users, chats, projects) and the
conversation view (raw text from the lake, every detected value masked; every view audited).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
from fastapi import APIRouter, Request
from fastapi.responses import Response

from claude_compliance.web import masking
from claude_compliance.web.auth import AnalystSession
from claude_compliance.web.context import WebContext, ctx
from claude_compliance.web.render import render
from claude_compliance.web.routes.overview import _organizations
from claude_compliance.web.warehouse import records

router = APIRouter()
PER_PAGE = 100

# Activity type groups (the feed has ~500 types; these are the ones analysts ask for).
ACTIVITY_GROUPS: dict[str, tuple[str, str]] = {
    "logins": ("Logins", "(a.activity_type like '%login%' or a.activity_type like '%logout%')"),
    "chats": ("Chat interactions", "a.activity_type like 'claude\\_chat\\_%' escape '\\'"),
    "files": (
        "File uploads",
        "(a.activity_type like '%\\_uploaded' escape '\\' or a.activity_type like '%file%')",
    ),
    "projects": ("Projects", "a.activity_type like 'claude\\_project\\_%' escape '\\'"),
    "admin": (
        "Administrative",
        "(a.activity_type like 'org\\_%' escape '\\' or a.activity_type like 'rbac\\_%' "
        "escape '\\' or a.activity_type like '%api\\_key%' escape '\\' "
        "or a.activity_type like 'group\\_%' escape '\\' "
        "or a.activity_type like 'role\\_%' escape '\\' "
        "or a.activity_type like '%settings\\_updated' escape '\\' "
        "or a.activity_type like 'admin\\_%' escape '\\' or a.activity_type like '%invite%' "
        "or a.activity_type like '%role\\_updated' escape '\\')",
    ),
}


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _page_number(value: int) -> int:
    return max(1, min(value, 1_000_000))


def _paged(
    cursor: duckdb.DuckDBPyConnection,
    source: str,
    clause: str,
    params: list[Any],
    *,
    columns: str,
    order: str,
    page: int,
) -> tuple[int, list[dict[str, Any]]]:
    """How many rows of `source` match `clause`, and the `page`-th page of them."""
    total = cursor.execute(f"select count(*) from {source} where {clause}", params).fetchall()  # noqa: S608 - whitelisted identifiers and fragments; values are bound parameters
    cursor.execute(
        f"select {columns} from {source} where {clause} order by {order} limit ? offset ?",  # noqa: S608 - whitelisted identifiers and fragments; values are bound parameters
        [*params, PER_PAGE, (page - 1) * PER_PAGE],
    )
    return int(total[0][0]), records(cursor)


def _title(context: WebContext, text: Any) -> str:
    """A name (chat, project, file, tool), masked like any other user-written text."""
    if not text:
        return ""
    return masking.plain(masking.mask(str(text), context.scan_engine()))


@router.get("/activity")
def activity_page(
    request: Request,
    session: AnalystSession,
    start: str | None = None,
    end: str | None = None,
    group: str | None = None,
    type: str | None = None,
    user: str | None = None,
    organization: str | None = None,
    page: int = 1,
) -> Response:
    context = ctx(request)
    if not context.warehouse.has("activities"):
        return render(request, "activity.html", {"rows": None})
    where: list[str] = ["1 = 1"]
    params: list[Any] = []
    start_day, end_day = _day(start), _day(end)
    if start_day:
        where.append("a.created_at >= ?")
        params.append(datetime(start_day.year, start_day.month, start_day.day, tzinfo=UTC))
    if end_day:
        stop = end_day + timedelta(days=1)
        where.append("a.created_at < ?")
        params.append(datetime(stop.year, stop.month, stop.day, tzinfo=UTC))
    if group in ACTIVITY_GROUPS:
        where.append(ACTIVITY_GROUPS[group][1])
    if type and len(type) <= 100:
        where.append("a.activity_type = ?")
        params.append(type)
    if user and len(user) <= 200:
        where.append("(a.actor_user_id = ? or a.actor_email ilike ? escape '\\')")
        params += [user, _like(user)]
    if organization and len(organization) <= 100:
        where.append("a.organization_uuid = ?")
        params.append(organization)
    page = _page_number(page)
    clause = " and ".join(where)
    with context.warehouse.cursor() as cursor:
        total, rows = _paged(
            cursor,
            "activities a",
            clause,
            params,
            columns="a.activity_id, a.created_at, a.activity_type, a.organization_uuid, "
            "a.actor_type, a.actor_user_id, a.actor_email, a.chat_id, a.project_id, a.file_id",
            order="a.created_at desc, a.activity_id",
            page=page,
        )
        types = context.warehouse.memo(
            "activity_types",
            lambda: [
                str(r[0])
                for r in cursor.execute(
                    "select distinct activity_type from activities order by 1"
                ).fetchall()
            ],
        )
    orgs = _organizations(request)
    return render(
        request,
        "activity.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "groups": [(k, v[0]) for k, v in ACTIVITY_GROUPS.items()],
            "types": types,
            "orgs": orgs,
            "org_names": dict(orgs),
            "q": {
                "start": start_day.isoformat() if start_day else "",
                "end": end_day.isoformat() if end_day else "",
                "group": group if group in ACTIVITY_GROUPS else "",
                "type": type or "",
                "user": user or "",
                "organization": organization or "",
            },
        },
    )


@router.get("/directory")
def directory_page(
    request: Request,
    session: AnalystSession,
    organization: str | None = None,
    q: str | None = None,
    page: int = 1,
) -> Response:
    context = ctx(request)
    if not context.warehouse.has("users"):
        return render(request, "directory.html", {"users": None})
    where, params = ["1 = 1"], []
    if organization and len(organization) <= 100:
        where.append("u.organization_uuid = ?")
        params.append(organization)
    if q and len(q) <= 200:
        where.append(
            "(u.user_email ilike ? escape '\\' or u.full_name ilike ? escape '\\' or u.user_id = ?)"
        )
        params += [_like(q), _like(q), q]
    page = _page_number(page)
    clause = " and ".join(where)
    with context.warehouse.cursor() as cursor:
        org_rows = cursor.execute(
            "select organization_uuid, organization_name, user_count, created_at "
            "from organizations order by organization_name"
        ).fetchall()
        total, users = _paged(
            cursor,
            "users u",
            clause,
            params,
            columns="u.user_id, u.organization_uuid, u.user_email, u.full_name, "
            "u.organization_role, u.joined_at",
            order="u.user_email",
            page=page,
        )
    return render(
        request,
        "directory.html",
        {
            "orgs": [
                {"uuid": u, "name": n, "user_count": c, "created_at": t} for u, n, c, t in org_rows
            ],
            "org_names": {u: n for u, n, _, _ in org_rows},
            "users": users,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "organization": organization or "",
            "q": q or "",
        },
    )


@router.get("/directory/chats")
def chats_page(
    request: Request,
    session: AnalystSession,
    user: str | None = None,
    organization: str | None = None,
    page: int = 1,
) -> Response:
    return _listing(request, "chats", user, organization, page)


@router.get("/directory/projects")
def projects_page(
    request: Request,
    session: AnalystSession,
    user: str | None = None,
    organization: str | None = None,
    page: int = 1,
) -> Response:
    return _listing(request, "projects", user, organization, page)


def _listing(
    request: Request, table: str, user: str | None, organization: str | None, page: int
) -> Response:
    context = ctx(request)
    if not context.warehouse.has(table):
        return render(request, "listing.html", {"rows": None, "table": table})
    id_col, name_col = (
        ("chat_id", "chat_name") if table == "chats" else ("project_id", "project_name")
    )
    extra = "model, href" if table == "chats" else "is_private"
    where, params = ["1 = 1"], []
    if user and len(user) <= 200:
        where.append("(t.user_id = ? or t.user_email ilike ? escape '\\')")
        params += [user, _like(user)]
    if organization and len(organization) <= 100:
        where.append("t.organization_uuid = ?")
        params.append(organization)
    page = _page_number(page)
    clause = " and ".join(where)
    with context.warehouse.cursor() as cursor:
        counts = (
            f"(select count(*) from findings f where f.{id_col} = t.{id_col})"  # noqa: S608 - whitelisted identifiers and fragments; values are bound parameters
            if context.warehouse.has("findings")
            else "0"
        )
        total, rows = _paged(
            cursor,
            f"{table} t",
            clause,
            params,
            columns=f"t.{id_col} as id, t.{name_col} as name, t.key_id, t.organization_uuid, "
            f"t.user_id, t.user_email, t.created_at, t.updated_at, t.is_deleted, {extra}, "
            f"{counts} as finding_count",
            order="t.updated_at desc nulls last, id",
            page=page,
        )
    for row in rows:
        row["name"] = _title(context, row["name"])
    orgs = _organizations(request)
    return render(
        request,
        "listing.html",
        {
            "rows": rows,
            "table": table,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "orgs": orgs,
            "org_names": dict(orgs),
            "q": {"user": user or "", "organization": organization or ""},
        },
    )


def _recorded(context: WebContext, column: str, value: str) -> dict[tuple[str, str], list[Any]]:
    """The warehouse's findings of a chat or project, by (source, source_id)."""
    spans: dict[tuple[str, str], list[Any]] = {}
    if not context.warehouse.has("findings"):
        return spans
    with context.warehouse.cursor() as cursor:
        rows = cursor.execute(
            "select source, source_id, finding_id, start_offset, end_offset, redacted_match, "  # noqa: S608 - whitelisted identifiers and fragments; values are bound parameters
            f"severity from findings where {column} = ?",
            [value],
        ).fetchall()
    for source, source_id, fid, start, end, preview, severity in rows:
        spans.setdefault((str(source), str(source_id)), []).append(
            masking.Span(int(start), int(end), str(preview), str(fid), str(severity))
        )
    return spans


def _masked(
    context: WebContext, text: Any, spans: list[masking.Span] | None
) -> list[masking.Segment]:
    if not text:
        return []
    return masking.mask(str(text), context.scan_engine(), spans or [])


@router.get("/conversation/chat/{chat_id}")
def chat_conversation(
    request: Request,
    chat_id: str,
    session: AnalystSession,
    finding: str | None = None,
) -> Response:
    context = ctx(request)
    chat = _metadata(context, "chats", "chat_id", chat_id)
    if chat is None:
        return render(request, "error.html", {"title": "No such chat", "message": ""}, 404)
    context.audit.record(
        session.user.username, "view_conversation", f"chat {chat_id}", {"finding": finding}
    )
    spans = _recorded(context, "chat_id", chat_id)
    files = context.lake.chat_files(str(chat["key_id"]), chat_id)
    files_by_message: dict[str, list[dict[str, Any]]] = {}
    for file in files:
        file["segments"] = _masked(
            context, file["content_text"], spans.get(("chat_file", str(file["file_id"])))
        )
        file.pop("content_text", None)
        file["filename"] = _title(context, file.get("filename"))
        files_by_message.setdefault(str(file["message_id"]), []).append(file)
    messages = []
    for message in context.lake.chat_messages(str(chat["key_id"]), chat_id):
        source = ("chat_message", str(message["message_id"]))
        messages.append(
            {
                "message_id": message["message_id"],
                "role": message["role"],
                "created_at": message["created_at"],
                "segments": _masked(
                    context,
                    message["text"],
                    spans.get(source) if message["role"] == "user" else None,
                ),
                "files": files_by_message.get(str(message["message_id"]), []),
            }
        )
    chat["chat_name"] = _title(context, chat.get("chat_name"))
    return render(
        request,
        "conversation.html",
        {
            "kind": "chat",
            "item": chat,
            "messages": messages,
            "highlight": finding,
            "link": chat.get("href") or f"https://claude.ai/chat/{chat_id}",
        },
    )


@router.get("/conversation/project/{project_id}")
def project_conversation(
    request: Request,
    project_id: str,
    session: AnalystSession,
    finding: str | None = None,
) -> Response:
    context = ctx(request)
    project = _metadata(context, "projects", "project_id", project_id)
    if project is None:
        return render(request, "error.html", {"title": "No such project", "message": ""}, 404)
    context.audit.record(
        session.user.username,
        "view_conversation",
        f"project {project_id}",
        {"finding": finding},
    )
    key_id = str(project["key_id"])
    spans = _recorded(context, "project_id", project_id)
    raw = context.lake.project(key_id, project_id) or {}
    sections = [
        (
            "Description",
            _masked(
                context, raw.get("description"), spans.get(("project_description", project_id))
            ),
        ),
        (
            "Instructions",
            _masked(
                context, raw.get("instructions"), spans.get(("project_instruction", project_id))
            ),
        ),
    ]
    attachments = []
    for item in context.lake.project_attachments(key_id, project_id):
        item["segments"] = _masked(
            context, item["content_text"], spans.get(("project_file", str(item["attachment_id"])))
        )
        item.pop("content_text", None)
        item["filename"] = _title(context, item.get("filename"))
        attachments.append(item)
    project["project_name"] = _title(context, project.get("project_name"))
    return render(
        request,
        "conversation.html",
        {
            "kind": "project",
            "item": project,
            "sections": sections,
            "attachments": attachments,
            "highlight": finding,
            "link": f"https://claude.ai/project/{project_id}",
        },
    )


@router.get("/conversation/session/{session_id}")
def session_conversation(
    request: Request,
    session_id: str,
    session: AnalystSession,
    finding: str | None = None,
) -> Response:
    """A Claude Code or Cowork session's transcript, every detected value masked, tool
    calls and results collapsed."""
    context = ctx(request)
    item = _metadata(context, "sessions", "session_id", session_id)
    if item is None:
        return render(request, "error.html", {"title": "No such session", "message": ""}, 404)
    context.audit.record(
        session.user.username, "view_conversation", f"session {session_id}", {"finding": finding}
    )
    spans = _recorded(context, "session_id", session_id)
    messages = [
        {
            "message_id": message["message_id"],
            "role": message["role"],
            "created_at": message["created_at"],
            "provenance": _provenance(message),
            "is_truncated": bool(message["is_truncated"]),
            "blocks": _session_blocks(
                context,
                message,
                spans.get(("session_message", str(message["message_id"])))
                if message["role"] == "user"
                else None,
            ),
        }
        for message in context.lake.session_messages(str(item["key_id"]), session_id)
    ]
    return render(
        request,
        "session.html",
        {"item": item, "messages": messages, "highlight": finding},
    )


def _provenance(message: dict[str, Any]) -> str | None:
    kind = message.get("provenance_type")
    if not kind:
        return None
    reason = message.get("provenance_reason")
    return f"{kind} ({reason})" if reason else str(kind)


def _session_blocks(
    context: WebContext, message: dict[str, Any], recorded: list[masking.Span] | None
) -> list[dict[str, Any]]:
    """The message's blocks, each masked. The warehouse's spans are offsets into the joined
    text (text blocks and tool results, "\n" between them): each is moved into its block."""
    try:
        raw = json.loads(message.get("raw_json") or "{}")
    except json.JSONDecodeError:
        raw = {}
    blocks: list[dict[str, Any]] = []
    offset = 0
    for block in raw.get("content") or []:
        if not isinstance(block, dict):
            continue
        kind = str(block.get("type"))
        if kind == "tool_use":
            # The model's call: never an input, shown masked all the same.
            blocks.append(
                {
                    "kind": kind,
                    "name": _title(context, block.get("name")),
                    "segments": _masked(context, block.get("input"), None),
                }
            )
            continue
        if kind == "text":
            text = str(block.get("text") or "")
        elif kind == "tool_result":
            items = block.get("content") or []
            text = "\n".join(
                str(i.get("text") or "")
                for i in items
                if isinstance(i, dict) and i.get("type") == "text"
            )
        else:
            blocks.append({"kind": kind, "name": None, "segments": []})
            continue
        shifted = [
            masking.Span(sp.start - offset, sp.end - offset, sp.preview, sp.finding_id, sp.severity)
            for sp in recorded or []
            if offset <= sp.start and sp.end <= offset + len(text)
        ]
        blocks.append(
            {
                "kind": kind,
                "name": _title(context, block.get("name")) if kind == "tool_result" else None,
                "is_error": bool(block.get("is_error")),
                "segments": _masked(context, text, shifted),
            }
        )
        offset += len(text) + 1
    return blocks


def _metadata(context: WebContext, table: str, column: str, value: str) -> dict[str, Any] | None:
    if len(value) > 100 or not context.warehouse.has(table):
        return None
    with context.warehouse.cursor() as cursor:
        cursor.execute(f"select * from {table} where {column} = ?", [value])  # noqa: S608 - whitelisted identifiers and fragments; values are bound parameters
        names = [d[0] for d in cursor.description or []]
        row = cursor.fetchone()
    return dict(zip(names, row, strict=True)) if row else None
