"""Remediation requests in the state DB: one row per request with its whole history.

Status model::

    requested ──approve──▶ approved ──execute──▶ executed ──confirm──▶ confirmed
        │                     │                     │
        └──reject──▶ rejected └──(API error)──▶ failed ◀──(still there)──┘

`executed` keeps the API's answer (status, `request-id`, and `outcome`: `deleted`, or
`already_deleted` for a 404); `confirmed` means a later check saw the object gone (and the
deletion activity, where the API emits one). Every transition is also an audit-log entry,
written in the same transaction. Rows hold ids, counts, masked names and people, never a
matched value.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from claude_compliance.state.audit import AuditLog
from claude_compliance.state.schema import remediations_table


class Status(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXECUTED = "executed"
    FAILED = "failed"
    CONFIRMED = "confirmed"

    @property
    def is_open(self) -> bool:
        """Still on its way to a deletion: blocks a second request for the same object."""
        return self in (Status.REQUESTED, Status.APPROVED, Status.EXECUTED)


class ObjectKind(StrEnum):
    CHAT = "chat"
    FILE = "file"
    """A chat upload or a project file: one endpoint deletes both (§5.3)."""
    PROJECT_DOCUMENT = "project_document"
    PROJECT = "project"


class RemediationError(ValueError):
    """A remediation step was refused; the message says why and what would work."""


@dataclass(frozen=True, slots=True)
class Remediation:
    request_id: str
    status: Status
    key_id: str
    object_kind: ObjectKind
    object_id: str
    chat_id: str | None
    project_id: str | None
    masked_name: str | None
    message_count: int | None
    file_count: int | None
    owner_user_id: str | None
    owner_email: str | None
    finding_ids: tuple[str, ...]
    requested_by: str
    requested_at: datetime
    note: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    executed_by: str | None = None
    executed_at: datetime | None = None
    executed_key_id: str | None = None
    api_status: int | None = None
    api_request_id: str | None = None
    outcome: str | None = None
    error: str | None = None
    confirmed_at: datetime | None = None
    confirmation: str | None = None
    notified_at: datetime | None = None
    notification: str | None = None
    """What the notice to the user said went where, or why none went (see `notify`)."""

    def as_public_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, StrEnum):
                value = value.value
            out[name] = value
        return out


class RemediationStore:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._audit = AuditLog(engine)

    def add(self, draft: Remediation) -> Remediation:
        """Store a new request (its id is assigned here) and audit it."""
        request_id = "rem_" + secrets.token_hex(6)
        values = _row_values(draft)
        values["request_id"] = request_id
        with self._engine.begin() as conn:
            earlier = conn.execute(
                sa.select(remediations_table.c.request_id, remediations_table.c.status).where(
                    remediations_table.c.object_id == draft.object_id,
                    remediations_table.c.status.in_(
                        [s.value for s in Status if s.is_open or s is Status.CONFIRMED]
                    ),
                )
            ).first()
            if earlier is not None and earlier.status == Status.CONFIRMED.value:
                raise RemediationError(
                    f"{draft.object_kind.value} {draft.object_id} is already removed at the "
                    f"source ({earlier.request_id}, confirmed)"
                )
            if earlier is not None:
                raise RemediationError(
                    f"{draft.object_kind.value} {draft.object_id} already has an open removal "
                    f"request: {earlier.request_id}"
                )
            conn.execute(remediations_table.insert().values(**values))
            self._audit.record(
                draft.requested_by,
                "remediation_requested",
                request_id,
                _audit_detail(draft, note=draft.note),
                conn=conn,
            )
        return self.get(request_id)

    def get(self, request_id: str) -> Remediation:
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(remediations_table).where(remediations_table.c.request_id == request_id)
            ).first()
        if row is None:
            raise RemediationError(f"no remediation request {request_id!r}")
        return _record(row)

    def all(self, *, statuses: Sequence[Status] = ()) -> list[Remediation]:
        query = sa.select(remediations_table).order_by(remediations_table.c.requested_at)
        if statuses:
            query = query.where(remediations_table.c.status.in_([s.value for s in statuses]))
        with self._engine.connect() as conn:
            return [_record(row) for row in conn.execute(query)]

    def transition(
        self,
        request_id: str,
        *,
        expected: Sequence[Status],
        actor: str,
        action: str,
        detail: dict[str, Any] | None = None,
        **values: Any,
    ) -> Remediation:
        """Move a request on, only from one of `expected` (checked inside the transaction)."""
        if isinstance(values.get("status"), Status):
            values["status"] = values["status"].value
        with self._engine.begin() as conn:
            result = conn.execute(
                remediations_table.update()
                .where(remediations_table.c.request_id == request_id)
                .where(remediations_table.c.status.in_([s.value for s in expected]))
                .values(**values)
            )
            if result.rowcount != 1:
                current = self.get(request_id)
                raise RemediationError(
                    f"{request_id} is {current.status.value}: cannot {action.split('_')[-1]} "
                    f"(needs {' or '.join(s.value for s in expected)})"
                )
            self._audit.record(actor, action, request_id, detail, conn=conn)
        return self.get(request_id)

    def note_refusal(self, request_id: str, *, actor: str, reason: str) -> None:
        """An execution refused before any call (no usable key): audited, status unchanged."""
        with self._engine.begin() as conn:
            conn.execute(
                remediations_table.update()
                .where(remediations_table.c.request_id == request_id)
                .values(error=reason)
            )
            self._audit.record(
                actor, "remediation_refused", request_id, {"reason": reason}, conn=conn
            )

    def claim_notice(self, request_id: str, *, now: datetime) -> bool:
        """Take the notice of a confirmed request for this run (False: another run has it)."""
        with self._engine.begin() as conn:
            result = conn.execute(
                remediations_table.update()
                .where(remediations_table.c.request_id == request_id)
                .where(remediations_table.c.status == Status.CONFIRMED.value)
                .where(remediations_table.c.notified_at.is_(None))
                .values(notified_at=now, notification="sending")
            )
        return result.rowcount == 1

    def finish_notice(
        self,
        request_id: str,
        *,
        actor: str,
        action: str,
        notification: str,
        is_done: bool,
        detail: dict[str, Any],
    ) -> None:
        """Record the notice's outcome and audit it; a notice that is not done (every
        channel failed) is released (`notified_at` back to null): the next run tries again."""
        values: dict[str, Any] = {"notification": notification}
        if not is_done:
            values["notified_at"] = None
        with self._engine.begin() as conn:
            conn.execute(
                remediations_table.update()
                .where(remediations_table.c.request_id == request_id)
                .values(**values)
            )
            self._audit.record(actor, action, request_id, detail, conn=conn)


def _audit_detail(record: Remediation, **extra: Any) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "object_kind": record.object_kind.value,
        "object_id": record.object_id,
        "key_id": record.key_id,
        "finding_ids": list(record.finding_ids[:200]),
        "finding_count": len(record.finding_ids),
    }
    detail.update({k: v for k, v in extra.items() if v is not None})
    return detail


def _row_values(record: Remediation) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in record.__dataclass_fields__:
        value = getattr(record, name)
        if name == "finding_ids":
            value = json.dumps(list(value))
        elif isinstance(value, StrEnum):
            value = value.value
        values[name] = value
    return values


def _record(row: sa.Row[Any]) -> Remediation:
    data = dict(row._mapping)
    data["status"] = Status(data["status"])
    data["object_kind"] = ObjectKind(data["object_kind"])
    data["finding_ids"] = tuple(json.loads(data["finding_ids"] or "[]"))
    for name, value in list(data.items()):
        if isinstance(value, datetime) and value.tzinfo is None:
            data[name] = value.replace(tzinfo=UTC)
    return Remediation(**data)
