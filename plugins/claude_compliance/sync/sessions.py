"""Claude Code and Cowork sessions, local (spec §5.8) and remote (§5.9), and their messages
of the interval.

The interval rule is the chats' one: a session with messages in the interval is found
whatever its later `updated_at`, and only the messages created inside the interval are kept.
Local sessions are listed with `updated_at.gte` (their last call); remote sessions have no
such filter, so the whole `created_at` range up to the interval's end is listed and
filtered on `updated_at` here. Either list is cut at `created_at.lt = end`: a session
created after the interval cannot hold one of its messages.

Each session's transcript is walked once, oldest first, with `tool_result_max_bytes=-1` and
`tool_use_input_max_bytes=-1` so tool results arrive whole (the default cuts them at 10,000
bytes, where credentials pasted into long outputs sit). Pending remote sessions have no
transcript yet (404) and are not asked; a session gone since it was listed (404) is skipped.
What was captured before is the record: a session deleted since keeps its earlier capture as
a tombstone, as deleted chats do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from claude_compliance.api import NotFoundError
from claude_compliance.api.pagination import SessionPaginator
from claude_compliance.lake.interval import parse_timestamp
from claude_compliance.sync import records
from claude_compliance.sync.context import ExtractContext, Rows, TableReport, Tracker

log = logging.getLogger(__name__)

LOCAL = "local"
REMOTE = "remote"
# A session the API no longer serves: deleted by its user (remote), or aged out of retention.
GONE = "no_longer_served"

_LISTS = {
    LOCAL: "/v1/compliance/apps/sessions/local",
    REMOTE: "/v1/compliance/apps/sessions/remote",
}


def sessions(ctx: ExtractContext) -> tuple[list[TableReport], Rows]:
    sessions_t = Tracker(ctx, "sessions")
    messages_t = Tracker(ctx, "session_messages")
    session_rows: dict[str, dict[str, Any]] = {}
    message_rows: dict[str, dict[str, Any]] = {}
    listed: set[str] = set()
    for kind in (LOCAL, REMOTE):
        for session in _listing(ctx, sessions_t, kind):
            listed.add(session["id"])
            if not _may_hold_interval_messages(ctx, session, kind):
                continue
            messages = _messages(ctx, messages_t, kind, session["id"])
            if messages is None:
                listed.discard(session["id"])  # gone since it was listed
                messages_t.note(f"{kind} session {session['id']} gone since listed: skipped")
                continue
            created_at = parse_timestamp(session.get("created_at"))
            kept = [(seq, m) for seq, m in enumerate(messages) if _in_interval(ctx, m)]
            if not kept and not (created_at and ctx.interval.contains(created_at)):
                continue
            session_rows[session["id"]] = records.session_row(
                session, kind, ctx.key_id, ctx.synced_at
            )
            for seq, message in kept:
                row = records.session_message_row(
                    message, session["id"], kind, seq, ctx.key_id, ctx.synced_at
                )
                message_rows[row["message_id"]] = row
    kept_count = _keep_what_was_captured(ctx, listed, session_rows, message_rows)
    if kept_count:
        sessions_t.note(f"{kept_count} record(s) kept from an earlier sync as tombstones")
    sessions_t.write(list(session_rows.values()))
    messages_t.write(list(message_rows.values()))
    return [sessions_t.report, messages_t.report], list(session_rows.values())


def _listing(ctx: ExtractContext, tracker: Tracker, kind: str) -> Iterator[Mapping[str, Any]]:
    params = ctx.plan.local_sessions if kind == LOCAL else ctx.plan.remote_sessions
    for page in ctx.client.paginate(_LISTS[kind], SessionPaginator(), params):
        tracker.page(page)
        yield from page.items


def _may_hold_interval_messages(ctx: ExtractContext, session: Mapping[str, Any], kind: str) -> bool:
    if kind == REMOTE and session.get("status") == "pending":
        return False  # no transcript yet: its messages endpoint answers 404
    updated_at = parse_timestamp(session.get("updated_at"))
    # The local list filters on updated_at itself; the remote list cannot.
    return updated_at is None or updated_at >= ctx.interval.start


def _messages(
    ctx: ExtractContext, tracker: Tracker, kind: str, session_id: str
) -> list[Mapping[str, Any]] | None:
    messages: list[Mapping[str, Any]] = []
    pages = ctx.client.paginate(
        f"{_LISTS[kind]}/{session_id}/messages", SessionPaginator(), ctx.plan.session_messages
    )
    try:
        for page in pages:
            tracker.page(page)
            messages.extend(page.items)
    except NotFoundError as exc:
        tracker.call(1, exc.request_id)
        log.info("session %s is gone since it was listed: skipped", session_id)
        return None
    return messages


def _in_interval(ctx: ExtractContext, message: Mapping[str, Any]) -> bool:
    created_at = parse_timestamp(message.get("created_at"))
    return created_at is not None and ctx.interval.contains(created_at)


def _keep_what_was_captured(
    ctx: ExtractContext,
    listed: set[str],
    session_rows: dict[str, dict[str, Any]],
    message_rows: dict[str, dict[str, Any]],
) -> int:
    """Merge the interval's previous capture into this one where the source lost content:
    a session no longer listed (deleted, or aged out of retention) keeps what was captured,
    and a message whose content has become unavailable keeps its earlier text."""
    kept = 0
    for session_id, row in ctx.previous("sessions", "session_id").items():
        if session_id not in session_rows and (session_id not in listed or row.get("tombstone")):
            session_rows[session_id] = {**row, "tombstone": row.get("tombstone") or GONE}
            kept += 1
    tombstones = {s: r["tombstone"] for s, r in session_rows.items() if r.get("tombstone")}
    for message_id, row in ctx.previous("session_messages", "message_id").items():
        current = message_rows.get(message_id)
        if current is None and row["session_id"] in tombstones:
            message_rows[message_id] = {**row, "tombstone": tombstones[row["session_id"]]}
            kept += 1
        elif (
            current is not None
            and current["is_content_unavailable"]
            and not row["is_content_unavailable"]
        ):
            message_rows[message_id] = {**row, "tombstone": "content_unavailable"}
            kept += 1
    return kept
