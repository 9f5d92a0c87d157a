"""The audit log: who viewed which finding or export, every triage and key action, logins."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from claude_compliance.state.schema import audit_table


@dataclass(frozen=True, slots=True)
class AuditEvent:
    event_id: int
    created_at: datetime
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]


class AuditLog:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def record(
        self,
        actor: str,
        action: str,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
        *,
        conn: sa.Connection | None = None,
    ) -> None:
        """Append one event (inside `conn`'s transaction when given)."""
        values = {
            "created_at": datetime.now(UTC),
            "actor": actor,
            "action": action,
            "target": target,
            "detail": json.dumps(detail, sort_keys=True, default=str) if detail else None,
        }
        if conn is not None:
            conn.execute(audit_table.insert().values(**values))
            return
        with self._engine.begin() as own:
            own.execute(audit_table.insert().values(**values))

    def recent(
        self,
        *,
        limit: int = 100,
        offset: int = 0,
        actor: str | None = None,
        action: str | None = None,
        target: str | None = None,
    ) -> tuple[list[AuditEvent], int]:
        """Events newest first, and how many match in all."""
        where: list[sa.ColumnElement[bool]] = []
        if actor:
            where.append(audit_table.c.actor == actor)
        if action:
            where.append(audit_table.c.action == action)
        if target:
            where.append(audit_table.c.target == target)
        query = (
            sa.select(audit_table)
            .where(*where)
            .order_by(audit_table.c.event_id.desc())
            .limit(limit)
            .offset(offset)
        )
        count = sa.select(sa.func.count()).select_from(audit_table).where(*where)
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
            total = int(conn.execute(count).scalar_one())
        return [_event(row) for row in rows], total

    def actions(self) -> list[str]:
        with self._engine.connect() as conn:
            return [
                r[0]
                for r in conn.execute(
                    sa.select(audit_table.c.action).distinct().order_by(audit_table.c.action)
                )
            ]


def _event(row: sa.Row[Any]) -> AuditEvent:
    created = row.created_at
    return AuditEvent(
        event_id=row.event_id,
        created_at=created if created.tzinfo else created.replace(tzinfo=UTC),
        actor=row.actor,
        action=row.action,
        target=row.target,
        detail=json.loads(row.detail) if row.detail else {},
    )
