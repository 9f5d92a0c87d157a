"""What reports, alerts and the export need to know about triage, as a small protocol.

Triage decisions (open / acknowledged / false_positive / resolved / remediated) and
suppression rules live in the state DB (`claude_compliance.state.triage`, which owns the one
`TriageStatus`). This module names the one question the outputs ask of them — the state of
these findings at this moment — so a report can ask "as of the end of the period" and come
out the same when re-run later. `NoTriage` is the answer when nothing was triaged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa

from claude_compliance.settings import Settings
from claude_compliance.state.triage import TriageStatus

__all__ = [
    "FindingRef",
    "NoTriage",
    "StateTriage",
    "TriageState",
    "TriageStatus",
    "TriageView",
    "refs_of",
    "state_of",
    "triage_view",
]

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class FindingRef:
    """What triage matches on: the finding, its value's fingerprint, detector and user."""

    finding_id: str
    fingerprint: str
    detector: str | None = None
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class TriageState:
    status: TriageStatus = TriageStatus.OPEN
    is_suppressed: bool = False
    decided_at: datetime | None = None
    """When the status in effect was set (None: never triaged)."""


UNTRIAGED = TriageState()


class TriageView(Protocol):
    def states(
        self, findings: Sequence[FindingRef], *, as_of: datetime | None = None
    ) -> Mapping[str, TriageState]:
        """The state of each finding, by finding id, as it stood at `as_of` (None: now).

        Findings missing from the answer are open and not suppressed.
        """
        ...


class NoTriage:
    """Everything open, nothing suppressed: the answer before anyone triaged anything."""

    def states(
        self, findings: Sequence[FindingRef], *, as_of: datetime | None = None
    ) -> Mapping[str, TriageState]:
        return {}


class StateTriage:
    """Triage from the state DB: the library's `finding_states` for now; for a moment in the
    past, the decision events and suppression rules as they stood then."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def states(
        self, findings: Sequence[FindingRef], *, as_of: datetime | None = None
    ) -> Mapping[str, TriageState]:
        if not findings:
            return {}
        if as_of is None:
            return self._now(findings)
        return self._as_of(findings, as_of.astimezone(UTC))

    def _now(self, findings: Sequence[FindingRef]) -> Mapping[str, TriageState]:
        from claude_compliance.state import triage

        refs = [
            triage.FindingRef(f.finding_id, f.fingerprint, f.detector, f.user_id) for f in findings
        ]
        return {
            finding_id: TriageState(
                status=TriageStatus(state.status.value),
                is_suppressed=state.is_suppressed,
                decided_at=state.updated_at,
            )
            for finding_id, state in triage.finding_states(self._settings, refs).items()
        }

    def _as_of(self, findings: Sequence[FindingRef], moment: datetime) -> Mapping[str, TriageState]:
        from claude_compliance import runtime
        from claude_compliance.state.schema import suppressions_table, triage_events_table

        events = triage_events_table
        rules = suppressions_table
        ids = sorted({f.finding_id for f in findings})
        latest: dict[str, tuple[datetime, int, str]] = {}
        engine = runtime.state_engine(self._settings)
        with engine.connect() as conn:
            for chunk in _chunks(ids):
                rows = conn.execute(
                    sa.select(
                        events.c.finding_id, events.c.status, events.c.created_at, events.c.event_id
                    ).where(events.c.finding_id.in_(chunk))
                ).all()
                for row in rows:
                    at = row.created_at
                    if at > moment:
                        continue
                    key = (at, int(row.event_id), str(row.status))
                    if row.finding_id not in latest or key > latest[row.finding_id]:
                        latest[row.finding_id] = key
            active = [
                row
                for row in conn.execute(sa.select(rules)).all()
                if row.created_at <= moment and (row.removed_at is None or row.removed_at > moment)
            ]
        fingerprints = {row.fingerprint for row in active if row.fingerprint}
        detector_users = {(row.detector, row.user_id) for row in active if row.detector}
        result: dict[str, TriageState] = {}
        for ref in findings:
            decided = latest.get(ref.finding_id)
            is_suppressed = ref.fingerprint in fingerprints or (
                (ref.detector, ref.user_id) in detector_users
            )
            if decided is None and not is_suppressed:
                continue
            result[ref.finding_id] = TriageState(
                status=TriageStatus(decided[2]) if decided else TriageStatus.OPEN,
                is_suppressed=is_suppressed,
                decided_at=decided[0] if decided else None,
            )
        return result


def triage_view(settings: Settings) -> TriageView:
    """The installation's triage source: the state DB."""
    return StateTriage(settings)


def state_of(states: Mapping[str, TriageState], finding_id: str) -> TriageState:
    return states.get(finding_id, UNTRIAGED)


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def refs_of(rows: Iterable[Any]) -> list[FindingRef]:
    """Refs of finding rows (anything with finding_id, fingerprint, detector, user_id)."""
    return [FindingRef(r.finding_id, r.fingerprint, r.detector, r.user_id) for r in rows]
