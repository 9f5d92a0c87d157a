"""The `claude-compliance report` command: a period's HTML, PDF and CSV, emailed if configured."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from claude_compliance.settings import Settings


def add_parser_to(commands: Any) -> None:
    report = commands.add_parser(
        "report", help="HTML + PDF report and findings CSV for [start, end), emailed if configured"
    )
    report.add_argument("--start", required=True, type=_date, help="first day, YYYY-MM-DD")
    report.add_argument("--end", required=True, type=_date, help="day after the last, YYYY-MM-DD")
    report.add_argument("--no-pdf", action="store_true", help="skip the PDF (no Chromium needed)")
    report.add_argument(
        "--no-email", action="store_true", help="do not email it even if recipients are set"
    )
    report.add_argument("--json", action="store_true", help="print the result as JSON")
    report.set_defaults(handler=cmd_report)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _audit(
    settings: Settings, period: str, findings: int, directory: str, emailed: list[str]
) -> None:
    """A report copies findings into files and mailboxes: like the dashboard's exports, it
    goes to the audit log (who, which period, where it went)."""
    from claude_compliance import runtime
    from claude_compliance.keys.commands import actor
    from claude_compliance.state.audit import AuditLog

    detail = {"findings": findings, "directory": directory, "emailed_to": emailed}
    AuditLog(runtime.state_engine(settings)).record(actor(), "report", period, detail)


def cmd_report(args: argparse.Namespace) -> int:
    from claude_compliance.reports.config import ReportConfig
    from claude_compliance.reports.report import build_report, email_report
    from claude_compliance.settings import Settings

    settings = Settings.load()
    config = ReportConfig.from_env()
    result = build_report(settings, args.start, args.end, config=config, with_pdf=not args.no_pdf)
    emailed = [] if args.no_email else email_report(settings, result.period, config)
    counts = result.data.headline.findings
    _audit(settings, result.period.label, counts.total, str(result.directory), emailed)
    if args.json:
        print(
            json.dumps(
                {
                    "period": result.period.label,
                    "directory": str(result.directory),
                    "html": str(result.html_path),
                    "pdf": str(result.pdf_path) if result.pdf_path else None,
                    "csv": str(result.csv_path),
                    "summary": str(result.summary_path),
                    "findings": counts.total,
                    "emailed_to": emailed,
                },
                indent=2,
            )
        )
        return 0
    print(f"report for {result.period} (UTC): {counts.total:,} findings")
    print(
        "  by severity: "
        + ", ".join(
            f"{s.upper()} {getattr(counts, s):,}" for s in ("critical", "high", "medium", "low")
        )
    )
    print(f"  html:    {result.html_path}")
    print(f"  pdf:     {result.pdf_path or '(skipped)'}")
    print(f"  csv:     {result.csv_path}")
    print(f"  summary: {result.summary_path}")
    if emailed:
        print(f"  emailed to {', '.join(emailed)}")
    return 0
