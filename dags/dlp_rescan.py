"""DLP rescan: re-scan stored raw data of a date range with the current rules, then rebuild.

Triggered by hand with params `start` / `end` (YYYY-MM-DD, end exclusive) and optionally
`key_id`. Every scan row carries the ruleset version, and the `findings_changes` mart lists
what the new rules added and removed. dbt build and publish hold the home's writer lock
(`claude_compliance.home_lock`), shared with `claude-compliance run` and `rescan`.

Every task has an `execution_timeout`; the rescan of one key × interval is named by both in
the UI (`map_index_template`) and, like the scan it repeats, does not retry (pure computation
over the lake fails the same way twice); dbt build and publish retry once. `publish` updates
the Asset `compliance_warehouse`, like compliance_sync's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task

from claude_compliance.orchestration import PUBLISHED_WAREHOUSE_ASSET


@dag(
    dag_id="dlp_rescan",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["compliance"],
    doc_md=__doc__,
    params={
        "start": Param(type="string", format="date", description="first day (YYYY-MM-DD)"),
        "end": Param(type="string", format="date", description="day after the last"),
        "key_id": Param(None, type=["null", "string"], description="only this key"),
    },
)
def dlp_rescan() -> None:
    @task(retries=2, retry_delay=timedelta(seconds=30), execution_timeout=timedelta(minutes=5))
    def list_intervals() -> list[dict[str, str]]:
        from datetime import date

        from claude_compliance.pipeline import active_key_ids, synced_intervals
        from claude_compliance.settings import Settings

        params = get_current_context()["params"]
        settings = Settings.from_env()
        start, end = date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
        only = [params["key_id"]] if params.get("key_id") else None
        return [
            {"key_id": key_id, "start": i.start.isoformat(), "end": i.end.isoformat()}
            for key_id in active_key_ids(settings, only)
            for i in synced_intervals(settings, key_id, start, end)
        ]

    @task(execution_timeout=timedelta(hours=2), map_index_template="{{ key_id }} {{ dt }}")
    def rescan(item: dict[str, str]) -> dict[str, Any]:
        from datetime import datetime

        from claude_compliance.lake.interval import Interval
        from claude_compliance.pipeline import scan
        from claude_compliance.settings import Settings

        context = get_current_context()
        context["key_id"] = item["key_id"]  # type: ignore[typeddict-unknown-key]
        context["dt"] = item["start"][:10]  # type: ignore[typeddict-unknown-key]

        interval = Interval(
            datetime.fromisoformat(item["start"]), datetime.fromisoformat(item["end"])
        )
        result = scan(Settings.from_env(), item["key_id"], interval)
        return {
            "inputs": result.inputs,
            "findings": result.findings,
            "rules": result.ruleset_version,
        }

    @task(
        pool="duckdb_writer",
        execution_timeout=timedelta(hours=1),
        retries=1,
        retry_delay=timedelta(minutes=2),
    )
    def dbt_build(_scans: list[dict[str, Any]]) -> int:
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

    publish(dbt_build(rescan.expand(item=list_intervals())))


dlp_rescan()
