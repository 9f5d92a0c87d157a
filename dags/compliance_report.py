"""Compliance report: a period's HTML + PDF report and findings CSV, emailed when configured.

Weekly by default: the run at Monday 00:00 UTC reports the week before
(`CLAUDE_COMPLIANCE_REPORT_CRON`, any cron of a day or longer, e.g. `0 0 1 * *` monthly).
The period is the run's data interval in whole UTC days, so a re-run or a backfill of a past
period writes the same numbers to the same `reports/<start>_<end>/` folder. The first task
waits for compliance_sync to have synced every key to the period's end: it releases its
worker slot between checks (`mode="reschedule"`, every 5 min, backing off to 30 min), gives
up after 6 h (the report is then written anyway and its completeness section shows the
gap), and SIGTERM ends it at once, `airflow dags test` included.
Recipients: `CLAUDE_COMPLIANCE_REPORT_EMAIL_TO`, sent through the Airflow SMTP connection
`CLAUDE_COMPLIANCE_SMTP_CONN_ID` (default `smtp_default`, plain SMTP on localhost:25).

Schedule: a cron, not the Asset `compliance_warehouse` that every publish updates. A report
covers a fixed period (its data interval in whole days); an asset-triggered run (or an
asset-or-time schedule's) would get the span between asset events as its interval, a
different period on every publish. The asset is the report's inlet (lineage in the UI), and
a DAG that should follow each publish can use `schedule=[Asset("compliance_warehouse")]`.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable

from claude_compliance.orchestration import PUBLISHED_WAREHOUSE_ASSET


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
    @task.sensor(
        mode="reschedule",
        poke_interval=timedelta(minutes=5),
        exponential_backoff=True,
        max_wait=timedelta(minutes=30),
        timeout=timedelta(hours=6),
        soft_fail=True,
        execution_timeout=timedelta(minutes=5),
    )
    def wait_for_sync() -> bool:
        """The ledger shows every expected key synced to the period's end."""
        from claude_compliance.orchestration import stop_on_sigterm
        from claude_compliance.reports.report import sync_has_reached
        from claude_compliance.settings import Settings

        stop_on_sigterm()

        return sync_has_reached(Settings.from_env(), _period())

    @task(
        trigger_rule="none_failed",
        inlets=[Asset(PUBLISHED_WAREHOUSE_ASSET)],
        execution_timeout=timedelta(minutes=30),
        retries=1,
        retry_delay=timedelta(minutes=2),
    )
    def render() -> dict[str, Any]:
        from claude_compliance.reports.config import ReportConfig
        from claude_compliance.reports.report import build_report
        from claude_compliance.settings import Settings

        period = _period()
        result = build_report(
            Settings.from_env(), period.start, period.end, config=ReportConfig.from_env()
        )
        return {
            "directory": str(result.directory),
            "findings": result.findings,
            "render_s": round(result.render_s, 2),
            "pdf_s": round(result.pdf_s, 2),
        }

    @task(
        execution_timeout=timedelta(minutes=10),
        retries=3,
        retry_delay=timedelta(minutes=2),
        retry_exponential_backoff=2.0,
        max_retry_delay=timedelta(minutes=30),
    )
    def email(rendered: dict[str, Any]) -> list[str]:
        """Mail the stored report; a no-op when no recipient is configured."""
        from claude_compliance.reports.config import ReportConfig
        from claude_compliance.reports.report import email_report
        from claude_compliance.settings import Settings

        return email_report(Settings.from_env(), _period(), ReportConfig.from_env())

    email(wait_for_sync() >> render())


compliance_report()
