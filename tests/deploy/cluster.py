"""Scale out without Docker, for the scale-out test: the compose file's Airflow services as
processes on this host.

`up` starts what `docker compose up --scale airflow-worker=N` starts (airflow-init, then the
api-server, scheduler, dag-processor, triggerer and N `airflow celery worker`s) with the
environment `docker-compose.yaml` gives each of those containers, interpolated from an
operator's `.env` variables. Only what names a container's host or path is replaced by its
counterpart here (`HOST_SPECIFIC`): the PostgreSQL and Redis URLs, the API server's URL, the
project's folders, the ports two workers on one host would share, and each worker's name
(containers get distinct hostnames, processes on one host do not). Every server runs in its
own process group (`deploy.processes`), so `processes.stop_all` leaves none behind.
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from deploy import processes
from deploy.airflow_api import is_healthy
from deploy.compose import AIRFLOW_SERVICES, COMPOSE_FILE, REPO, interpolate
from deploy.local import Layout, bin_dir, run_init
from tests.deploy.support import free_port

SIMPLE_AUTH_MANAGER = (
    "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
)
CELERY_APP = "airflow.providers.celery.executors.celery_executor.app"

# The settings whose compose value names a container's host or path, each replaced by its
# counterpart on this host. Every other key of a service's environment is passed as
# docker-compose.yaml gives it (tests/deploy/test_cluster.py checks the running processes).
HOST_SPECIFIC = frozenset(
    {
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        "AIRFLOW__CELERY__RESULT_BACKEND",
        "AIRFLOW__CELERY__BROKER_URL",
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE",
        "AIRFLOW__API__BASE_URL",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
        "AIRFLOW__CORE__DAGS_FOLDER",
        "AIRFLOW__CORE__PLUGINS_FOLDER",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER",
        "CLAUDE_COMPLIANCE_HOME",
        "CLAUDE_COMPLIANCE_DBT_PROJECT_DIR",
        "CLAUDE_COMPLIANCE_STATE_DB",
        "CLAUDE_COMPLIANCE_MASTER_KEY_FILE",
    }
)
# Added on this host only: where Airflow lives, the ports, and the auth manager when the FAB
# provider (in the official image) is not installed here.
HOST_ONLY = frozenset(
    {
        "AIRFLOW_HOME",
        "AIRFLOW__API__HOST",
        "AIRFLOW__API__PORT",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT",
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT",
        "AIRFLOW__CORE__AUTH_MANAGER",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC",
        "PATH",
    }
)

_RECEIVED = re.compile(r"Task (?P<task>[\w.]+)\[(?P<id>[0-9a-f-]{36})\] received")


@dataclass(frozen=True, slots=True)
class HostConfig:
    """This host's counterparts of the compose file's containers."""

    airflow_db: str
    state_db: str
    broker: str
    home: Path
    port: int
    master_key_file: Path
    """The host file behind compose's `master_key` secret (/run/secrets/master_key there)."""
    queue: str = "default"
    tag: str = "local"
    """Tells this launch's workers from any other on the same broker (Celery names are global)."""
    hostname: str = socket.gethostname()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def result_backend(self) -> str:
        """Celery's result backend: the metadata DB, as in the compose file (`db+` URL)."""
        return "db+" + self.airflow_db

    def worker_name(self, number: int) -> str:
        return f"worker-{number}.{self.tag}@{self.hostname}"


def compose_environments(
    variables: Mapping[str, str], compose_file: Path = COMPOSE_FILE
) -> dict[str, dict[str, str]]:
    """Each Airflow service's environment from the compose file, host-specific keys left out.

    Interpolated from `variables` as Compose would (a required secret that is missing fails
    with the file's own message); the host-specific values are never interpolated, so the
    containers' database passwords are not needed here.
    """
    raw = yaml.safe_load(compose_file.read_text(encoding="utf-8"))
    result = {}
    for service in ("airflow-init", *AIRFLOW_SERVICES):
        environment = raw["services"][service]["environment"]
        result[service] = {
            key: str(interpolate(value, variables))
            for key, value in environment.items()
            if key not in HOST_SPECIFIC
        }
    return result


def compose_command(service: str, compose_file: Path = COMPOSE_FILE) -> list[str]:
    """The `airflow …` command line of a service (its compose `command` after the entrypoint)."""
    raw = yaml.safe_load(compose_file.read_text(encoding="utf-8"))
    command = raw["services"][service]["command"]
    parts = command.split() if isinstance(command, str) else [str(p) for p in command]
    return [str(bin_dir() / "airflow"), *parts]


def host_environment(
    compose_env: Mapping[str, str],
    host: HostConfig,
    layout: Layout,
    base: Mapping[str, str],
    ports: Mapping[str, int],
) -> dict[str, str]:
    """A service's environment on this host: the compose settings plus the host's values."""
    # As in the containers, nothing of the host's Airflow or Compliance settings gets in: the
    # master key, for one, comes only from the `master_key` secret's file.
    env = {k: v for k, v in base.items() if not k.startswith(("AIRFLOW", "CLAUDE_COMPLIANCE_"))}
    env.update(compose_env)
    env.update(
        {
            "PATH": f"{bin_dir()}{os.pathsep}{base.get('PATH', '')}",
            "AIRFLOW_HOME": str(layout.airflow_home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": host.airflow_db,
            "AIRFLOW__CELERY__RESULT_BACKEND": host.result_backend(),
            "AIRFLOW__CELERY__BROKER_URL": host.broker,
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": host.queue,
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(host.port),
            "AIRFLOW__API__BASE_URL": host.base_url,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{host.base_url}/execution/",
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(layout.airflow_home / "logs"),
            "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(ports["scheduler"]),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(ports["triggerer"]),
            "CLAUDE_COMPLIANCE_HOME": str(host.home),
            "CLAUDE_COMPLIANCE_DBT_PROJECT_DIR": str(REPO / "dbt_project"),
            "CLAUDE_COMPLIANCE_STATE_DB": host.state_db,
            "CLAUDE_COMPLIANCE_MASTER_KEY_FILE": str(host.master_key_file),
        }
    )
    if importlib.util.find_spec("asyncpg") is None and host.airflow_db.startswith("postgresql"):
        # Airflow 3 opens an asyncpg engine beside psycopg2 for a few API endpoints (the
        # image has asyncpg; a venv without it fails at start). Empty = no async engine.
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"] = ""
    if importlib.util.find_spec("airflow.providers.fab") is None:
        env["AIRFLOW__CORE__AUTH_MANAGER"] = SIMPLE_AUTH_MANAGER
        env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] = "admin:admin"
    return env


def celery_ping(
    env: Mapping[str, str], names: Sequence[str], *, timeout_s: float = 60.0
) -> set[str]:
    """The workers among `names` that answer Celery's ping (the compose healthcheck)."""
    try:
        proc = subprocess.run(
            [
                str(bin_dir() / "celery"),
                "--app",
                CELERY_APP,
                "inspect",
                "ping",
                "--timeout",
                "5",
                "-d",
                ",".join(names),
            ],
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return set()
    return {name for name in names if f"{name}: OK" in proc.stdout}


@dataclass(frozen=True, slots=True)
class Cluster:
    """What `up` started: the workers' Celery names, and the seconds each stage took."""

    workers: tuple[str, ...]
    timings: dict[str, float]


def up(
    host: HostConfig,
    layout: Layout,
    variables: Mapping[str, str],
    base: Mapping[str, str],
    *,
    workers: int,
    timeout_s: float = 300.0,
) -> Cluster:
    """Start the services, wait until Airflow is healthy and every worker answers Celery's ping.

    `variables` are what Compose interpolates the file with (an operator's `.env`); `base` is
    the rest of the processes' environment (PATH, HOME). On failure everything started is
    stopped and LaunchError carries each server's log tail.
    """
    environments = compose_environments(variables)
    ports = {"scheduler": free_port(), "triggerer": free_port()}

    def env_of(service: str, **extra: str) -> dict[str, str]:
        return {**host_environment(environments[service], host, layout, base, ports), **extra}

    names = tuple(host.worker_name(number) for number in range(1, workers + 1))
    timings: dict[str, float] = {}
    try:
        started = time.monotonic()
        run_init(env_of("airflow-init"), layout.log_dir)
        timings["airflow-init"] = time.monotonic() - started
        for service in (s for s in AIRFLOW_SERVICES if s != "airflow-worker"):
            processes.start(
                service, compose_command(service), env_of(service), layout.run_dir, layout.log_dir
            )
        for number, name in enumerate(names, start=1):
            argv = [
                *compose_command("airflow-worker"),
                "--celery-hostname",
                name,
                "--pid",
                str(layout.run_dir / f"worker-{number}.airflow-pid"),
            ]
            worker_env = env_of(
                "airflow-worker", AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port())
            )
            processes.start(
                f"airflow-worker-{number}", argv, worker_env, layout.run_dir, layout.log_dir
            )
        timings["components healthy"] = processes.wait_until(
            lambda: is_healthy(host.base_url),
            timeout_s=timeout_s,
            what=f"Airflow at {host.base_url} to report every component healthy",
            interval_s=2.0,
            servers=layout.run_dir,
        )
        answered: set[str] = set()

        def all_workers_answer() -> bool:
            answered.update(celery_ping(env_of("airflow-worker"), names))
            return answered == set(names)

        timings["workers answer ping"] = processes.wait_until(
            all_workers_answer,
            timeout_s=timeout_s,
            what=f"workers {', '.join(names)} to answer Celery's ping",
            interval_s=2.0,
            servers=layout.run_dir,
        )
    except (processes.LaunchError, OSError) as exc:
        shown = processes.stop_after_failure(layout.run_dir, layout.log_dir)
        raise processes.LaunchError(f"{exc}\n{shown}") from exc
    return Cluster(workers=names, timings=timings)


def received_by_worker(layout: Layout, workers: Sequence[str]) -> dict[str, set[str]]:
    """Celery task ids each worker received, from the worker's own log."""
    result: dict[str, set[str]] = {}
    for number, name in enumerate(workers, start=1):
        log_path = layout.log_dir / f"airflow-worker-{number}.log"
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        result[name] = {m["id"] for m in _RECEIVED.finditer(text)}
    return result
