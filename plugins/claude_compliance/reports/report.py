"""A period report: `reports/<start>_<end>/` with report.html, report.pdf, findings.csv and
summary.json (every number of the report), replaced as a whole when the period is re-run."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from claude_compliance.reports import render
from claude_compliance.reports.config import ReportConfig
from claude_compliance.reports.errors import ReportError
from claude_compliance.reports.findings import load_findings
from claude_compliance.reports.findings_csv import findings_csv
from claude_compliance.reports.mail import send_email
from claude_compliance.reports.marts import has_table, open_marts
from claude_compliance.reports.metrics import IN_PERIOD, LEDGER_OK_STATUSES, ReportData, compute
from claude_compliance.reports.pdf import print_pdf
from claude_compliance.reports.period import Period
from claude_compliance.reports.triage import NoTriage, StateTriage, TriageView, refs_of
from claude_compliance.settings import Settings

HTML_NAME = "report.html"
PDF_NAME = "report.pdf"
CSV_NAME = "findings.csv"
SUMMARY_NAME = "summary.json"


@dataclass(frozen=True, slots=True)
class ReportResult:
    period: Period
    directory: Path
    html_path: Path
    pdf_path: Path | None
    csv_path: Path
    summary_path: Path
    data: ReportData
    render_s: float
    pdf_s: float

    @property
    def findings(self) -> int:
        return self.data.headline.findings.total


def build_report(
    settings: Settings,
    start: date,
    end: date,
    *,
    config: ReportConfig,
    triage: TriageView | None = None,
    with_pdf: bool = True,
    now: datetime | None = None,
) -> ReportResult:
    """Compute, render and store the report of `[start, end)`; returns where it went.

    `now` only stamps the footer: the numbers depend on the period alone.
    """
    from claude_compliance import runtime

    view = triage if triage is not None else StateTriage(runtime.state_engine(settings))
    period = Period(start, end)
    generated_at = now or datetime.now(UTC)
    began = time.perf_counter()
    expected, labels = _keys(settings, period)
    with open_marts(settings) as con:
        data = compute(con, period, triage=view, expected_keys=expected)
        rows = load_findings(con, IN_PERIOD, [period.start_at, period.end_at])
    states = view.states(refs_of(rows), as_of=period.end_at)
    html = render.report_html(
        data,
        generated_at=generated_at,
        key_labels=labels,
        triage_available=not isinstance(view, NoTriage),
    )
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    staging = settings.reports_dir / f".{period.label}.{uuid.uuid4().hex}.tmp"
    staging.mkdir()
    try:
        (staging / HTML_NAME).write_text(html, encoding="utf-8")
        (staging / CSV_NAME).write_text(
            findings_csv(rows, states, config.dashboard_url), encoding="utf-8"
        )
        (staging / SUMMARY_NAME).write_text(
            json.dumps(data.as_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        render_s = time.perf_counter() - began
        pdf_began = time.perf_counter()
        if with_pdf:
            print_pdf(config.chromium, staging / HTML_NAME, staging / PDF_NAME)
        pdf_s = time.perf_counter() - pdf_began if with_pdf else 0.0
        directory = _swap_in(staging, settings.reports_dir / period.label)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ReportResult(
        period=period,
        directory=directory,
        html_path=directory / HTML_NAME,
        pdf_path=directory / PDF_NAME if with_pdf else None,
        csv_path=directory / CSV_NAME,
        summary_path=directory / SUMMARY_NAME,
        data=data,
        render_s=render_s,
        pdf_s=pdf_s,
    )


def email_report(settings: Settings, period: Period, config: ReportConfig) -> list[str]:
    """Email the stored report of `period` to `CLAUDE_COMPLIANCE_REPORT_EMAIL_TO`, if set.

    The body summarises `summary.json`; the PDF (or the HTML when there is none) and the CSV
    are attached. Returns the recipients (none: not configured).
    """
    if not config.email_to:
        return []
    directory = settings.reports_dir / period.label
    summary_path = directory / SUMMARY_NAME
    if not summary_path.exists():
        raise ReportError(f"no report stored for {period} at {directory}: build it first")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    findings = summary["headline"]["findings"]
    previous = summary["headline"]["previous_findings"]
    total, previous_total = sum(findings.values()), sum(previous.values())
    body = render.render(
        "email_report.html",
        period=period,
        summary=summary,
        total=total,
        change=render.delta(total, previous_total),
    )
    subject = (
        f"Claude Compliance report {period}: {total:,} findings ({findings['critical']:,} CRITICAL)"
    )
    pdf = directory / PDF_NAME
    send_email(
        config.smtp_conn_id,
        config.email_to,
        subject,
        body,
        files=[pdf if pdf.exists() else directory / HTML_NAME, directory / CSV_NAME],
        sender=config.email_from,
    )
    return list(config.email_to)


def sync_has_reached(settings: Settings, period: Period) -> bool:
    """Whether every key expected in the period has synced up to its end (per the ledger).

    True when the warehouse has no ledger to tell, so the report is never held back forever;
    the report's completeness section then says what is missing.
    """
    expected, _ = _keys(settings, period)
    if not expected:
        return True
    with open_marts(settings) as con:
        if not has_table(con, "sync_ledger"):
            return True
        rows = con.execute(
            "select key_id, max(interval_end) from sync_ledger "
            "where list_contains(?, status) group by key_id",
            [list(LEDGER_OK_STATUSES)],
        ).fetchall()
    reached = {key_id: end for key_id, end in rows}
    return all(k in reached and reached[k] >= period.end_at for k in expected)


def _keys(settings: Settings, period: Period) -> tuple[Sequence[str], Mapping[str, str]]:
    """Keys expected to sync the period (all but those revoked before it began, whenever
    they were registered: backfills sync the past), and a label for every registered key."""
    from claude_compliance import runtime

    records = runtime.key_store(settings).all()
    labels = {r.key_id: f"{r.name} ({r.key_id})" for r in records}
    expected = [
        r.key_id
        for r in records
        if not (r.revoked_at is not None and r.revoked_at.astimezone(UTC) <= period.start_at)
    ]
    return expected, labels


def _swap_in(staging: Path, target: Path) -> Path:
    """Replace `target` by `staging`; readers see the old report or the new, never a mix."""
    retired = target.with_name(f".{target.name}.{uuid.uuid4().hex}.old")
    if target.exists():
        os.replace(target, retired)
    os.replace(staging, target)
    shutil.rmtree(retired, ignore_errors=True)
    return target
