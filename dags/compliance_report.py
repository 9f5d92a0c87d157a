"""Compliance report: a period's HTML + PDF report and findings CSV, emailed when configured.

Weekly by default: the run at Monday 00:00 UTC reports the week before
(`CLAUDE_COMPLIANCE_REPORT_CRON`, any cron of a day or longer, e.g. `0 0 1 * *` monthly).
The period is the run's data interval in whole UTC days, so a re-run or a backfill of a past
period writes the same numbers to the same `reports/<start>_<end>/` folder. The first task
waits (rescheduling, up to 6 h) for compliance_sync to have synced every key to the period's
end; past that the report is written anyway and its completeness section shows the gap.
Recipients: `CLAUDE_COMPLIANCE_REPORT_EMAIL_TO`, sent through the Airflow SMTP connection
`CLAUDE_COMPLIANCE_SMTP_CONN_ID` (default `smtp_default`).
"""

from __future__ import annotations

import os
from typing import Any

import pendulum
from airflow.sdk import dag, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable


def _period() -> Any:
    from claude_compliance.reports.period import Period

    context = get_current_context()
    return Period.from_interval(context["data_interval_start"], context["data_interval_end"])


@dag(
    dag_id="compliance_report",
    schedule=CronDataIntervalTimetable(
        os.environ.get("CLAUDE_COMPLIANCE_REPORT_CRON") or "0 0 * * 1", timezone="UTC"
    ),
    start_date=pendulum.datetime(2026, 1, 5, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["compliance"],
    doc_md=__doc__,
)
def compliance_report() -> None:
    @task.sensor(poke_interval=600, timeout=6 * 3600, mode="reschedule", soft_fail=True)
    def wait_for_sync() -> bool:
        """The ledger shows every expected key synced to the period's end."""
        from claude_compliance.reports.report import sync_has_reached
        from claude_compliance.settings import Settings

        return sync_has_reached(Settings.from_env(), _period())

    @task(trigger_rule="none_failed")
    def render() -> dict[str, Any]:
        from claude_compliance.reports.report import build_report
        from claude_compliance.settings import Settings

        period = _period()
        result = build_report(Settings.from_env(), period.start, period.end)
        return {
            "directory": str(result.directory),
            "findings": result.findings,
            "render_s": round(result.render_s, 2),
            "pdf_s": round(result.pdf_s, 2),
        }

    @task
    def email(rendered: dict[str, Any]) -> list[str]:
        """Mail the stored report; a no-op when no recipient is configured."""
        from claude_compliance.reports.report import email_report
        from claude_compliance.settings import Settings

        return email_report(Settings.from_env(), _period())

    email(wait_for_sync() >> render())


compliance_report()
