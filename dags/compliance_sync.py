"""Compliance sync: extract → scan → dbt build → publish → SIEM export and alerts, one data
interval per run.

Runs daily by default (`CLAUDE_COMPLIANCE_SYNC_CRON`, e.g. `0 * * * *` for hourly alerts);
the partition comes from `data_interval_start`, so scheduled runs, re-runs and
`airflow backfill create` all write the same layout. One mapped extract and scan per active
key: a failing key is marked `sync_error` and does not stop the others, the warehouse is
rebuilt from what succeeded, and a check fails the run naming the failed keys.
Tasks pass key ids and counts, never key material; decrypted keys are masked in task logs.
dbt build and publish hold the home's writer lock (`claude_compliance.home_lock`), shared
with `claude-compliance run` and `rescan`; the build first checks every lake file against its
manifest, quarantines a damaged one and fails naming it (`pipeline.repair_lake`).
"""

from __future__ import annotations

import os
from typing import Any

import pendulum
from airflow.sdk import dag, get_current_context, task, task_group
from airflow.timetables.interval import CronDataIntervalTimetable


def _interval() -> Any:
    from claude_compliance.lake.interval import Interval

    context = get_current_context()
    return Interval(context["data_interval_start"], context["data_interval_end"])


@dag(
    dag_id="compliance_sync",
    schedule=CronDataIntervalTimetable(
        os.environ.get("CLAUDE_COMPLIANCE_SYNC_CRON") or "0 0 * * *", timezone="UTC"
    ),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=4,
    tags=["compliance"],
    doc_md=__doc__,
)
def compliance_sync() -> None:
    @task
    def list_keys() -> list[str]:
        """The active (non-revoked) keys; a revoked key is never synced."""
        from claude_compliance.pipeline import active_key_ids
        from claude_compliance.settings import Settings

        return active_key_ids(Settings.from_env())

    @task(pool="compliance_api")
    def extract(key_id: str) -> dict[str, Any]:
        from airflow.sdk.log import mask_secret

        from claude_compliance.pipeline import extract as extract_stage
        from claude_compliance.settings import Settings

        summary = extract_stage(Settings.from_env(), key_id, _interval(), on_secret=mask_secret)
        return {"key_id": key_id, "records": summary.records, "requests": summary.requests}

    @task
    def scan(extracted: dict[str, Any]) -> dict[str, Any]:
        from claude_compliance.pipeline import scan as scan_stage
        from claude_compliance.settings import Settings

        result = scan_stage(Settings.from_env(), extracted["key_id"], _interval())
        return {"key_id": extracted["key_id"], "inputs": result.inputs, "findings": result.findings}

    @task(pool="duckdb_writer", trigger_rule="all_done")
    def dbt_build() -> int:
        """Rebuild from whatever the keys' syncs produced, even if one key failed."""
        from claude_compliance.pipeline import build
        from claude_compliance.settings import Settings

        return build(Settings.from_env()).nodes

    @task(pool="duckdb_writer")
    def publish(_nodes: int) -> str:
        from claude_compliance.pipeline import publish as publish_stage
        from claude_compliance.settings import Settings

        return str(publish_stage(Settings.from_env()))

    @task
    def siem_export(key_id: str, _published: str) -> int:
        """The interval's findings of one key to the SIEM (files and/or HEC / _bulk)."""
        from claude_compliance.reports.siem import export_interval
        from claude_compliance.settings import Settings

        return export_interval(Settings.from_env(), key_id, _interval()).records

    @task
    def alerts(key_ids: list[str], _published: str) -> int:
        """New findings at or above the alert severity, once per fingerprint."""
        from claude_compliance.reports.alerts import send_alerts
        from claude_compliance.settings import Settings

        result = send_alerts(Settings.from_env(), key_ids=key_ids)
        return sum(len(sent) for sent in result.sent.values())

    @task(trigger_rule="all_done")
    def check_keys(key_ids: list[str]) -> None:
        """Fail the run, loudly and by key, if any key's sync failed in this run."""
        from claude_compliance.pipeline import PipelineError, failed_keys_since
        from claude_compliance.settings import Settings

        started = get_current_context()["dag_run"].start_date
        failed = failed_keys_since(Settings.from_env(), key_ids, started)
        if failed:
            raise PipelineError(
                "; ".join(f"key {key}: {error}" for key, error in sorted(failed.items()))
            )

    @task_group
    def sync_key(key_id: str) -> Any:
        """One key's extract → scan; mapped per key, so each key's chain stands alone."""
        return scan(extract(key_id))

    keys = list_keys()
    scanned = sync_key.expand(key_id=keys)
    built = dbt_build()
    scanned >> built
    published = publish(built)
    siem_export.partial(_published=published).expand(key_id=keys)
    alerts(keys, published)
    # A second leaf: the run fails if a key failed, even though the warehouse was published.
    scanned >> check_keys(keys)


compliance_sync()
