"""The period's findings as CSV: masked previews and fingerprints, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from claude_compliance.reports.config import finding_link
from claude_compliance.reports.findings import FINDING_COLUMNS, FindingRow
from claude_compliance.reports.triage import TriageState, state_of

CSV_COLUMNS = (*FINDING_COLUMNS, "triage_status", "is_suppressed", "dashboard_url")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters a spreadsheet would evaluate (OWASP "CSV injection")."""


def findings_csv(
    rows: Sequence[FindingRow], states: Mapping[str, TriageState], dashboard_url: str
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        state = state_of(states, row.finding_id)
        values = [getattr(row, name) for name in FINDING_COLUMNS]
        values += [
            state.status.value,
            str(state.is_suppressed).lower(),
            finding_link(dashboard_url, row.finding_id),
        ]
        writer.writerow([cell(v) for v in values])
    return out.getvalue()


def cell(value: object) -> str:
    """One CSV cell: UTC ISO timestamps, and text a spreadsheet would run as a formula quoted.

    >>> cell("=HYPERLINK(1)"), cell("+81 •-••••-••75"), cell(None), cell(3)
    ("'=HYPERLINK(1)", "'+81 •-••••-••75", '', '3')
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.isoformat()
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text
