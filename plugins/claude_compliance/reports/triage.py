"""What reports, alerts and the export need to know about triage, as a small protocol.

Triage decisions (open / acknowledged / false_positive / resolved / remediated) and
suppression rules live in the state DB (`claude_compliance.state.triage`, which owns the one
triage model: `TriageStatus`, `FindingRef`, and the store that answers now or as of a
moment). This module names the one question the outputs ask of them — the state of these
findings at this moment — so a report can ask "as of the end of the period" and come
out the same when re-run later. `NoTriage` is the answer when nothing was triaged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa

from claude_compliance.state.triage import FindingRef, TriageStatus, TriageStore

__all__ = [
    "FindingRef",
    "NoTriage",
    "StateTriage",
    "TriageState",
    "TriageStatus",
    "TriageView",
    "refs_of",
    "state_of",
]


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
    """Triage from the state DB (`state.triage.TriageStore`), now or as of a past moment."""

    def __init__(self, engine: sa.Engine) -> None:
        self._store = TriageStore(engine)

    def states(
        self, findings: Sequence[FindingRef], *, as_of: datetime | None = None
    ) -> Mapping[str, TriageState]:
        if not findings:
            return {}
        moment = as_of.astimezone(UTC) if as_of is not None else None
        return {
            finding_id: TriageState(state.status, state.is_suppressed, state.updated_at)
            for finding_id, state in self._store.states(findings, as_of=moment).items()
            if state.updated_at is not None or state.is_suppressed  # the rest: UNTRIAGED
        }


def state_of(states: Mapping[str, TriageState], finding_id: str) -> TriageState:
    return states.get(finding_id, UNTRIAGED)


def refs_of(rows: Iterable[Any]) -> list[FindingRef]:
    """Refs of finding rows (anything with finding_id, fingerprint, detector, user_id)."""
    return [FindingRef(r.finding_id, r.fingerprint, r.detector, r.user_id) for r in rows]
