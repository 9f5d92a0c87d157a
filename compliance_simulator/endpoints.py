"""Endpoint logic: validate the query, select and page the records, render the response."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TypeVar
from urllib.parse import quote

from . import render
from .directory import Collaborator, Directory, Group, Role
from .errors import ApiError, bad_request, not_found
from .feed import ActivityFeed
from .ids import IdFactory
from .keys import (
    DELETE_USER_DATA,
    READ_ACTIVITIES,
    READ_ORG_AUDIT,
    READ_ORG_DATA,
    READ_USER_DATA,
    KeyRing,
)
from .model import (
    Activity,
    Chat,
    Document,
    Message,
    Organization,
    Project,
    SimData,
    StoredFile,
    User,
)
from .pagination import (
    Page,
    SortKey,
    cursor_page,
    decode_token,
    encode_token,
    key_token,
    parse_key_token,
    window_page,
)
from .query import Query, range_params
from .session_endpoints import SessionEndpoints

T = TypeVar("T")

ACTIVITIES_SCOPES = (READ_ACTIVITIES, READ_ORG_AUDIT)
USER_DATA_SCOPES = (READ_USER_DATA, READ_ORG_AUDIT)
ORG_DATA_SCOPES = (READ_ORG_DATA, READ_ORG_AUDIT)
DELETE_SCOPES = (DELETE_USER_DATA,)
"""Every DELETE needs exactly this scope (§2.4): ``read:org_audit`` does not reach it."""
DOWNLOAD_CHUNK = 64 * 1024


def catalogue_types() -> frozenset[str]:
    """The activity type names the API documents (``activity_types.txt``)."""
    listing = resources.files(__package__).joinpath("activity_types.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in listing.splitlines() if line.strip() and not line.startswith("#")
    )


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    json: object = None
    chunks: Iterator[bytes] | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Call:
    """What an endpoint sees of a request."""

    query_pairs: list[tuple[str, str]]
    path_params: tuple[str, ...]
    now: dt.datetime
    actor: Mapping[str, object] | None = None
    """The ``api_actor`` of the calling key: who a deletion activity names."""


def _only_one_cursor(query: Query) -> None:
    if query.has("after_id") and query.has("before_id"):
        raise bad_request("Only one of after_id or before_id may be provided.")


def _page_token(query: Query, bound_to: dict[str, str]) -> SortKey | None:
    token = query.string("page")
    if token is None:
        return None
    key = parse_key_token(token, bound_to)
    if key is None:
        raise bad_request("The page parameter is not a valid cursor for this request.")
    return key


def _cursor(query: Query, name: str, bound_to: dict[str, str]) -> SortKey | None:
    """A chats / messages cursor (``after_id`` or ``before_id``) issued for ``bound_to``."""
    raw = query.string(name)
    if raw is None:
        return None
    key = parse_key_token(raw, bound_to)
    if key is None:
        raise bad_request(f"Invalid pagination cursor for '{name}'")
    return key


def _token_envelope(
    page: Page[T],
    key: Callable[[T], SortKey],
    bound_to: dict[str, str],
    render_item: Callable[[T], object],
) -> dict[str, object]:
    next_page = key_token(bound_to, key(page.items[-1])) if page.has_more and page.items else None
    return {
        "data": [render_item(r) for r in page.items],
        "has_more": page.has_more,
        "next_page": next_page,
    }


def _ordered_cursors(page: Page[T], token: Callable[[T], str]) -> dict[str, object]:
    return {
        "has_more": page.has_more,
        "first_id": token(page.items[0]) if page.items else None,
        "last_id": token(page.items[-1]) if page.items else None,
    }


class Endpoints:
    """One method per endpoint; each returns a Response or raises ApiError."""

    def __init__(
        self,
        data: SimData,
        feed: ActivityFeed,
        directory: Directory,
        keys: KeyRing,
        session_page_max_bytes: int = 1_200_000,
    ) -> None:
        self.data = data
        self.feed = feed
        self.directory = directory
        self.keys = keys
        self.known_types = catalogue_types() | {a.type for a in data.activities}
        self.chats_by_updated = sorted(data.chats, key=_updated_key)
        self.org_aliases = {o.uuid: o.uuid for o in data.orgs} | {
            o.org_id: o.uuid for o in data.orgs
        }
        self.sessions = SessionEndpoints(data, self.org_filter, session_page_max_bytes)
        self._deleting = threading.Lock()
        self._activity_ids = IdFactory(f"deletions:{data.parent_uuid}")

    def reindex(self) -> None:
        """Refresh what is derived from the data after a deletion."""
        self.chats_by_updated = sorted(self.data.chats, key=_updated_key)

    # --- shared ---------------------------------------------------------------------------------

    def org_filter(self, query: Query) -> set[str] | None:
        requested = query.array("organization_ids[]")
        if not requested:
            return None
        if any(o not in self.org_aliases for o in requested):
            raise ApiError(
                403, "Cannot query compliance data for organizations outside this API key's scope"
            )
        return {self.org_aliases[o] for o in requested}

    # --- directory ------------------------------------------------------------------------------

    def organizations(self, call: Call) -> Response:
        query = Query(call.query_pairs, {"limit", "page"})
        limit = query.limit(1000, 1000)
        bound = {"r": "organizations"}
        page = cursor_page(
            self.data.orgs, _org_key, descending=False, after=_page_token(query, bound), limit=limit
        )
        return Response(200, _token_envelope(page, _org_key, bound, render.organization))

    def users(self, call: Call) -> Response:
        query = Query(call.query_pairs, {"limit", "page"})
        org_uuid = self.org_or_404(call.path_params[0])
        limit = query.limit(500, 1000)
        bound = {"r": "users", "o": org_uuid}
        members = [u for u in self.data.users if u.organization_uuid == org_uuid]
        page = cursor_page(
            members,
            _created_key,
            descending=False,
            after=_page_token(query, bound),
            limit=limit,
        )
        return Response(200, _token_envelope(page, _created_key, bound, render.user))

    def org_or_404(self, org_uuid: str) -> str:
        if org_uuid not in self.data.orgs_by_uuid:
            raise not_found(
                f'The "{org_uuid}" organization does not exist or the requester is not '
                "authorized to access it."
            )
        return org_uuid

    def roles(self, call: Call) -> Response:
        org_uuid = self.org_or_404(call.path_params[0])
        query = Query(call.query_pairs, {"limit", "page"})
        limit = query.limit(500, 1000)
        bound = {"r": "roles", "o": org_uuid}
        records = sorted(
            (r for r in self.directory.roles if r.organization_uuid == org_uuid), key=_created_key
        )
        page = cursor_page(
            records, _created_key, descending=False, after=_page_token(query, bound), limit=limit
        )
        return Response(200, _token_envelope(page, _created_key, bound, render.role))

    def role_record(self, call: Call) -> Role:
        org_uuid = self.org_or_404(call.path_params[0])
        role = next(
            (
                r
                for r in self.directory.roles
                if r.id == call.path_params[1] and r.organization_uuid == org_uuid
            ),
            None,
        )
        if role is None:
            raise not_found("Role not found.")
        return role

    def role(self, call: Call) -> Response:
        Query(call.query_pairs, set())
        return Response(200, render.role(self.role_record(call)))

    def role_permissions(self, call: Call) -> Response:
        query = Query(call.query_pairs, {"limit", "page"})
        role = self.role_record(call)
        limit = query.limit(500, 1000)
        bound = {"r": "permissions", "o": role.id}
        # permissions have no timestamp: position them by the role's time and their index
        keyed = [((role.created_at, f"{i:06d}"), p) for i, p in enumerate(role.permissions)]
        page = cursor_page(
            keyed, lambda kp: kp[0], descending=False, after=_page_token(query, bound), limit=limit
        )
        return Response(
            200, _token_envelope(page, lambda kp: kp[0], bound, lambda kp: render.permission(kp[1]))
        )

    def groups(self, call: Call) -> Response:
        query = Query(call.query_pairs, {"limit", "page", "name_prefix"})
        limit = query.limit(500, 1000)
        prefix = query.string("name_prefix") or ""
        bound = {"r": "groups", "n": prefix}
        records = sorted(
            (g for g in self.directory.groups if g.name.startswith(prefix)), key=_created_key
        )
        page = cursor_page(
            records, _created_key, descending=False, after=_page_token(query, bound), limit=limit
        )
        return Response(200, _token_envelope(page, _created_key, bound, render.group))

    def group_record(self, group_id: str) -> Group:
        group = next((g for g in self.directory.groups if g.id == group_id), None)
        if group is None:
            raise not_found("Group not found.")
        return group

    def group(self, call: Call) -> Response:
        Query(call.query_pairs, set())
        return Response(200, render.group(self.group_record(call.path_params[0])))

    def group_members(self, call: Call) -> Response:
        query = Query(call.query_pairs, {"limit", "page"})
        group = self.group_record(call.path_params[0])
        limit = query.limit(500, 1000)
        bound = {"r": "members", "g": group.id}
        members = [self.data.users_by_id[u] for u in group.member_ids]

        def key(user: User) -> SortKey:
            return (group.created_at, user.id)

        page = cursor_page(
            members, key, descending=False, after=_page_token(query, bound), limit=limit
        )
        return Response(
            200, _token_envelope(page, key, bound, lambda u: render.member(u, group.created_at))
        )

    def settings(self, call: Call) -> Response:
        Query(call.query_pairs, set())
        org_uuid = call.path_params[0]
        if org_uuid not in self.data.orgs_by_uuid:
            raise not_found(f"organization `{org_uuid}` not found in this organization's hierarchy")
        keys = sorted(
            (k for k in self.keys.all() if not k.is_admin_key), key=lambda k: k.created_at
        )
        return Response(200, render.settings(org_uuid, keys))

    def project_collaborators(self, call: Call) -> Response:
        (project_id,) = call.path_params
        query = Query(call.query_pairs, {"limit", "page"})
        if project_id not in self.data.projects_by_id:
            raise not_found("No project is found with the provided id.")
        limit = query.limit(20, 100)
        bound = {"r": "collaborators", "p": project_id}
        grants = self.directory.collaborators.get(project_id, ())

        def key(grant: Collaborator) -> SortKey:
            return (grant.granted_at, f"{grant.kind}:{grant.subject}")

        page = cursor_page(
            list(grants), key, descending=False, after=_page_token(query, bound), limit=limit
        )
        return Response(200, _token_envelope(page, key, bound, render.collaborator))

    # --- activity feed --------------------------------------------------------------------------

    def activities(self, call: Call) -> Response:
        query = Query(
            call.query_pairs,
            {
                "limit",
                "after_id",
                "before_id",
                "order",
                "activity_types[]",
                "exclude_activity_types[]",
                "actor_ids[]",
                "user_ids[]",
                "organization_ids[]",
                *range_params("created_at"),
            },
        )
        _only_one_cursor(query)
        limit = query.limit(100, 5000)
        order = query.choice("order", ("desc", "asc"), "desc")
        window = query.time_range("created_at")
        include, exclude = query.array("activity_types[]"), query.array("exclude_activity_types[]")
        if include and exclude:
            raise bad_request(
                "activity_types[] and exclude_activity_types[] are mutually exclusive."
            )
        for name, values in (("activity_types[]", include), ("exclude_activity_types[]", exclude)):
            for index, value in enumerate(values):
                if value not in self.known_types:
                    raise bad_request(f"{name}.{index}: Input is not one of the permitted values.")
        actors = query.array("actor_ids[]") + query.array("user_ids[]")
        for index, actor in enumerate(actors):
            if not actor.startswith("user_"):
                raise bad_request(f"actor_ids[].{index}: only user IDs (user_...) are supported.")
        orgs = self.org_filter(query)
        after = self.activity_cursor(query, "after_id")
        before = self.activity_cursor(query, "before_id")

        def keep(a: Activity) -> bool:
            if not window.contains(a.created_at):
                return False
            if (include and a.type not in include) or (exclude and a.type in exclude):
                return False
            if actors and a.actor.get("user_id") not in actors:
                return False
            return orgs is None or a.organization_uuid is None or a.organization_uuid in orgs

        visible = self.feed.visible(call.now)
        if before is None:
            page = window_page(
                visible,
                lambda a: a.sort_key,
                keep,
                window=window,
                descending=order == "desc",
                after=after,
                limit=limit,
            )
        else:
            page = cursor_page(
                [a for a in visible if keep(a)],
                lambda a: a.sort_key,
                descending=order == "desc",
                before=before,
                limit=limit,
            )
        body: dict[str, object] = {"data": [render.activity(a) for a in page.items]}
        body.update(_ordered_cursors(page, activity_token))
        return Response(200, body)

    def activity_cursor(self, query: Query, name: str) -> SortKey | None:
        raw = query.string(name)
        if raw is None:
            return None
        if raw.startswith("activity_"):
            found = self.feed.find(raw)
            if found is not None:
                return found.sort_key
        else:
            payload = decode_token(raw)
            if payload is not None and set(payload) == {"id", "created_at"}:
                try:
                    at = dt.datetime.fromisoformat(payload["created_at"])
                except ValueError:
                    at = None
                if at is not None and at.tzinfo is not None:
                    return (at, payload["id"])
        raise bad_request(f"Invalid activity_id format: '{raw}'")

    # --- chats ----------------------------------------------------------------------------------

    def chats(self, call: Call) -> Response:
        query = Query(
            call.query_pairs,
            {
                "limit",
                "after_id",
                "before_id",
                "order_by",
                "user_ids[]",
                "project_ids[]",
                "organization_ids[]",
                *range_params("created_at"),
                *range_params("updated_at"),
            },
        )
        _only_one_cursor(query)
        limit = query.limit(100, 1000)
        order_by = query.choice("order_by", ("created_at", "updated_at"), "created_at")
        created, updated = query.time_range("created_at"), query.time_range("updated_at")
        users, projects = query.array("user_ids[]"), query.array("project_ids[]")
        if len(users) > 10:
            raise bad_request(
                f"user_ids[]: List should have at most 10 items after validation, not {len(users)}"
            )
        if users:
            if order_by == "updated_at":
                raise bad_request(
                    "order_by=updated_at is only supported for organization-wide "
                    "queries (without user_ids[])."
                )
            if updated.is_set:
                raise bad_request(
                    "updated_at filters cannot be combined with user_ids[]; use created_at filters."
                )
        else:
            if projects:
                raise bad_request("project_ids[] can only be used together with user_ids[].")
            if query.has("before_id"):
                raise bad_request("before_id is only supported together with user_ids[].")
            if order_by == "created_at" and updated.is_set:
                raise bad_request("updated_at filters require order_by=updated_at.")
            if order_by == "updated_at" and created.is_set:
                raise bad_request("created_at filters require order_by=created_at.")
        orgs = self.org_filter(query)
        bound = {"k": order_by}
        after, before = _cursor(query, "after_id", bound), _cursor(query, "before_id", bound)

        def keep(c: Chat) -> bool:
            return (
                (not users or c.user_id in users)
                and (not projects or c.project_id in projects)
                and (orgs is None or c.organization_uuid in orgs)
                and created.contains(c.created_at)
                and updated.contains(c.updated_at)
            )

        key: Callable[[Chat], SortKey] = _updated_key if order_by == "updated_at" else _created_key
        source = self.chats_by_updated if order_by == "updated_at" else self.data.chats
        if before is None:
            window = updated if order_by == "updated_at" else created
            page = window_page(
                source, key, keep, window=window, descending=False, after=after, limit=limit
            )
        else:
            page = cursor_page(
                [c for c in source if keep(c)], key, descending=False, before=before, limit=limit
            )
        body: dict[str, object] = {"data": [render.chat(self.data, c) for c in page.items]}
        body.update(_ordered_cursors(page, lambda c: key_token(bound, key(c))))
        return Response(200, body)

    def chat_messages(self, call: Call) -> Response:
        (chat_id,) = call.path_params
        query = Query(
            call.query_pairs,
            {
                "limit",
                "after_id",
                "before_id",
                "order",
                "tool_result_max_chars",
                "tool_use_input_max_chars",
                *range_params("created_at"),
                *range_params("updated_at"),
            },
        )
        chat = self.data.chats_by_id.get(chat_id)
        if chat is None:
            raise not_found(f"Chat conversation not found: '{chat_id}'")
        _only_one_cursor(query)
        limit = query.limit(None, 1000)
        order = query.choice("order", ("asc", "desc"), "asc")
        created, updated = query.time_range("created_at"), query.time_range("updated_at")
        tool_result_max = query.integer("tool_result_max_chars", 10000, -1, None)
        tool_use_max = query.integer("tool_use_input_max_chars", 10000, -1, None)
        bound = {"k": "created_at", "c": chat_id}
        after, before = _cursor(query, "after_id", bound), _cursor(query, "before_id", bound)
        messages = [
            m
            for m in self.data.chat_messages(chat)
            if created.contains(m.created_at) and updated.contains(m.created_at)
        ]
        key = _created_key
        page = cursor_page(
            messages,
            key,
            descending=order == "desc",
            after=after,
            before=before,
            limit=limit,
        )
        is_deleted = chat.deleted_at is not None
        body = render.chat(self.data, chat)
        body["chat_messages"] = [
            render.message(self.data, m, is_deleted, tool_use_max or 0, tool_result_max or 0)
            for m in page.items
        ]
        body.update(_ordered_cursors(page, lambda m: key_token(bound, key(m))))
        return Response(200, body)

    # --- files ----------------------------------------------------------------------------------

    def served_file(self, file_id: str) -> StoredFile:
        """A downloadable file; files of chats deleted in claude.ai are gone."""
        record = self.data.files.get(file_id)
        if record is not None and record.chat_id is not None:
            chat = self.data.chats_by_id[record.chat_id]
            if chat.deleted_at is not None:
                record = None
        if record is None:
            known = self.data.files.get(file_id)
            internal = known.uuid if known else str(uuid.uuid5(uuid.NAMESPACE_URL, file_id))
            raise not_found(f"File not found: {internal}")
        return record

    def file_metadata(self, call: Call) -> Response:
        Query(call.query_pairs, set())
        return Response(200, render.file_metadata(self.data, self.served_file(call.path_params[0])))

    def file_content(self, call: Call) -> Response:
        Query(call.query_pairs, set())
        record = self.served_file(call.path_params[0])
        return download(record.content, record.filename, record.mime_type)

    # --- sessions (session_endpoints.py holds the logic) -----------------------------------------

    def local_sessions(self, call: Call) -> Response:
        return Response(200, self.sessions.local_sessions(call.query_pairs))

    def local_session(self, call: Call) -> Response:
        return Response(200, self.sessions.local_session(call.path_params[0], call.query_pairs))

    def local_session_messages(self, call: Call) -> Response:
        body = self.sessions.local_messages(call.path_params[0], call.query_pairs, call.now)
        return Response(200, body)

    def remote_sessions(self, call: Call) -> Response:
        return Response(200, self.sessions.remote_sessions(call.query_pairs))

    def remote_session_messages(self, call: Call) -> Response:
        body = self.sessions.remote_messages(call.path_params[0], call.query_pairs, call.now)
        return Response(200, body)

    # --- projects -------------------------------------------------------------------------------

    def projects(self, call: Call) -> Response:
        query = Query(
            call.query_pairs,
            {
                "limit",
                "page",
                "organization_ids[]",
                "user_ids[]",
                *range_params("created_at"),
                *range_params("updated_at"),
            },
        )
        limit = query.limit(20, 100)
        created, updated = query.time_range("created_at"), query.time_range("updated_at")
        users = query.array("user_ids[]")
        orgs = self.org_filter(query)
        bound = {"r": "projects"}
        records = [
            p
            for p in self.data.projects
            if created.contains(p.created_at)
            and updated.contains(p.updated_at)
            and (not users or p.user_id in users)
            and (orgs is None or p.organization_uuid in orgs)
        ]
        page = cursor_page(
            records, _created_key, descending=False, after=_page_token(query, bound), limit=limit
        )
        envelope = _token_envelope(
            page, _created_key, bound, lambda p: render.project(self.data, p)
        )
        return Response(200, envelope)

    def project(self, call: Call) -> Response:
        Query(call.query_pairs, set())
        record = self.data.projects_by_id.get(call.path_params[0])
        if record is None:
            raise not_found("No project is found with the provided id.")
        return Response(200, render.project_detail(self.data, record))

    def project_attachments(self, call: Call) -> Response:
        (project_id,) = call.path_params
        query = Query(call.query_pairs, {"limit", "page"})
        if project_id not in self.data.projects_by_id:
            raise not_found("No project is found with the provided id.")
        limit = query.limit(20, 100)
        bound = {"r": "attachments", "p": project_id}
        records: list[Document | StoredFile] = [
            *self.data.project_documents(project_id),
            *self.data.project_files(project_id),
        ]
        records.sort(key=_created_key)
        page = cursor_page(
            records, _created_key, descending=False, after=_page_token(query, bound), limit=limit
        )
        return Response(200, _token_envelope(page, _created_key, bound, render.attachment))

    def document_record(self, document_id: str) -> Document:
        record = self.data.documents.get(document_id)
        if record is None:
            raise not_found("No project document found with the provided id.")
        return record

    def document(self, call: Call) -> Response:
        Query(call.query_pairs, set())
        return Response(200, render.document(self.data, self.document_record(call.path_params[0])))

    def document_metadata(self, call: Call) -> Response:
        Query(call.query_pairs, set())
        return Response(
            200, render.document_metadata(self.data, self.document_record(call.path_params[0]))
        )

    # --- deletions (spec §5.2, §5.3, §5.6, §5.7, §9) ------------------------------------------

    def delete_chat(self, call: Call) -> Response:
        """Hard delete: the chat, its messages and files go; it leaves the lists (§9)."""
        Query(call.query_pairs, set())
        (chat_id,) = call.path_params
        with self._deleting:
            chat = self.data.chats_by_id.get(chat_id)
            if chat is None:
                raise not_found(f"Chat conversation not found: '{chat_id}'")
            self.remove_chat(chat_id, hard=True, at=call.now)
            self.emit(
                call,
                "claude_chat_deleted",
                chat.organization_uuid,
                {"claude_chat_id": chat_id, "claude_project_id": chat.project_id},
            )
        return Response(200, {"id": chat_id, "type": "claude_chat_deleted"})

    def delete_file(self, call: Call) -> Response:
        """A chat upload or a project file; the activity says which (§6)."""
        Query(call.query_pairs, set())
        (file_id,) = call.path_params
        with self._deleting:
            record = self.served_file(file_id)
            del self.data.files[file_id]
            if record.project_id is not None:
                kind = "claude_project_file_deleted"
                fields: dict[str, object] = {
                    "claude_file_id": file_id,
                    "claude_project_id": record.project_id,
                    "filename": None,
                }
            else:
                # names are null on file activities since 2026-09-24 (§6)
                kind = "claude_file_deleted"
                fields = {"claude_file_id": file_id, "filename": None}
            self.emit(call, kind, record.organization_uuid, fields)
        return Response(200, {"id": file_id, "type": "claude_file_deleted"})

    def delete_document(self, call: Call) -> Response:
        Query(call.query_pairs, set())
        (document_id,) = call.path_params
        with self._deleting:
            record = self.data.documents.get(document_id)
            if record is None:
                raise not_found(
                    "No project document found with the provided id, or it has already "
                    "been deleted."
                )
            del self.data.documents[document_id]
            project = self.data.projects_by_id.get(record.project_id)
            self.emit(
                call,
                "claude_project_document_deleted",
                project.organization_uuid if project else None,
                {
                    "claude_project_document_id": document_id,
                    "claude_project_id": record.project_id,
                    "filename": None,
                },
            )
        return Response(200, {"id": document_id, "type": "claude_project_document_deleted"})

    def delete_project(self, call: Call) -> Response:
        """409 while any chat is attached, deleted in claude.ai or not (§5.6)."""
        Query(call.query_pairs, set())
        (project_id,) = call.path_params
        with self._deleting:
            record = self.data.projects_by_id.get(project_id)
            if record is None:
                raise not_found(
                    "No project found with provided id, or it has already been deleted."
                )
            if self.data.project_chats(project_id):
                raise ApiError(
                    409,
                    f'The "{project_id}" project cannot be deleted as it has chats attached to '
                    "it. Delete or detach all chats, and try deleting the project again.",
                )
            self.remove_project(project_id)
            self.emit(
                call,
                "claude_project_deleted",
                record.organization_uuid,
                {"claude_project_id": project_id},
            )
        return Response(200, {"id": project_id, "type": "claude_project_deleted"})

    def remove_chat(self, chat_id: str, *, hard: bool, at: dt.datetime) -> None:
        """Delete a chat's data: in claude.ai (``hard=False``, still listed) or via the API."""
        data = self.data
        chat = data.chats_by_id[chat_id]
        data.chats.remove(chat)
        for file_id in [f.id for f in data.files.values() if f.chat_id == chat_id]:
            del data.files[file_id]
        if hard:
            for message_id in chat.message_ids:
                data.messages.pop(message_id, None)
        else:
            data.chats.append(dataclasses.replace(chat, deleted_at=at, updated_at=at, name=""))
        data.reindex()
        self.reindex()

    def remove_project(self, project_id: str) -> None:
        """Delete a project with its documents and files."""
        data = self.data
        data.projects.remove(data.projects_by_id[project_id])
        for doc_id in [d.id for d in data.project_documents(project_id)]:
            del data.documents[doc_id]
        for file_id in [f.id for f in data.project_files(project_id)]:
            del data.files[file_id]
        data.reindex()
        self.reindex()

    def emit(
        self, call: Call, kind: str, org_uuid: str | None, fields: Mapping[str, object]
    ) -> None:
        """Record the activity the API emits for a deletion, named after the calling key."""
        org = self.data.orgs_by_uuid.get(org_uuid) if org_uuid else None
        self.feed.append(
            Activity(
                id=self._activity_ids.tagged("activity_"),
                created_at=call.now,
                type=kind,
                organization_uuid=org_uuid,
                organization_id=org.org_id if org else None,
                actor=dict(call.actor or {"type": "api_actor", "api_key_id": None}),
                fields=dict(fields),
            )
        )


def _org_key(record: Organization) -> SortKey:
    return (record.created_at, record.uuid)


def _created_key(
    record: User | Chat | Message | Project | Document | StoredFile | Role | Group,
) -> SortKey:
    return (record.created_at, record.id)


def _updated_key(record: Chat) -> SortKey:
    return (record.updated_at, record.id)


def activity_token(record: Activity) -> str:
    return encode_token({"id": record.id, "created_at": record.created_at.isoformat()})


def download(content: bytes, filename: str, mime_type: str) -> Response:
    """A chunked download with Content-Type, Content-MD5 and an RFC 5987 Content-Disposition."""
    digest = base64.b64encode(hashlib.md5(content, usedforsecurity=False).digest()).decode("ascii")
    headers = (
        ("content-type", mime_type),
        ("content-md5", digest),
        ("content-disposition", f"attachment; filename*=utf-8''{quote(filename, safe='')}"),
    )
    return Response(200, chunks=_chunks(content), headers=headers)


def _chunks(content: bytes) -> Iterator[bytes]:
    for start in range(0, len(content), DOWNLOAD_CHUNK):
        yield content[start : start + DOWNLOAD_CHUNK]
