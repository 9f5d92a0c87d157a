"""A small client of Airflow 3's REST API (`/api/v2`): health, DAGs, runs, backfills.

What the launchers and the deploy tests need, and what an operator scripts against a
deployment: every call is bounded by a timeout, and every wait by a deadline.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

TERMINAL_RUN_STATES = frozenset({"success", "failed"})
COMPONENTS = ("metadatabase", "scheduler", "dag_processor", "triggerer")


class AirflowAPIError(RuntimeError):
    """A call failed or a wait ran out; the message has the method, path and answer."""


def is_healthy(base_url: str, components: tuple[str, ...] = COMPONENTS) -> bool:
    """Whether the API server answers and reports every named component healthy."""
    try:
        response = httpx.get(f"{base_url}/api/v2/monitor/health", timeout=5.0)
    except httpx.HTTPError:
        return False
    if response.status_code != 200:
        return False
    body = response.json()
    return all((body.get(name) or {}).get("status") == "healthy" for name in components)


class AirflowAPI:
    """An authenticated session: `AirflowAPI.login(url, user, password)`."""

    def __init__(self, base_url: str, token: str, *, timeout_s: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout_s,
        )

    def __repr__(self) -> str:
        return f"AirflowAPI({self.base_url!r})"

    @classmethod
    def login(cls, base_url: str, username: str, password: str) -> AirflowAPI:
        response = httpx.post(
            f"{base_url.rstrip('/')}/auth/token",
            json={"username": username, "password": password},
            timeout=30.0,
        )
        if response.status_code not in (200, 201):
            raise AirflowAPIError(f"POST /auth/token: {response.status_code} {response.text[:300]}")
        return cls(base_url, str(response.json()["access_token"]))

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> AirflowAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(
        self, method: str, path: str, *, json: Mapping[str, Any] | None = None, ok: int = 200
    ) -> Any:
        response = self._client.request(method, f"/api/v2{path}", json=json)
        if response.status_code != ok:
            raise AirflowAPIError(
                f"{method} /api/v2{path}: {response.status_code} {response.text[:500]}"
            )
        return response.json() if response.content else None

    # -- DAGs ------------------------------------------------------------------------------

    def wait_for_dag(self, dag_id: str, *, timeout_s: float = 180.0) -> dict[str, Any]:
        """The DAG once the dag-processor has parsed it (import errors fail at once)."""
        deadline = time.monotonic() + timeout_s
        while True:
            response = self._client.get(f"/api/v2/dags/{dag_id}")
            if response.status_code == 200:
                body: dict[str, Any] = response.json()
                return body
            errors = self.call("GET", "/importErrors")
            if errors.get("total_entries"):
                raise AirflowAPIError(f"DAG import errors: {errors['import_errors']}")
            if time.monotonic() > deadline:
                raise AirflowAPIError(f"DAG {dag_id} not parsed after {timeout_s:.0f}s")
            time.sleep(2.0)

    def set_paused(self, dag_id: str, is_paused: bool) -> None:
        self.call("PATCH", f"/dags/{dag_id}", json={"is_paused": is_paused})

    # -- runs ------------------------------------------------------------------------------

    def trigger(self, dag_id: str, start: datetime, end: datetime, run_id: str) -> dict[str, Any]:
        """A manual run of the data interval `[start, end)` (logical date = start)."""
        body = {
            "dag_run_id": run_id,
            "logical_date": start.isoformat(),
            "data_interval_start": start.isoformat(),
            "data_interval_end": end.isoformat(),
            "conf": {},
        }
        result: dict[str, Any] = self.call("POST", f"/dags/{dag_id}/dagRuns", json=body)
        return result

    def backfill(self, dag_id: str, start: datetime, end: datetime) -> dict[str, Any]:
        """`airflow backfill create` over the REST API: one run per interval in [start, end)."""
        body = {
            "dag_id": dag_id,
            "from_date": start.isoformat(),
            "to_date": end.isoformat(),
            "reprocess_behavior": "none",
            "max_active_runs": 4,
        }
        result: dict[str, Any] = self.call("POST", "/backfills", json=body)
        return result

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        body = self.call("GET", f"/dags/{dag_id}/dagRuns?limit=100&order_by=logical_date")
        runs: list[dict[str, Any]] = body["dag_runs"]
        return runs

    def wait_for_runs(
        self, dag_id: str, run_ids: set[str], *, timeout_s: float
    ) -> dict[str, dict[str, Any]]:
        """Each run once it has finished (success or failed), keyed by run id."""
        deadline = time.monotonic() + timeout_s
        while True:
            runs = {r["dag_run_id"]: r for r in self.runs(dag_id) if r["dag_run_id"] in run_ids}
            done = {k: r for k, r in runs.items() if r["state"] in TERMINAL_RUN_STATES}
            if len(done) == len(run_ids):
                return done
            if time.monotonic() > deadline:
                states = {k: r["state"] for k, r in runs.items()}
                raise AirflowAPIError(
                    f"runs of {dag_id} not finished after {timeout_s:.0f}s: {states}"
                )
            time.sleep(3.0)

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        body = self.call("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=100")
        tis: list[dict[str, Any]] = body["task_instances"]
        return tis
