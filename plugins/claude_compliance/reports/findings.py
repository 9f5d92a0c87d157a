"""Finding rows as every output carries them: masked preview and fingerprint, never the value.

The warehouse only ever holds masked previews (dbt tests it); `safe_preview` checks again at
the door, so a preview without a mask character never reaches a file, a webhook or a SIEM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from claude_compliance.reports.marts import records
from scanners.masking import BULLET, ELLIPSIS

MASK_CHARACTERS: tuple[str, ...] = (BULLET, ELLIPSIS, "*")
WITHHELD: str = BULLET * 3 + ELLIPSIS

FINDING_COLUMNS = (
    "finding_id",
    "key_id",
    "organization_uuid",
    "organization_name",
    "user_id",
    "user_email",
    "source",
    "source_id",
    "chat_id",
    "project_id",
    "occurred_at",
    "detector",
    "category",
    "severity",
    "start_offset",
    "end_offset",
    "redacted_match",
    "fingerprint",
    "confidence",
    "ruleset_version",
    "scanned_at",
    "session_id",
    "location",
)


@dataclass(frozen=True, slots=True)
class FindingRow:
    finding_id: str
    key_id: str
    organization_uuid: str | None
    organization_name: str | None
    user_id: str | None
    user_email: str | None
    source: str
    source_id: str
    chat_id: str | None
    project_id: str | None
    occurred_at: datetime | None
    detector: str
    category: str
    severity: str
    start_offset: int
    end_offset: int
    redacted_match: str
    fingerprint: str
    confidence: float | None
    ruleset_version: str
    scanned_at: datetime
    session_id: str | None = None
    location: str | None = None  # masked like any user text (sheet and member names)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> FindingRow:
        values = {name: record[name] for name in FINDING_COLUMNS}
        values["redacted_match"] = safe_preview(values["redacted_match"])
        return cls(**values)


def safe_preview(redacted: str | None) -> str:
    """The masked preview if it hides something, else a fixed placeholder."""
    if redacted and any(mark in redacted for mark in MASK_CHARACTERS):
        return redacted
    return WITHHELD


def load_findings(
    con: duckdb.DuckDBPyConnection, where: str, params: list[Any]
) -> list[FindingRow]:
    """Findings matching `where` (a SQL predicate over `findings`), oldest first."""
    select = ", ".join(FINDING_COLUMNS)
    sql = f"select {select} from findings where {where} order by occurred_at, finding_id"  # noqa: S608 - fixed column list; callers pass constant predicates with bound parameters
    return [FindingRow.from_record(r) for r in records(con, sql, params)]
