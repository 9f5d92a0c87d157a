"""Triage decisions on findings and suppression rules, kept in the state DB.

Findings are rebuilt by every dbt run and rescan, but their `finding_id` (a hash of input,
detector, offsets and fingerprint) and `fingerprint` (HMAC of the value) are stable, so the
decisions stored here against them survive. A suppression hides matching findings by
default: every finding of one value (`fingerprint`), or of one detector for one user
(`detector_user`).

The store takes the engine its caller got from `runtime.state_engine`: `states(refs)` answers
"what is the triage status and suppression of these findings" (now, or `as_of` a moment),
and `tables()` gives both as Arrow tables to join inside DuckDB (`tables.register(cursor)`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from claude_compliance.state.audit import AuditLog
from claude_compliance.state.db import in_batches
from claude_compliance.state.schema import (
    suppressions_table,
    triage_events_table,
    triage_table,
)

MAX_NOTE = 2000


class TriageStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    FALSE_POSITIVE = "false_positive"
    RESOLVED = "resolved"
    REMEDIATED = "remediated"
    """Removed at the source: set by a confirmed remediation request, not by hand."""

    @property
    def is_closed(self) -> bool:
        """Resolved, remediated or dismissed: no longer needs anyone's attention."""
        return self in (
            TriageStatus.RESOLVED,
            TriageStatus.REMEDIATED,
            TriageStatus.FALSE_POSITIVE,
        )


MANUAL_STATUSES = tuple(s for s in TriageStatus if s is not TriageStatus.REMEDIATED)
"""What a person may set; `remediated` comes only from a confirmed deletion at the source."""


class SuppressionKind(StrEnum):
    FINGERPRINT = "fingerprint"
    DETECTOR_USER = "detector_user"


class TriageError(ValueError):
    """A triage or suppression request was refused; the message says why."""


@dataclass(frozen=True, slots=True)
class FindingRef:
    """What identifies a finding for triage: its id, and what suppressions match on."""

    finding_id: str
    fingerprint: str | None = None
    detector: str | None = None
    user_id: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> FindingRef:
        """From a `findings` mart row (a dict or a DuckDB/SQLAlchemy mapping)."""
        return cls(
            finding_id=str(row["finding_id"]),
            fingerprint=row.get("fingerprint"),
            detector=row.get("detector"),
            user_id=row.get("user_id"),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    finding_id: str
    status: TriageStatus
    note: str | None
    actor: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Suppression:
    suppression_id: int
    kind: SuppressionKind
    fingerprint: str | None
    detector: str | None
    user_id: str | None
    note: str | None
    created_by: str
    created_at: datetime
    removed_by: str | None
    removed_at: datetime | None

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    @property
    def describe(self) -> str:
        if self.kind is SuppressionKind.FINGERPRINT:
            return f"value {str(self.fingerprint)[:12]}… everywhere"
        return f"{self.detector} for user {self.user_id}"


@dataclass(frozen=True, slots=True)
class FindingState:
    """The triage status of one finding and the suppression that hides it, if any."""

    finding_id: str
    status: TriageStatus
    note: str | None
    actor: str | None
    updated_at: datetime | None
    suppression: Suppression | None

    @property
    def is_suppressed(self) -> bool:
        return self.suppression is not None


@dataclass(frozen=True, slots=True)
class TriageTables:
    """Arrow tables for DuckDB joins.

    `triage(finding_id, status, note, actor, updated_at)`;
    `suppressed_fingerprints(fingerprint, suppression_id)`;
    `suppressed_detector_users(detector, user_id, suppression_id)` (active rules only).
    """

    triage: pa.Table
    suppressed_fingerprints: pa.Table
    suppressed_detector_users: pa.Table

    @property
    def has_suppressions(self) -> bool:
        return bool(
            self.suppressed_fingerprints.num_rows or self.suppressed_detector_users.num_rows
        )

    def register(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Make the three tables queryable on `cursor` as `triage`, `sup_fp` and `sup_du`."""
        cursor.register("triage", self.triage)
        cursor.register("sup_fp", self.suppressed_fingerprints)
        cursor.register("sup_du", self.suppressed_detector_users)

    def marks_sql(self, key: str, findings: str = "findings") -> str | None:
        """SQL over `findings` (alias `f`) for the rows with a decision or a suppression.

        Selects `key` (e.g. `f.rowid as rid`), then `status`, `suppression_id`, `decided_by`,
        `decided_at`; the oldest active rule wins. None when nothing is marked. The one place
        suppression rules are matched to findings: the dashboard's marks and the published
        warehouse's triage columns both come from it. Needs `register(cursor)` first.
        """
        joins, marked = [], []
        status, decided_by, decided_at = "null::varchar", "null::varchar", "null::timestamptz"
        terms: list[str] = []
        if self.triage.num_rows:
            joins.append("left join triage t on t.finding_id = f.finding_id")
            status, decided_by, decided_at = "t.status", "t.actor", "t.updated_at"
            marked.append("t.status is not null")
        if self.suppressed_fingerprints.num_rows:
            joins.append("left join sup_fp on sup_fp.fingerprint = f.fingerprint")
            terms.append("sup_fp.suppression_id")
        if self.suppressed_detector_users.num_rows:
            joins.append(
                "left join sup_du on sup_du.detector = f.detector and sup_du.user_id = f.user_id"
            )
            terms.append("sup_du.suppression_id")
        if not joins:
            return None
        suppression = "null::bigint"
        if terms:
            suppression = terms[0] if len(terms) == 1 else f"coalesce({', '.join(terms)})"
            marked.append(f"{suppression} is not null")
        return (
            f"select {key}, {status} as status, {suppression} as suppression_id, "  # noqa: S608 - constant fragments
            f"{decided_by} as decided_by, {decided_at} as decided_at "
            f"from {findings} f {' '.join(joins)} where {' or '.join(marked)}"
        )


class TriageStore:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._audit = AuditLog(engine)

    def set_status(
        self,
        findings: Sequence[FindingRef],
        status: TriageStatus | str,
        *,
        actor: str,
        note: str | None = None,
        is_remediation: bool = False,
    ) -> int:
        """Set the status of every finding in one transaction; returns how many.

        `remediated` is refused unless `is_remediation` (the remediation service confirming
        a deletion it executed): nobody can mark a finding removed at the source by hand.
        """
        status = _status(status)
        if status is TriageStatus.REMEDIATED and not is_remediation:
            raise TriageError(
                "remediated is set when a remediation request is confirmed, not by hand: "
                "request removal instead (claude-compliance remediate request FINDING_ID)"
            )
        note = _note(note)
        if not findings:
            raise TriageError("no finding selected")
        now = datetime.now(UTC)
        ids = sorted({f.finding_id for f in findings})
        by_id = {f.finding_id: f for f in findings}
        with self._engine.begin() as conn:
            for chunk in in_batches(ids):
                conn.execute(triage_table.delete().where(triage_table.c.finding_id.in_(chunk)))
            conn.execute(
                triage_table.insert(),
                [
                    {
                        "finding_id": fid,
                        "fingerprint": by_id[fid].fingerprint,
                        "status": status.value,
                        "note": note,
                        "actor": actor,
                        "updated_at": now,
                    }
                    for fid in ids
                ],
            )
            conn.execute(
                triage_events_table.insert(),
                [
                    {
                        "finding_id": fid,
                        "status": status.value,
                        "note": note,
                        "actor": actor,
                        "created_at": now,
                    }
                    for fid in ids
                ],
            )
            self._audit.record(
                actor,
                "triage",
                ids[0] if len(ids) == 1 else f"{len(ids)} findings",
                {"status": status.value, "note": note, "finding_ids": ids[:200]},
                conn=conn,
            )
        return len(ids)

    def decisions(self, finding_ids: Iterable[str]) -> dict[str, Decision]:
        ids = sorted(set(finding_ids))
        result: dict[str, Decision] = {}
        with self._engine.connect() as conn:
            for chunk in in_batches(ids):
                rows = conn.execute(
                    sa.select(triage_table).where(triage_table.c.finding_id.in_(chunk))
                ).all()
                for row in rows:
                    result[row.finding_id] = _decision(row)
        return result

    def _decisions_as_of(self, finding_ids: Iterable[str], moment: datetime) -> dict[str, Decision]:
        events = triage_events_table
        ids = sorted(set(finding_ids))
        latest: dict[str, tuple[datetime, int, Decision]] = {}
        with self._engine.connect() as conn:
            for chunk in in_batches(ids):
                rows = conn.execute(
                    sa.select(events).where(
                        events.c.finding_id.in_(chunk), events.c.created_at <= moment
                    )
                ).all()
                for row in rows:
                    key = (row.created_at, int(row.event_id))
                    held = latest.get(row.finding_id)
                    if held is None or key > held[:2]:
                        latest[row.finding_id] = (*key, _decision(row, decided_at="created_at"))
        return {finding_id: held[2] for finding_id, held in latest.items()}

    def history(self, finding_id: str) -> list[Decision]:
        query = (
            sa.select(triage_events_table)
            .where(triage_events_table.c.finding_id == finding_id)
            .order_by(triage_events_table.c.event_id.desc())
        )
        with self._engine.connect() as conn:
            return [_decision(row, decided_at="created_at") for row in conn.execute(query)]

    # -- suppressions ---------------------------------------------------------------------

    def add_suppression(
        self,
        kind: SuppressionKind | str,
        *,
        actor: str,
        fingerprint: str | None = None,
        detector: str | None = None,
        user_id: str | None = None,
        note: str | None = None,
    ) -> Suppression:
        try:
            kind = SuppressionKind(kind)
        except ValueError:
            raise TriageError(f"unknown suppression kind {kind!r}") from None
        note = _note(note)
        if kind is SuppressionKind.FINGERPRINT:
            if not fingerprint or not _is_hex(fingerprint):
                raise TriageError("a fingerprint suppression needs the finding's fingerprint")
            detector = user_id = None
        else:
            if not detector or not user_id:
                raise TriageError("a detector + user suppression needs both")
            fingerprint = None
        with self._engine.begin() as conn:
            result = conn.execute(
                suppressions_table.insert().values(
                    kind=kind.value,
                    fingerprint=fingerprint,
                    detector=detector,
                    user_id=user_id,
                    note=note,
                    created_by=actor,
                    created_at=datetime.now(UTC),
                )
            )
            inserted = result.inserted_primary_key
            if inserted is None:  # pragma: no cover - every dialect we use returns it
                raise TriageError("the suppression was not stored")
            suppression_id = int(inserted[0])
            self._audit.record(
                actor,
                "suppression_add",
                f"suppression {suppression_id}",
                {
                    "kind": kind.value,
                    "fingerprint": fingerprint,
                    "detector": detector,
                    "user_id": user_id,
                    "note": note,
                },
                conn=conn,
            )
        return self.suppression(suppression_id)

    def remove_suppression(self, suppression_id: int, *, actor: str) -> Suppression:
        current = self.suppression(suppression_id)
        if not current.is_active:
            raise TriageError(f"suppression {suppression_id} was already removed")
        with self._engine.begin() as conn:
            conn.execute(
                suppressions_table.update()
                .where(suppressions_table.c.suppression_id == suppression_id)
                .values(removed_by=actor, removed_at=datetime.now(UTC))
            )
            self._audit.record(
                actor, "suppression_remove", f"suppression {suppression_id}", None, conn=conn
            )
        return self.suppression(suppression_id)

    def suppression(self, suppression_id: int) -> Suppression:
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(suppressions_table).where(
                    suppressions_table.c.suppression_id == suppression_id
                )
            ).first()
        if row is None:
            raise TriageError(f"no suppression {suppression_id}")
        return _suppression(row)

    def suppressions(self, *, include_removed: bool = False) -> list[Suppression]:
        query = sa.select(suppressions_table).order_by(suppressions_table.c.suppression_id.desc())
        if not include_removed:
            query = query.where(suppressions_table.c.removed_at.is_(None))
        with self._engine.connect() as conn:
            return [_suppression(row) for row in conn.execute(query)]

    def states(
        self, findings: Iterable[FindingRef], *, as_of: datetime | None = None
    ) -> dict[str, FindingState]:
        """Triage status and matching suppression of each finding, by finding id.

        With `as_of`, as they stood at that moment: the latest decision event at or before
        it and the rules active then, so a report of a past period re-runs the same.
        """
        refs = list(findings)
        ids = (r.finding_id for r in refs)
        if as_of is None:
            decisions = self.decisions(ids)
            rules = self.suppressions()
        else:
            decisions = self._decisions_as_of(ids, as_of)
            rules = [
                rule
                for rule in self.suppressions(include_removed=True)
                if rule.created_at <= as_of and (rule.removed_at is None or rule.removed_at > as_of)
            ]
        by_fingerprint: dict[str, Suppression] = {}
        by_detector_user: dict[tuple[str, str], Suppression] = {}
        for rule in reversed(rules):  # oldest first: the first rule wins
            if rule.kind is SuppressionKind.FINGERPRINT and rule.fingerprint:
                by_fingerprint.setdefault(rule.fingerprint, rule)
            elif rule.detector and rule.user_id:
                by_detector_user.setdefault((rule.detector, rule.user_id), rule)
        states = {}
        for ref in refs:
            decision = decisions.get(ref.finding_id)
            suppression = by_fingerprint.get(ref.fingerprint or "") or by_detector_user.get(
                (ref.detector or "", ref.user_id or "")
            )
            states[ref.finding_id] = FindingState(
                finding_id=ref.finding_id,
                status=decision.status if decision else TriageStatus.OPEN,
                note=decision.note if decision else None,
                actor=decision.actor if decision else None,
                updated_at=decision.updated_at if decision else None,
                suppression=suppression,
            )
        return states

    def version(self) -> tuple[object, ...]:
        """Changes whenever a decision or a rule does (cheap: two aggregate queries)."""
        with self._engine.connect() as conn:
            triage = conn.execute(
                sa.select(sa.func.count(), sa.func.max(triage_table.c.updated_at))
            ).one()
            rules = conn.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.max(suppressions_table.c.suppression_id),
                    sa.func.max(suppressions_table.c.removed_at),
                )
            ).one()
        return (*triage, *rules)

    def tables(self) -> TriageTables:
        with self._engine.connect() as conn:
            triage_rows = conn.execute(
                sa.select(
                    triage_table.c.finding_id,
                    triage_table.c.status,
                    triage_table.c.note,
                    triage_table.c.actor,
                    triage_table.c.updated_at,
                )
            ).all()
        fingerprints: dict[str, int] = {}
        detector_users: dict[tuple[str, str], int] = {}
        for rule in reversed(self.suppressions()):
            if rule.kind is SuppressionKind.FINGERPRINT and rule.fingerprint:
                fingerprints.setdefault(rule.fingerprint, rule.suppression_id)
            elif rule.detector and rule.user_id:
                detector_users.setdefault((rule.detector, rule.user_id), rule.suppression_id)
        return TriageTables(
            triage=pa.table(
                {
                    "finding_id": pa.array([r.finding_id for r in triage_rows], pa.string()),
                    "status": pa.array([r.status for r in triage_rows], pa.string()),
                    "note": pa.array([r.note for r in triage_rows], pa.string()),
                    "actor": pa.array([r.actor for r in triage_rows], pa.string()),
                    "updated_at": pa.array(
                        [r.updated_at for r in triage_rows], pa.timestamp("us", tz="UTC")
                    ),
                }
            ),
            suppressed_fingerprints=pa.table(
                {
                    "fingerprint": pa.array(list(fingerprints), pa.string()),
                    "suppression_id": pa.array(list(fingerprints.values()), pa.int64()),
                }
            ),
            suppressed_detector_users=pa.table(
                {
                    "detector": pa.array([k[0] for k in detector_users], pa.string()),
                    "user_id": pa.array([k[1] for k in detector_users], pa.string()),
                    "suppression_id": pa.array(list(detector_users.values()), pa.int64()),
                }
            ),
        )


def _status(value: TriageStatus | str) -> TriageStatus:
    try:
        return TriageStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in TriageStatus)
        raise TriageError(f"unknown triage status {value!r}: one of {allowed}") from None


def _note(note: str | None) -> str | None:
    if note is None:
        return None
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise TriageError(f"a note is at most {MAX_NOTE} characters")
    return note or None


def _is_hex(value: str) -> bool:
    return len(value) <= 128 and all(c in "0123456789abcdef" for c in value.lower())


def _decision(row: sa.Row[Any], decided_at: str = "updated_at") -> Decision:
    """A decision row; a `finding_triage_events` row names its time `created_at`."""
    return Decision(
        finding_id=row.finding_id,
        status=TriageStatus(row.status),
        note=row.note,
        actor=row.actor,
        updated_at=getattr(row, decided_at),
    )


def _suppression(row: sa.Row[Any]) -> Suppression:
    return Suppression(
        suppression_id=row.suppression_id,
        kind=SuppressionKind(row.kind),
        fingerprint=row.fingerprint,
        detector=row.detector,
        user_id=row.user_id,
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
        removed_by=row.removed_by,
        removed_at=row.removed_at,
    )
