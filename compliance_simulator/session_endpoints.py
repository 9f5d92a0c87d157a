"""The session endpoints (spec §5.8, §5.9): local and remote sessions and their messages.

Pagination is the session page-token scheme (§4.3): ``page`` in, ``next_page`` out, no
``has_more``; tokens start with ``page_``, are bound to the listing (and its filters, or the
session and ``order``), and a page may end early at the response-size cap. Local-message
tokens expire 24 h after the walk's first page.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from . import render
from .errors import bad_request, not_found
from .model import LocalSession, RemoteSession, SessionMessage, SimData
from .pagination import (
    SortKey,
    cursor_page,
    decode_token,
    encode_token,
    key_token,
    parse_key_token,
)
from .query import Query, range_params

T = TypeVar("T")
S = TypeVar("S", LocalSession, RemoteSession)

PAGE_PREFIX = "page_"
DEFAULT_MAX_BYTES = 10_000
SERVER_MAX_BYTES = 1_048_576
"""What ``-1`` means for the truncation parameters, and the clamp for larger values (~1 MiB)."""
WALK_TTL = dt.timedelta(hours=24)
INVALID_PAGE = "The page parameter is not a valid cursor for this request."
EXPIRED_PAGE = (
    "The page cursor has expired. Restart the walk without a page parameter; results will "
    "reflect the current retention boundary."
)
LOCAL_LIST_PARAMS = {"limit", "page", "created_at.gte", "created_at.lt", "updated_at.gte"}
REMOTE_LIST_PARAMS = {
    "limit",
    "page",
    "organization_ids[]",
    "user_ids[]",
    *range_params("created_at"),
}
MESSAGE_PARAMS = {"limit", "order", "page", "tool_use_input_max_bytes", "tool_result_max_bytes"}
REMOTE_PATH_PREFIX = "/v1/compliance/apps/sessions/remote"
"""Requests under this path also spend the remote-session budget (§8)."""


def _created_key(record: LocalSession | RemoteSession) -> SortKey:
    return (record.created_at, record.id)


def _stamp(value: dt.datetime | None) -> str:
    return value.isoformat() if value is not None else "-"


def session_token(payload: dict[str, str]) -> str:
    return PAGE_PREFIX + encode_token(payload)


def _payload(query: Query) -> dict[str, str] | None:
    raw = query.string("page")
    if raw is None:
        return None
    payload = decode_token(raw.removeprefix(PAGE_PREFIX)) if raw.startswith(PAGE_PREFIX) else None
    if payload is None:
        raise bad_request(INVALID_PAGE)
    return payload


def max_bytes(query: Query, name: str) -> int:
    """A truncation parameter: default 10,000; ``-1`` the server max; larger values clamped."""
    value = query.integer(name, DEFAULT_MAX_BYTES, -1, None)
    assert value is not None
    if value == 0:
        raise bad_request(f"{name}: Input should be -1 or a positive integer")
    return SERVER_MAX_BYTES if value == -1 else min(value, SERVER_MAX_BYTES)


def _capped(items: Sequence[T], render_item: Callable[[T], object], cap: int) -> list[object]:
    """Render items until the page would pass ``cap`` bytes (always at least one)."""
    out: list[object] = []
    total = 0
    for item in items:
        rendered = render_item(item)
        size = len(json.dumps(rendered, ensure_ascii=False, separators=(",", ":")).encode())
        if out and total + size > cap:
            break
        out.append(rendered)
        total += size
    return out


def _check_limit_list(query: Query, name: str, maximum: int) -> list[str]:
    values = query.array(name)
    if len(values) > maximum:
        raise bad_request(
            f"{name}: List should have at most {maximum} items after validation, not {len(values)}"
        )
    return values


@dataclass(frozen=True, slots=True)
class RequestBound:
    """The fewest session requests a sync can make (see ``SessionEndpoints.lower_bound``)."""

    local_list_pages: int
    local_message_pages: int
    remote_list_pages: int
    remote_message_pages: int

    @property
    def total(self) -> int:
        return (
            self.local_list_pages
            + self.local_message_pages
            + self.remote_list_pages
            + self.remote_message_pages
        )


class SessionEndpoints:
    """One method per session endpoint; each returns the JSON body or raises ApiError."""

    def __init__(
        self,
        data: SimData,
        org_filter: Callable[[Query], set[str] | None],
        page_max_bytes: int,
    ) -> None:
        self.data = data
        self.org_filter = org_filter
        self.page_max_bytes = page_max_bytes

    # --- lists ----------------------------------------------------------------------------------

    def _list_page(
        self,
        query: Query,
        records: list[S],
        bound: dict[str, str],
        render_item: Callable[[S], object],
        limit: int,
    ) -> dict[str, object]:
        raw = query.string("page")
        after: SortKey | None = None
        if raw is not None:
            after = parse_key_token(raw.removeprefix(PAGE_PREFIX), bound)
            if after is None or not raw.startswith(PAGE_PREFIX):
                raise bad_request(INVALID_PAGE)
        page = cursor_page(records, _created_key, descending=True, after=after, limit=limit)
        data = _capped(page.items, render_item, self.page_max_bytes)
        is_short = len(data) < len(page.items)
        next_page = None
        if page.has_more or is_short:
            last = page.items[len(data) - 1]
            next_page = PAGE_PREFIX + key_token(bound, _created_key(last))
        return {"data": data, "next_page": next_page}

    def local_sessions(self, pairs: list[tuple[str, str]]) -> dict[str, object]:
        query = Query(pairs, LOCAL_LIST_PARAMS)
        limit = query.limit(100, 500)
        assert limit is not None
        gte, lt = query.time("created_at.gte"), query.time("created_at.lt")
        if gte is not None and lt is not None and lt <= gte:
            raise bad_request("created_at.lt must be strictly after created_at.gte.")
        updated_gte = query.time("updated_at.gte")
        bound = {"r": "local_sessions", "f": f"{_stamp(gte)}|{_stamp(lt)}|{_stamp(updated_gte)}"}
        records = [
            s
            for s in self.data.local_sessions
            if (gte is None or s.created_at >= gte)
            and (lt is None or s.created_at < lt)
            and (updated_gte is None or s.updated_at >= updated_gte)
        ]
        return self._list_page(
            query,
            records,
            bound,
            lambda s: render.local_session(self.data, s, with_email=True),
            limit,
        )

    def remote_sessions(self, pairs: list[tuple[str, str]]) -> dict[str, object]:
        query = Query(pairs, REMOTE_LIST_PARAMS)
        limit = query.limit(100, 500)
        assert limit is not None
        window = query.time_range("created_at")
        _check_limit_list(query, "organization_ids[]", 500)
        users = _check_limit_list(query, "user_ids[]", 10)
        orgs = self.org_filter(query)
        stamps = "|".join(_stamp(b) for b in (window.gte, window.gt, window.lte, window.lt))
        bound = {
            "r": "remote_sessions",
            "f": f"{stamps}|{','.join(sorted(orgs or ()))}|{','.join(sorted(users))}",
        }
        records = [
            s
            for s in self.data.remote_sessions
            if window.contains(s.created_at)
            and (orgs is None or s.organization_uuid in orgs)
            # a user filter never matches agent-owned sessions (they have no user)
            and (not users or s.user_id in users)
        ]
        return self._list_page(
            query,
            records,
            bound,
            lambda s: render.remote_session(self.data, s, in_messages=False),
            limit,
        )

    # --- one local session ------------------------------------------------------------------------

    def local_session_record(self, session_id: str) -> LocalSession:
        if not session_id.startswith("clls_") or len(session_id) <= len("clls_"):
            raise bad_request(
                f"local_session_id: Input should be a local session ID (clls_…), got '{session_id}'"
            )
        record = self.data.local_sessions_by_id.get(session_id)
        if record is None:
            raise not_found("Local session not found.")
        return record

    def local_session(self, session_id: str, pairs: list[tuple[str, str]]) -> dict[str, object]:
        Query(pairs, set())
        record = self.local_session_record(session_id)
        return render.local_session(self.data, record, with_email=True)

    # --- messages -------------------------------------------------------------------------------

    def _message_page(
        self,
        query: Query,
        messages: list[SessionMessage],
        bound: dict[str, str],
        render_item: Callable[[SessionMessage], object],
        now: dt.datetime,
        expires: bool,
    ) -> tuple[list[object], str | None]:
        limit = query.limit(100, 1000)
        assert limit is not None
        order = query.choice("order", ("asc", "desc"), "asc")
        bound = {**bound, "o": order}
        if order == "desc":
            messages = list(reversed(messages))
        payload = _payload(query)
        start, walk_started = 0, now
        if payload is not None:
            if set(payload) != {*bound, "i", "w"} or any(payload[k] != v for k, v in bound.items()):
                raise bad_request(INVALID_PAGE)
            try:
                start = int(payload["i"])
                walk_started = dt.datetime.fromisoformat(payload["w"])
            except ValueError:
                raise bad_request(INVALID_PAGE) from None
            if not 0 < start <= len(messages) or walk_started.tzinfo is None:
                raise bad_request(INVALID_PAGE)
            if expires and now >= walk_started + WALK_TTL:
                raise bad_request(EXPIRED_PAGE)
        window = messages[start : start + limit]
        data = _capped(window, render_item, self.page_max_bytes)
        end = start + len(data)
        next_page = None
        if end < len(messages):
            next_page = session_token({**bound, "i": str(end), "w": walk_started.isoformat()})
        return data, next_page

    def local_messages(
        self, session_id: str, pairs: list[tuple[str, str]], now: dt.datetime
    ) -> dict[str, object]:
        query = Query(pairs, MESSAGE_PARAMS)
        record = self.local_session_record(session_id)
        use_max = max_bytes(query, "tool_use_input_max_bytes")
        result_max = max_bytes(query, "tool_result_max_bytes")
        data, next_page = self._message_page(
            query,
            self.data.session_message_list(record),
            {"r": "local_messages", "s": record.id},
            lambda m: render.local_message(m, use_max, result_max),
            now,
            expires=True,
        )
        return {
            "session": render.local_session(self.data, record, with_email=False),
            "data": data,
            "next_page": next_page,
        }

    def remote_messages(
        self, session_id: str, pairs: list[tuple[str, str]], now: dt.datetime
    ) -> dict[str, object]:
        query = Query(pairs, MESSAGE_PARAMS)
        if not session_id.startswith("cse_") or len(session_id) <= len("cse_"):
            raise bad_request(
                "claude_remote_session_id: Input should be a remote session ID (cse_…), "
                f"got '{session_id}'"
            )
        record = self.data.remote_sessions_by_id.get(session_id)
        if record is None or record.status == "pending":
            raise not_found("Remote session not found.")
        use_max = max_bytes(query, "tool_use_input_max_bytes")
        result_max = max_bytes(query, "tool_result_max_bytes")
        data, next_page = self._message_page(
            query,
            self.data.session_message_list(record),
            {"r": "remote_messages", "s": record.id},
            lambda m: render.remote_message(m, use_max, result_max),
            now,
            expires=False,
        )
        return {
            "session": render.remote_session(self.data, record, in_messages=True),
            "data": data,
            "next_page": next_page,
        }

    # --- request accounting ---------------------------------------------------------------------

    def lower_bound(
        self,
        local_params: Sequence[tuple[str, str]] | None,
        remote_params: Sequence[tuple[str, str]] | None,
        now: dt.datetime,
    ) -> RequestBound:
        """Pages a sync needs at least, served as the endpoints serve them (short pages included).

        Each list is walked with ``limit=500`` and the given filters (None: that kind is not
        synced); then every listed session's messages once with ``limit=1000`` and both
        truncation parameters ``-1``. Pending remote sessions are skipped (their messages 404).
        Nothing is counted against a rate limit or recorded as a request.
        """
        walk_params = [
            ("limit", "1000"),
            ("tool_result_max_bytes", "-1"),
            ("tool_use_input_max_bytes", "-1"),
        ]
        counts = [0, 0, 0, 0]
        for index, params in enumerate((local_params, remote_params)):
            if params is None:
                continue
            is_local = index == 0
            token: object = None
            ids: list[str] = []
            while True:
                pairs = [("limit", "500"), *params, *([("page", str(token))] if token else [])]
                body = self.local_sessions(pairs) if is_local else self.remote_sessions(pairs)
                counts[2 * index] += 1
                items = body["data"]
                assert isinstance(items, list)
                ids += [i["id"] for i in items if is_local or i["status"] != "pending"]
                token = body["next_page"]
                if token is None:
                    break
            for session_id in ids:
                token = None
                while True:
                    pairs = [*walk_params, *([("page", str(token))] if token else [])]
                    if is_local:
                        body = self.local_messages(session_id, pairs, now)
                    else:
                        body = self.remote_messages(session_id, pairs, now)
                    counts[2 * index + 1] += 1
                    token = body["next_page"]
                    if token is None:
                        break
        return RequestBound(*counts)
