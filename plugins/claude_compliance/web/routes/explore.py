"""The activity feed, the directory (organizations, users, chats, projects) and the
conversation view (raw text from the lake, every detected value masked; every view audited).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from claude_compliance.web import masking, queries
from claude_compliance.web.auth import AnalystSession
from claude_compliance.web.context import WebContext, ctx
from claude_compliance.web.render import render

router = APIRouter()


def _day(value: str | None) -> date | None:
    """A day from the URL; a malformed one is ignored like an absent one."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


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
    feed = queries.ActivityFilter(
        start=_day(start),
        end=_day(end),
        group=group if group in queries.ACTIVITY_GROUPS else None,
        activity_type=type,
        user=user,
        organization=organization,
        page=queries.page_number(page),
    )
    found = queries.activities(context.warehouse, feed)
    orgs = queries.organization_choices(context.warehouse)
    return render(
        request,
        "activity.html",
        {
            "rows": found.rows,
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
            "groups": [(k, v[0]) for k, v in queries.ACTIVITY_GROUPS.items()],
            "types": queries.activity_types(context.warehouse),
            "orgs": orgs,
            "org_names": dict(orgs),
            "q": {
                "start": feed.start.isoformat() if feed.start else "",
                "end": feed.end.isoformat() if feed.end else "",
                "group": feed.group or "",
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
    found = queries.directory_users(context.warehouse, organization=organization, q=q, page=page)
    orgs = queries.organizations(context.warehouse)
    return render(
        request,
        "directory.html",
        {
            "orgs": orgs,
            "org_names": queries.organization_names(context.warehouse),
            "users": found.rows,
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
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
    request: Request,
    table: Literal["chats", "projects"],
    user: str | None,
    organization: str | None,
    page: int,
) -> Response:
    context = ctx(request)
    if not context.warehouse.has(table):
        return render(request, "listing.html", {"rows": None, "table": table})
    found = queries.listing(
        context.warehouse, table, user=user, organization=organization, page=page
    )
    orgs = queries.organization_choices(context.warehouse)
    return render(
        request,
        "listing.html",
        {
            "rows": [dataclasses.replace(r, name=_title(context, r.name)) for r in found.rows],
            "table": table,
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
            "orgs": orgs,
            "org_names": dict(orgs),
            "q": {"user": user or "", "organization": organization or ""},
        },
    )


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
    chat = queries.conversation_item(context.warehouse, "chats", chat_id)
    if chat is None:
        return render(request, "error.html", {"title": "No such chat", "message": ""}, 404)
    context.audit.record(
        session.user.username, "view_conversation", f"chat {chat_id}", {"finding": finding}
    )
    spans = queries.recorded_spans(context.warehouse, "chats", chat_id)
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
    project = queries.conversation_item(context.warehouse, "projects", project_id)
    if project is None:
        return render(request, "error.html", {"title": "No such project", "message": ""}, 404)
    context.audit.record(
        session.user.username,
        "view_conversation",
        f"project {project_id}",
        {"finding": finding},
    )
    key_id = str(project["key_id"])
    spans = queries.recorded_spans(context.warehouse, "projects", project_id)
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
    item = queries.conversation_item(context.warehouse, "sessions", session_id)
    if item is None:
        return render(request, "error.html", {"title": "No such session", "message": ""}, 404)
    context.audit.record(
        session.user.username, "view_conversation", f"session {session_id}", {"finding": finding}
    )
    spans = queries.recorded_spans(context.warehouse, "sessions", session_id)
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
