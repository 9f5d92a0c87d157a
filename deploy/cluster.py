"""Scale out without Docker: the compose file's Airflow services as processes on this host.

Starts what `docker compose up --scale airflow-worker=N` starts (airflow-init, then the
api-server, scheduler, dag-processor, triggerer and N `airflow celery worker`s) with the
environment `docker-compose.yaml` gives each of those containers, interpolated from the same
variables (`--env-file`, then the shell). Only what names a container's host or path is
replaced by its counterpart here (`HOST_SPECIFIC`): the PostgreSQL and Redis URLs, the API
server's URL, the project's folders, the ports two workers on one host would share, and each
worker's name (containers get distinct hostnames, processes on one host do not).

    python -m deploy.cluster up --airflow-db URL --state-db URL --broker URL --workers 2
    python -m deploy.cluster spread     # which worker ran which task, from Celery's own logs
    python -m deploy.cluster down

Every server runs in its own process group (deploy.processes); `down` leaves none behind.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from deploy import processes
from deploy.airflow_api import is_healthy
from deploy.compose import AIRFLOW_SERVICES, COMPOSE_FILE, REPO, interpolate, read_env_file
from deploy.local import Layout as LocalLayout
from deploy.local import bin_dir, run_init, tail

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
# The compose variables that only feed HOST_SPECIFIC values (the containers' DB passwords).
_HOST_ONLY_INPUTS = ("POSTGRES_PASSWORD", "AIRFLOW_DB_PASSWORD", "CLAUDE_COMPLIANCE_DB_PASSWORD")

_RECEIVED = re.compile(r"Task (?P<task>[\w.]+)\[(?P<id>[0-9a-f-]{36})\] received")


@dataclass(frozen=True, slots=True)
class Layout(LocalLayout):
    """The local deployment's layout, plus the record of what `up` was given."""

    @property
    def config_file(self) -> Path:
        """What `up` was given, for `spread` and `down`."""
        return self.state_dir / "cluster.json"


@dataclass(frozen=True, slots=True)
class HostConfig:
    """This host's counterparts of the compose file's containers."""

    airflow_db: str
    state_db: str
    broker: str
    home: Path
    port: int
    queue: str = "default"
    master_key_file: Path = REPO / "secrets" / "master_key"
    """The host file behind compose's `master_key` secret (/run/secrets/master_key there)."""
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
    # As in the containers, the master key comes only from the `master_key` secret's file.
    env = {
        k: v
        for k, v in base.items()
        if not k.startswith("AIRFLOW") and k != "CLAUDE_COMPLIANCE_MASTER_KEY"
    }
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def celery_ping(
    env: Mapping[str, str], names: Sequence[str], *, timeout_s: float = 60.0
) -> set[str]:
    """The workers among `names` that answer Celery's ping (the compose healthcheck)."""
    try:
        proc = subprocess.run(  # noqa: S603 - the venv's celery, fixed arguments
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


def up(args: argparse.Namespace) -> int:
    layout = Layout(args.state_dir.resolve())
    live = {name: pids for name, pids in processes.running(layout.run_dir).items() if pids}
    if live:
        print(f"already up ({', '.join(live)}); run `down` first", file=sys.stderr)
        return 1
    for flag, url in (("--airflow-db", args.airflow_db), ("--state-db", args.state_db)):
        if url.startswith("postgresql://"):
            # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3, which is not installed.
            print(f"error: {flag}: name the driver: postgresql+psycopg2://…", file=sys.stderr)
            return 2
    host = HostConfig(
        airflow_db=args.airflow_db,
        state_db=args.state_db,
        broker=args.broker,
        home=args.home.resolve(),
        port=args.port,
        queue=args.queue,
        tag=processes.launch_id(layout.run_dir)[:6],
    )
    variables = {name: "" for name in _HOST_ONLY_INPUTS}
    if args.env_file is not None:
        variables.update(read_env_file(args.env_file))
    variables.update(os.environ)
    secret = variables.get("CLAUDE_COMPLIANCE_MASTER_KEY_SECRET_FILE") or "secrets/master_key"
    master_key_file = (REPO / secret).resolve()
    if not master_key_file.exists():
        print(
            f"error: the master key secret {master_key_file} does not exist "
            "(docs/deploy.md: First deployment)",
            file=sys.stderr,
        )
        return 2
    host = dataclasses.replace(host, master_key_file=master_key_file)
    started_at = time.monotonic()
    try:
        environments = compose_environments(variables)
    except ValueError as exc:
        print(f"error: docker-compose.yaml: {exc}", file=sys.stderr)
        return 2
    ports = {"scheduler": free_port(), "triggerer": free_port()}
    layout.config_file.parent.mkdir(parents=True, exist_ok=True)
    layout.config_file.write_text(
        json.dumps(
            {
                "workers": [host.worker_name(n) for n in range(1, args.workers + 1)],
                "base_url": host.base_url,
                "queue": host.queue,
            },
            indent=2,
        )
    )

    def env_of(service: str, **extra: str) -> dict[str, str]:
        return {
            **host_environment(environments[service], host, layout, os.environ, ports),
            **extra,
        }

    timings: dict[str, float] = {}
    try:
        print(f"airflow-init → {layout.log_dir / 'airflow-init.log'}")
        t0 = time.monotonic()
        run_init(env_of("airflow-init"), layout.log_dir)
        timings["airflow-init"] = time.monotonic() - t0
        services = ["airflow-apiserver", "airflow-scheduler", "airflow-dag-processor"]
        if not args.no_triggerer:
            services.append("airflow-triggerer")
        for service in services:
            processes.start(
                service, compose_command(service), env_of(service), layout.run_dir, layout.log_dir
            )
        workers = []
        for number in range(1, args.workers + 1):
            name = host.worker_name(number)
            workers.append(name)
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
        components = ("metadatabase", "scheduler", "dag_processor") + (
            () if args.no_triggerer else ("triggerer",)
        )
        timings["components healthy"] = processes.wait_until(
            lambda: is_healthy(host.base_url, components),
            timeout_s=args.timeout,
            what=f"Airflow at {host.base_url} to report {', '.join(components)} healthy",
            interval_s=2.0,
            alive=lambda: _dead(layout),
        )
        answered: set[str] = set()

        def all_workers_answer() -> bool:
            answered.update(celery_ping(env_of("airflow-worker"), workers))
            return answered == set(workers)

        timings["workers answer ping"] = processes.wait_until(
            all_workers_answer,
            timeout_s=args.timeout,
            what=f"workers {', '.join(workers)} to answer Celery's ping",
            interval_s=2.0,
            alive=lambda: _dead(layout),
        )
    except (processes.LaunchError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        for name in processes.running(layout.run_dir):
            print(f"--- {name}.log\n{tail(layout.log_dir / f'{name}.log')}", file=sys.stderr)
        for line in processes.stop_all(layout.run_dir):
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"Airflow (CeleryExecutor)  {host.base_url}")
    print(f"Workers                   {', '.join(workers)} (queue {host.queue!r})")
    print(f"Logs                      {layout.log_dir}")
    print(
        f"Up in {time.monotonic() - started_at:.0f}s ("
        + ", ".join(f"{k} {v:.0f}s" for k, v in timings.items())
        + ")"
    )
    return 0


def _dead(layout: Layout) -> str | None:
    for name, pids in processes.running(layout.run_dir).items():
        if not pids:
            return name
    return None


def received_by_worker(layout: Layout) -> dict[str, set[str]]:
    """Celery task ids each worker received, from the worker's own log."""
    config = json.loads(layout.config_file.read_text())
    result: dict[str, set[str]] = {}
    for number, name in enumerate(config["workers"], start=1):
        log_path = layout.log_dir / f"airflow-worker-{number}.log"
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        result[name] = {m["id"] for m in _RECEIVED.finditer(text)}
    return result


def spread(args: argparse.Namespace) -> int:
    """Print how many Celery tasks each worker received (each is one task instance try)."""
    layout = Layout(args.state_dir.resolve())
    by_worker = received_by_worker(layout)
    for name, ids in by_worker.items():
        print(f"{name}: {len(ids)} task(s)")
    return 0 if by_worker and all(by_worker.values()) else 1


def down(args: argparse.Namespace) -> int:
    layout = Layout(args.state_dir.resolve())
    report = processes.stop_all(layout.run_dir, grace_s=args.grace)
    for line in report or ["nothing was running"]:
        print(line)
    return 0


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="python -m deploy.cluster", description=__doc__.split("\n")[0]
    )
    cli.add_argument("--state-dir", type=Path, default=REPO / "var" / "cluster")
    commands = cli.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start the compose file's Airflow services here")
    start.add_argument("--airflow-db", required=True, help="Airflow's metadata DB (PostgreSQL URL)")
    start.add_argument("--state-db", required=True, help="the Compliance state DB (SQLAlchemy URL)")
    start.add_argument("--broker", required=True, help="Celery broker URL (redis://…)")
    start.add_argument("--queue", default="default", help="Celery queue (default 'default')")
    start.add_argument("--workers", type=int, default=2)
    start.add_argument("--port", type=int, default=8080, help="the API server's port")
    start.add_argument(
        "--home", type=Path, default=REPO / "var", help="CLAUDE_COMPLIANCE_HOME, the shared volumes"
    )
    start.add_argument("--env-file", type=Path, help="variables for the compose file (.env)")
    start.add_argument("--no-triggerer", action="store_true")
    start.add_argument("--timeout", type=float, default=300.0)
    start.set_defaults(handler=up)
    commands.add_parser("spread", help="tasks per worker").set_defaults(handler=spread)
    stop = commands.add_parser("down", help="stop everything `up` started")
    stop.add_argument("--grace", type=float, default=60.0, help="seconds before SIGKILL")
    stop.set_defaults(handler=down)
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
