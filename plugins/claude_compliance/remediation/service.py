"""Remediation: remove leaked content at the source through the Compliance API's DELETE
endpoints, with a request, a second person's approval, and proof.

- `plan` reads the published warehouse: the smallest object holding the finding (a chat file
  or project document on its own, else the chat, else the project), what goes with it
  (masked name, message and file counts, owner) and every finding it resolves.
- `request` stores that plan as a dry run; `approve` / `reject` need an admin, and approval
  an admin other than the requester unless `CLAUDE_COMPLIANCE_REMEDIATION_SINGLE_APPROVER`.
- `execute` deletes approved requests with a registered, non-revoked key holding
  `delete:compliance_user_data` that reaches the finding's organization (refused, naming a
  key that could, otherwise). The client paces and retries; a 404 means already deleted.
- `confirm` (after the next sync) checks the object is gone at the source and, where the
  API emits one, that the synced activity feed holds the deletion; then the request is
  `confirmed` and its findings `remediated`. The lake keeps its tombstones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import httpx

from claude_compliance import runtime
from claude_compliance.api import (
    APIStatusError,
    ComplianceAPIError,
    NotFoundError,
)
from claude_compliance.keys.store import KeyRecord, KeyStoreError
from claude_compliance.keys.validation import DELETE_FAMILY
from claude_compliance.remediation.store import (
    ObjectKind,
    Remediation,
    RemediationError,
    RemediationStore,
    Status,
)
from claude_compliance.reports.errors import ReportError
from claude_compliance.reports.marts import has_table, open_marts, records
from claude_compliance.settings import Settings
from claude_compliance.state.triage import FindingRef, TriageStatus, TriageStore
from claude_compliance.state.users import Role, UserError, UserStore

API = "/v1/compliance/apps"
SCOPES = ("file", "chat", "project")

# object kind → (DELETE path, GET path that 404s once it is gone, deletion activities and
# the activities mart column naming the object)
_ENDPOINTS: dict[ObjectKind, tuple[str, str, tuple[str, ...], str]] = {
    ObjectKind.CHAT: (
        f"{API}/chats/{{id}}",
        f"{API}/chats/{{id}}/messages",
        ("claude_chat_deleted",),
        "chat_id",
    ),
    ObjectKind.FILE: (
        f"{API}/chats/files/{{id}}",
        f"{API}/chats/files/{{id}}",
        ("claude_file_deleted", "claude_project_file_deleted"),
        "file_id",
    ),
    ObjectKind.PROJECT_DOCUMENT: (
        f"{API}/projects/documents/{{id}}",
        f"{API}/projects/documents/{{id}}/metadata",
        ("claude_project_document_deleted",),
        "project_document_id",
    ),
    ObjectKind.PROJECT: (
        f"{API}/projects/{{id}}",
        f"{API}/projects/{{id}}",
        ("claude_project_deleted",),
        "project_id",
    ),
}
# Sources the Compliance API has no DELETE for (spec §5.8-§5.9): never requestable.
UNREMOVABLE_SOURCES = ("session_message",)
_PROJECT_SOURCES = ("project_description", "project_instruction", "project_name", "project_file")
# the API's "no such key / path" answer, which must not be read as "deleted" (§7.2)
_GENERIC_NOT_FOUND = "Not found"


@dataclass(frozen=True, slots=True)
class Plan:
    """What a request would delete: shown before anything is stored or approved."""

    draft: Remediation
    attached_chats: int
    """For a project: chats still in it (the API answers 409 until they are gone)."""

    def describe(self) -> list[str]:
        d = self.draft
        lines = [
            f"{d.object_kind.value} {d.object_id}"
            + (f" (in chat {d.chat_id})" if d.chat_id and d.object_id != d.chat_id else "")
            + (
                f" (in project {d.project_id})"
                if d.project_id and d.object_id != d.project_id
                else ""
            ),
            f"name (masked): {d.masked_name or '-'}",
            f"owner: {d.owner_email or d.owner_user_id or 'unknown'}",
            f"messages: {d.message_count or 0}, files: {d.file_count or 0}",
            f"resolves {len(d.finding_ids)} finding(s): {', '.join(d.finding_ids[:10])}"
            + (" …" if len(d.finding_ids) > 10 else ""),
        ]
        if self.attached_chats:
            lines.append(
                f"warning: {self.attached_chats} chat(s) are still in this project; the API "
                "refuses (409) to delete it until they are deleted"
            )
        return lines


# -- people ---------------------------------------------------------------------------------


def _person(settings: Settings, username: str, needed: Role, doing: str) -> str:
    """The dashboard account `username`, active and at least `needed`; its name."""
    try:
        user = UserStore(runtime.state_engine(settings)).get(username)
    except UserError:
        raise RemediationError(
            f"{username!r} is not a dashboard account: {doing} needs an {needed.value}"
        ) from None
    if user.is_disabled:
        raise RemediationError(f"{username} is disabled: cannot {doing}")
    if not user.role.allows(needed):
        raise RemediationError(f"{username} is a {user.role.value}: {doing} needs an {needed}")
    return user.username


# -- planning and requests ------------------------------------------------------------------


def plan(settings: Settings, finding_id: str, *, scope: str | None = None) -> Plan:
    """The object a removal of `finding_id` deletes (read from the published warehouse)."""
    if scope is not None and scope not in SCOPES:
        raise RemediationError(f"unknown scope {scope!r}: one of {', '.join(SCOPES)}")
    try:
        with open_marts(settings) as con:
            return _plan(con, finding_id, scope)
    except ReportError as exc:
        raise RemediationError(str(exc)) from None


def _plan(con: Any, finding_id: str, scope: str | None) -> Plan:
    found = records(
        con,
        "select finding_id, key_id, organization_uuid, user_id, user_email, source, "
        "source_id, chat_id, project_id from findings where finding_id = ?",
        [finding_id],
    )
    if not found:
        raise RemediationError(f"no finding {finding_id!r} in the published warehouse")
    f = found[0]
    source, source_id = str(f["source"]), str(f["source_id"])
    chat_id = f["chat_id"] or (source_id if source == "chat_name" else None)
    project_id = f["project_id"] or (
        source_id if source.startswith("project_") and source != "project_file" else None
    )
    if source in UNREMOVABLE_SOURCES:
        raise RemediationError(
            "this finding is in a Claude Code / Cowork session: the Compliance API has no "
            "DELETE for sessions (spec §5.8-§5.9); it can only be removed by its user"
        )
    kind, object_id = _target(source, source_id, chat_id, project_id, scope)
    key_id = str(f["key_id"])
    finding_ids, messages, files = _contents(con, key_id, kind, object_id)
    if finding_id not in finding_ids:
        finding_ids = sorted({*finding_ids, finding_id})
    masked_name: str | None = None
    attached = 0
    if chat_id and kind is not ObjectKind.PROJECT and has_table(con, "chats"):
        rows = con.execute(
            "select chat_name from chats where key_id = ? and chat_id = ?", [key_id, chat_id]
        ).fetchall()
        masked_name = rows[0][0] if rows else None
    elif project_id and has_table(con, "projects"):
        rows = con.execute(
            "select project_name from projects where key_id = ? and project_id = ?",
            [key_id, project_id],
        ).fetchall()
        masked_name = rows[0][0] if rows else None
    if kind is ObjectKind.PROJECT and has_table(con, "chats"):
        attached = int(
            con.execute(
                "select count(*) from chats where key_id = ? and project_id = ?",
                [key_id, object_id],
            ).fetchall()[0][0]
        )
    draft = Remediation(
        request_id="",
        status=Status.REQUESTED,
        key_id=key_id,
        object_kind=kind,
        object_id=object_id,
        chat_id=chat_id if kind is not ObjectKind.PROJECT else None,
        project_id=project_id,
        masked_name=masked_name,
        message_count=messages,
        file_count=files,
        owner_user_id=f["user_id"],
        owner_email=f["user_email"],
        finding_ids=tuple(finding_ids),
        requested_by="",
        requested_at=datetime.now(UTC),
    )
    return Plan(draft, attached)


def _target(
    source: str, source_id: str, chat_id: str | None, project_id: str | None, scope: str | None
) -> tuple[ObjectKind, str]:
    """The smallest object holding the input, or the one `scope` asks for."""
    in_file = source in ("chat_file", "project_file")
    if scope in (None, "file") and in_file:
        if source_id.startswith("claude_proj_doc_"):
            return ObjectKind.PROJECT_DOCUMENT, source_id
        return ObjectKind.FILE, source_id
    if scope == "file":
        raise RemediationError(
            f"this finding is in a {source.replace('_', ' ')}, not a file: use --scope "
            + ("chat" if chat_id else "project")
        )
    if scope in (None, "chat") and chat_id:
        return ObjectKind.CHAT, chat_id
    if scope == "chat":
        raise RemediationError(
            f"this finding is in a {source.replace('_', ' ')}, not a chat: use --scope project"
        )
    if project_id:
        return ObjectKind.PROJECT, project_id
    raise RemediationError(f"this finding's {source.replace('_', ' ')} is in no project")


def _contents(
    con: Any, key_id: str, kind: ObjectKind, object_id: str
) -> tuple[list[str], int, int]:
    """The findings inside the object, and its message and file counts (scanned inputs)."""
    if kind is ObjectKind.CHAT:
        where = "(chat_id = ? or (source = 'chat_name' and source_id = ?))"
        params: list[Any] = [object_id, object_id]
    elif kind is ObjectKind.PROJECT:
        sources = ", ".join(f"'{s}'" for s in _PROJECT_SOURCES)
        where = f"source in ({sources}) and (project_id = ? or source_id = ?)"
        params = [object_id, object_id]
    else:
        where = "source in ('chat_file', 'project_file') and source_id = ?"
        params = [object_id]
    # `where` is one of three fixed fragments above; every value is a bound parameter
    findings_sql = "select finding_id from findings where key_id = ? and " + where  # noqa: S608
    finding_ids = [
        r[0]
        for r in con.execute(findings_sql + " order by finding_id", [key_id, *params]).fetchall()
    ]
    messages = files = 0
    if has_table(con, "scanned_inputs"):
        counts_sql = (
            "select count(distinct source_id) filter (where source = 'chat_message'), "
            "count(distinct source_id) filter (where source in ('chat_file', 'project_file')) "
            "from scanned_inputs where key_id = ? and "
        ) + where
        counts = con.execute(counts_sql, [key_id, *params]).fetchall()[0]
        messages, files = int(counts[0] or 0), int(counts[1] or 0)
    return finding_ids, messages, files


def request(
    settings: Settings,
    finding_id: str,
    *,
    actor: str,
    scope: str | None = None,
    note: str | None = None,
) -> Remediation:
    """Store a dry-run removal request for `finding_id`, by an analyst or admin."""
    requester = _person(settings, actor, Role.ANALYST, "requesting a removal")
    planned = plan(settings, finding_id, scope=scope)
    draft = replace(
        planned.draft,
        requested_by=requester,
        requested_at=datetime.now(UTC),
        note=(note or "").strip()[:2000] or None,
    )
    return _store(settings).add(draft)


def approve(
    settings: Settings, request_id: str, *, actor: str, note: str | None = None
) -> Remediation:
    """Approve a request: an admin, and not its requester unless the rule is relaxed."""
    approver = _person(settings, actor, Role.ADMIN, "approving a removal")
    store = _store(settings)
    current = store.get(request_id)
    if current.requested_by == approver and not settings.remediation_single_approver:
        raise RemediationError(
            f"{approver} requested {request_id}: another admin must approve it (two-person "
            "rule; CLAUDE_COMPLIANCE_REMEDIATION_SINGLE_APPROVER=true relaxes it)"
        )
    return store.transition(
        request_id,
        expected=(Status.REQUESTED,),
        actor=approver,
        action="remediation_approved",
        detail={"note": note} if note else None,
        status=Status.APPROVED,
        decided_by=approver,
        decided_at=datetime.now(UTC),
        decision_note=note,
    )


def reject(
    settings: Settings, request_id: str, *, actor: str, note: str | None = None
) -> Remediation:
    """Reject (or, by its requester, withdraw) a request: nothing is deleted."""
    admin = _person(settings, actor, Role.ADMIN, "rejecting a removal")
    return _store(settings).transition(
        request_id,
        expected=(Status.REQUESTED, Status.APPROVED),
        actor=admin,
        action="remediation_rejected",
        detail={"note": note} if note else None,
        status=Status.REJECTED,
        decided_by=admin,
        decided_at=datetime.now(UTC),
        decision_note=note,
    )


class Decision(StrEnum):
    """An admin's answer to a request (the CLI command and the dashboard's path segment)."""

    APPROVE = "approve"
    REJECT = "reject"


def decide(
    settings: Settings,
    request_id: str,
    decision: Decision | str,
    *,
    actor: str,
    note: str | None = None,
) -> Remediation:
    """Approve or reject `request_id` (see `approve` and `reject` for who may)."""
    act = approve if Decision(decision) is Decision.APPROVE else reject
    return act(settings, request_id, actor=actor, note=note)


def requests(settings: Settings, *, statuses: Sequence[Status] = ()) -> list[Remediation]:
    return _store(settings).all(statuses=statuses)


def get(settings: Settings, request_id: str) -> Remediation:
    return _store(settings).get(request_id)


def _store(settings: Settings) -> RemediationStore:
    return RemediationStore(runtime.state_engine(settings))


# -- keys -----------------------------------------------------------------------------------


def can_delete(key: KeyRecord) -> bool:
    return not key.is_revoked and DELETE_FAMILY in key.scopes


def capable_keys(settings: Settings, record: Remediation) -> list[KeyRecord]:
    """Registered, non-revoked keys with the delete scope that reach the request's data:
    the key that synced it first, then keys whose recorded organizations include it."""
    keys = runtime.key_store(settings).all()
    by_id = {k.key_id: k for k in keys}
    origin = by_id.get(record.key_id)
    reach = set(origin.organizations) if origin else set()
    ordered = sorted(keys, key=lambda k: k.key_id != record.key_id)
    return [
        k
        for k in ordered
        if can_delete(k) and (k.key_id == record.key_id or reach & set(k.organizations))
    ]


def key_advice(settings: Settings, record: Remediation) -> str:
    """Which key could execute `record`, in one line (for the CLI and the dashboard)."""
    keys = capable_keys(settings, record)
    if keys:
        return "executable with " + ", ".join(f"{k.key_id} ({k.name})" for k in keys)
    return (
        "no registered key can execute this: register a Compliance Access Key with the scope "
        "delete:compliance_user_data that reaches this organization (claude-compliance keys "
        f"add), or re-validate one (keys validate ID); the data came from {record.key_id}"
    )


# -- execution ------------------------------------------------------------------------------


def execute(
    settings: Settings,
    *,
    actor: str,
    key_id: str | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] | None = None,
    on_secret: Callable[[str], None] | None = None,
) -> list[Remediation]:
    """Delete every approved (or earlier failed) request; returns them as they end up.

    `on_secret` sees each decrypted key before it is used (the DAG masks it in task logs)."""
    store = _store(settings)
    done = []
    for record in store.all(statuses=(Status.APPROVED, Status.FAILED)):
        key = _execution_key(settings, record, key_id)
        if isinstance(key, str):
            store.note_refusal(record.request_id, actor=actor, reason=key)
            done.append(store.get(record.request_id))
            continue
        done.append(_delete(settings, store, record, key, actor, transport, sleep, on_secret))
    return done


def _execution_key(settings: Settings, record: Remediation, key_id: str | None) -> KeyRecord | str:
    """The key to use, or why there is none (naming a key that could)."""
    capable = capable_keys(settings, record)
    if key_id is None:
        return capable[0] if capable else "refused: " + key_advice(settings, record)
    try:
        chosen = runtime.key_store(settings).get(key_id)
    except KeyStoreError as exc:
        return f"refused: {exc}"
    if chosen.is_revoked:
        return f"refused: key {key_id} is revoked; " + key_advice(settings, record)
    if DELETE_FAMILY not in chosen.scopes:
        return (
            f"refused: key {key_id} ({chosen.name}) lacks the scope "
            "delete:compliance_user_data; " + key_advice(settings, record)
        )
    if chosen not in capable:
        return f"refused: key {key_id} does not reach the organization of this data; " + key_advice(
            settings, record
        )
    return chosen


def _delete(
    settings: Settings,
    store: RemediationStore,
    record: Remediation,
    key: KeyRecord,
    actor: str,
    transport: httpx.BaseTransport | None,
    sleep: Callable[[float], None] | None,
    on_secret: Callable[[str], None] | None,
) -> Remediation:
    path = _ENDPOINTS[record.object_kind][0].format(id=record.object_id)
    plaintext = runtime.key_store(settings).reveal(key.key_id)
    if on_secret is not None:
        on_secret(plaintext)
    expected = (Status.APPROVED, Status.FAILED)
    common: dict[str, Any] = {
        "executed_by": actor,
        "executed_at": datetime.now(UTC),
        "executed_key_id": key.key_id,
    }
    try:
        with runtime.client(
            settings,
            plaintext,
            key_id=key.key_id,
            key_label=f"{key.key_id} {key.fingerprint}",
            transport=transport,
            sleep=sleep,
        ) as api:
            page = api.delete(path)
    except NotFoundError as exc:
        if exc.message == _GENERIC_NOT_FOUND:
            return _failed(store, record, actor, common, exc, "the API did not recognise the key")
        # deleted already (by someone, or by our own earlier attempt): the goal is reached
        return store.transition(
            record.request_id,
            expected=expected,
            actor=actor,
            action="remediation_executed",
            detail={
                "api_status": 404,
                "api_request_id": exc.request_id,
                "outcome": "already_deleted",
                "key_id": key.key_id,
            },
            status=Status.EXECUTED,
            api_status=404,
            api_request_id=exc.request_id,
            outcome="already_deleted",
            error=None,
            **common,
        )
    except ComplianceAPIError as exc:
        return _failed(store, record, actor, common, exc, None)
    return store.transition(
        record.request_id,
        expected=expected,
        actor=actor,
        action="remediation_executed",
        detail={
            "api_status": 200,
            "api_request_id": page.request_id,
            "outcome": "deleted",
            "response_type": page.body.get("type"),
            "key_id": key.key_id,
        },
        status=Status.EXECUTED,
        api_status=200,
        api_request_id=page.request_id,
        outcome="deleted",
        error=None,
        **common,
    )


def _failed(
    store: RemediationStore,
    record: Remediation,
    actor: str,
    common: dict[str, Any],
    exc: ComplianceAPIError,
    why: str | None,
) -> Remediation:
    message = f"{exc.status or 'no answer'}: {exc.message}" + (f" ({why})" if why else "")
    return store.transition(
        record.request_id,
        expected=(Status.APPROVED, Status.FAILED),
        actor=actor,
        action="remediation_failed",
        detail={"api_status": exc.status, "api_request_id": exc.request_id, "error": message},
        status=Status.FAILED,
        api_status=exc.status,
        api_request_id=exc.request_id,
        outcome="failed",
        error=message,
        **common,
    )


# -- confirmation ---------------------------------------------------------------------------


def confirm(
    settings: Settings,
    *,
    actor: str = "sync",
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] | None = None,
    on_secret: Callable[[str], None] | None = None,
) -> list[Remediation]:
    """Confirm executed requests whose object is gone (and whose deletion activity the sync
    has brought in); their findings become `remediated`. Returns the requests checked."""
    store = _store(settings)
    checked = []
    for record in store.all(statuses=(Status.EXECUTED,)):
        checked.append(_confirm_one(settings, store, record, actor, transport, sleep, on_secret))
    return checked


def _confirm_one(
    settings: Settings,
    store: RemediationStore,
    record: Remediation,
    actor: str,
    transport: httpx.BaseTransport | None,
    sleep: Callable[[float], None] | None,
    on_secret: Callable[[str], None] | None,
) -> Remediation:
    key_id = record.executed_key_id or record.key_id
    keys = runtime.key_store(settings)
    key = keys.get(key_id)
    path = _ENDPOINTS[record.object_kind][1].format(id=record.object_id)
    plaintext = keys.reveal(key_id)
    if on_secret is not None:
        on_secret(plaintext)
    try:
        with runtime.client(
            settings,
            plaintext,
            key_id=key_id,
            key_label=f"{key_id} {key.fingerprint}",
            transport=transport,
            sleep=sleep,
        ) as api:
            api.get_json(path)
    except NotFoundError as exc:
        if exc.message == _GENERIC_NOT_FOUND:
            return record  # the key, not the object: cannot tell yet
        gone = f"GET {path.rsplit('/', 1)[0]}/… answers 404 ({exc.request_id})"
    except APIStatusError:
        return record  # 403 / 5xx: no proof either way; the next run asks again
    else:
        return store.transition(
            record.request_id,
            expected=(Status.EXECUTED,),
            actor=actor,
            action="remediation_failed",
            detail={"error": "the object is still served by the API after the deletion"},
            status=Status.FAILED,
            error="the object is still served by the API after the deletion",
        )
    activity = _deletion_activity(settings, record)
    if activity is None and record.outcome == "deleted":
        return record  # the sync has not brought the deletion activity in yet
    proof = gone + (
        f"; activity {activity[0]} {activity[1]} at {activity[2]}"
        if activity
        else "; no deletion activity (deleted before this request executed)"
    )
    confirmed = store.transition(
        record.request_id,
        expected=(Status.EXECUTED,),
        actor=actor,
        action="remediation_confirmed",
        detail={"confirmation": proof},
        status=Status.CONFIRMED,
        confirmed_at=datetime.now(UTC),
        confirmation=proof,
    )
    if confirmed.finding_ids:
        TriageStore(runtime.state_engine(settings)).set_status(
            [FindingRef(fid) for fid in confirmed.finding_ids],
            TriageStatus.REMEDIATED,
            actor=f"remediation {record.request_id}",
            note=f"removed at the source ({record.object_kind.value} {record.object_id})",
            is_remediation=True,
        )
    return confirmed


def _deletion_activity(settings: Settings, record: Remediation) -> tuple[str, str, str] | None:
    """The synced deletion activity of the object (id, type, time), if the sync has it."""
    _, _, kinds, column = _ENDPOINTS[record.object_kind]
    try:
        with open_marts(settings) as con:
            if not has_table(con, "activities"):
                return None
            # the column and the count of placeholders come from _ENDPOINTS, not from input
            activity_sql = (  # noqa: S608
                "select activity_id, activity_type, created_at from activities where "
                "activity_type in (" + ", ".join("?" for _ in kinds) + ") and " + column
            ) + " = ? order by created_at limit 1"
            rows = con.execute(activity_sql, [*kinds, record.object_id]).fetchall()
    except ReportError:
        return None
    if not rows:
        return None
    return str(rows[0][0]), str(rows[0][1]), str(rows[0][2])
