"""Compliance sync: extract → scan → dbt build → publish → SIEM export, alerts and
remediation (policies → execute approved removals → confirm → notify users), one data
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

Safety nets: every task has an `execution_timeout` (a hung dbt build must not hold the single
`duckdb_writer` slot forever); extract retries with exponential back-off, but only failures a
later attempt can fix (an API outage that outlived the client's own retries, a lost worker,
not a bad or revoked key: `orchestration.is_retryable`); SIEM export and alerts retry the
same way; dbt build and publish retry once; `check_keys` fails the run on purpose and never
retries. Mapped tasks are named by their key in the UI (`map_index_template`). `publish`
updates the Asset `compliance_warehouse`, which other DAGs can be scheduled on.

Backfills: `claude-compliance run --start A --end B` syncs the daily intervals of [A, B); a
run of this DAG with logical date D processes [D, D + 1 day), and `airflow backfill create`'s
`--to-date` is inclusive, so the same partitions come from
`airflow backfill create --dag-id compliance_sync --from-date A --to-date <B - 1 day>`
(`airflow dags test compliance_sync D`, a manual run, processes [D - 1 day, D) instead, yet
holds logical date D, which a later backfill then skips). Backfill runs wait while the DAG is
paused: unpause it first.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task, task_group
from airflow.timetables.interval import CronDataIntervalTimetable

from claude_compliance.orchestration import PUBLISHED_WAREHOUSE_ASSET

# Retries for calls to other systems (the Compliance API, a SIEM, a webhook): 2, 4, 8 min.
NETWORK_RETRIES: dict[str, Any] = {
    "retries": 3,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
}


ACTOR = "dag:compliance_sync"


def _by_status(records: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        counts[record.status.value] = counts.get(record.status.value, 0) + 1
    return counts


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
    @task(retries=2, retry_delay=timedelta(seconds=30), execution_timeout=timedelta(minutes=5))
    def list_keys() -> list[str]:
        """The active (non-revoked) keys; a revoked key is never synced."""
        from claude_compliance.pipeline import active_key_ids
        from claude_compliance.settings import Settings

        return active_key_ids(Settings.from_env())

    @task(
        pool="compliance_api",
        execution_timeout=timedelta(hours=3),
        map_index_template="{{ key_id }}",
        **NETWORK_RETRIES,
    )
    def extract(key_id: str) -> dict[str, Any]:
        from airflow.sdk.exceptions import AirflowFailException
        from airflow.sdk.log import mask_secret

        from claude_compliance.orchestration import is_retryable
        from claude_compliance.pipeline import PipelineError
        from claude_compliance.pipeline import extract as extract_stage
        from claude_compliance.settings import Settings

        get_current_context()["key_id"] = key_id  # type: ignore[typeddict-unknown-key]
        try:
            summary = extract_stage(Settings.from_env(), key_id, _interval(), on_secret=mask_secret)
        except PipelineError as exc:
            if not is_retryable(exc):
                raise AirflowFailException(str(exc)) from None
            raise
        return {"key_id": key_id, "records": summary.records, "requests": summary.requests}

    @task(execution_timeout=timedelta(hours=2), map_index_template="{{ key_id }}")
    def scan(extracted: dict[str, Any]) -> dict[str, Any]:
        """Pure computation over the lake: a retry would fail the same way."""
        from claude_compliance.pipeline import scan as scan_stage
        from claude_compliance.settings import Settings

        get_current_context()["key_id"] = extracted["key_id"]  # type: ignore[typeddict-unknown-key]

        result = scan_stage(Settings.from_env(), extracted["key_id"], _interval())
        return {"key_id": extracted["key_id"], "inputs": result.inputs, "findings": result.findings}

    @task(
        pool="duckdb_writer",
        trigger_rule="all_done",
        execution_timeout=timedelta(hours=1),
        retries=1,
        retry_delay=timedelta(minutes=2),
    )
    def dbt_build() -> int:
        """Rebuild from whatever the keys' syncs produced, even if one key failed.

        One retry: a build can fail on a passing cause (the home's writer lock held past its
        timeout, a full disk freed); a failing model fails again and the retry costs little.
        """
        from claude_compliance.pipeline import build
        from claude_compliance.settings import Settings

        return build(Settings.from_env()).nodes

    @task(
        pool="duckdb_writer",
        execution_timeout=timedelta(minutes=15),
        retries=1,
        retry_delay=timedelta(minutes=1),
        outlets=[Asset(PUBLISHED_WAREHOUSE_ASSET)],
    )
    def publish(_nodes: int) -> str:
        from claude_compliance.pipeline import publish as publish_stage
        from claude_compliance.settings import Settings

        return str(publish_stage(Settings.from_env()))

    @task(
        execution_timeout=timedelta(minutes=30),
        map_index_template="{{ key_id }}",
        **NETWORK_RETRIES,
    )
    def siem_export(key_id: str, _published: str) -> int:
        """The interval's findings of one key to the SIEM (files and/or HEC / _bulk)."""
        from claude_compliance.reports.config import SiemConfig
        from claude_compliance.reports.siem import export_interval
        from claude_compliance.settings import Settings

        get_current_context()["key_id"] = key_id  # type: ignore[typeddict-unknown-key]

        settings, config = Settings.from_env(), SiemConfig.from_env()
        return export_interval(settings, key_id, _interval(), config=config).records

    @task(execution_timeout=timedelta(minutes=15), **NETWORK_RETRIES)
    def alerts(key_ids: list[str], _published: str) -> int:
        """New findings at or above the alert severity, once per fingerprint (a retry sends
        only what was not sent)."""
        from claude_compliance.reports.alerts import send_alerts
        from claude_compliance.reports.config import AlertConfig
        from claude_compliance.settings import Settings

        config = AlertConfig.from_env()
        result = send_alerts(Settings.from_env(), config=config, key_ids=key_ids)
        return sum(len(sent) for sent in result.sent.values())

    # Remediation after each publish: what the published warehouse now shows. One instance of
    # each step at a time across runs (`max_active_tis_per_dag`), so two runs never claim the
    # same request. Policies only request (an admin approves); `execute` deletes only what an
    # admin approved; `confirm` checks executed removals against what this sync saw.
    @task(execution_timeout=timedelta(minutes=15), max_active_tis_per_dag=1, retries=1)
    def apply_policies(_published: str) -> int:
        """Removal requests the policies call for (off unless configured); never executed
        before an admin approves them."""
        from claude_compliance.remediation.policies import apply_policies as apply
        from claude_compliance.settings import Settings

        return sum(len(run.requested) for run in apply(Settings.from_env()))

    @task(
        pool="compliance_api",
        trigger_rule="all_done",
        execution_timeout=timedelta(minutes=30),
        max_active_tis_per_dag=1,
        **NETWORK_RETRIES,
    )
    def execute_removals() -> dict[str, int]:
        """Delete every approved request; a failure is recorded on the request (and retried by
        the next run), a refusal names the key that could do it. Runs even when the policies
        or the publish failed: what an admin approved does not wait on either."""
        from airflow.sdk.log import mask_secret

        from claude_compliance.remediation import service
        from claude_compliance.settings import Settings

        done = service.execute(Settings.from_env(), actor=ACTOR, on_secret=mask_secret)
        return _by_status(done)

    @task(
        pool="compliance_api",
        execution_timeout=timedelta(minutes=30),
        max_active_tis_per_dag=1,
        **NETWORK_RETRIES,
    )
    def confirm_removals(_executed: dict[str, int]) -> dict[str, int]:
        """Executed requests whose object is gone and whose deletion activity this sync brought
        in become `confirmed`, their findings `remediated`."""
        from airflow.sdk.log import mask_secret

        from claude_compliance.remediation import service
        from claude_compliance.settings import Settings

        checked = service.confirm(Settings.from_env(), actor=ACTOR, on_secret=mask_secret)
        return _by_status(checked)

    @task(execution_timeout=timedelta(minutes=15), max_active_tis_per_dag=1, **NETWORK_RETRIES)
    def notify_users(_confirmed: dict[str, int]) -> int:
        """Tell each user whose input was removed (off unless configured); once per request."""
        from claude_compliance.remediation.notify import notify_confirmed
        from claude_compliance.settings import Settings

        return len(notify_confirmed(Settings.from_env()).notified)

    @task(trigger_rule="all_done", retries=0, execution_timeout=timedelta(minutes=5))
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
    executed = execute_removals()
    apply_policies(published) >> executed
    notify_users(confirm_removals(executed))
    # A second leaf: the run fails if a key failed, even though the warehouse was published.
    scanned >> check_keys(keys)


compliance_sync()
