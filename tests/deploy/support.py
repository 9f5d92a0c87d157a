"""What the deploy tests share: an operator's .env, throwaway PostgreSQL databases and Redis
queues, and the check that a launch left no process behind."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psutil
import pytest

from deploy.compose import ENV_EXAMPLE, read_env_file
from deploy.processes import LAUNCH_VAR

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Keys kombu keeps per Redis db for every Celery app (broadcast exchanges, not our queue).
KOMBU_SHARED_KEYS = frozenset(
    {
        "_kombu.binding_deadlines",
        "_kombu.binding.celery.pidbox",
        "_kombu.binding.celeryev",
        "_kombu.binding.reply.celery.pidbox",
        "unacked_mutex",
    }
)

# What an operator puts into .env for the secrets .env.example leaves empty.
SECRETS = {
    "CLAUDE_COMPLIANCE_MASTER_KEY": "bWFzdGVyLWtleS1mb3ItdGVzdHMtb25seS0wMDAwMDA=",
    "CLAUDE_COMPLIANCE_FINGERPRINT_KEY": "fingerprint-secret-for-tests-0000000000",
    "AIRFLOW__CORE__FERNET_KEY": "ZmVybmV0LWtleS1mb3ItdGVzdHMtb25seS0wMDAwMDA=",
    "AIRFLOW__API_AUTH__JWT_SECRET": "jwt-secret-for-tests",
    "AIRFLOW__API__SECRET_KEY": "api-secret-for-tests",
    "AIRFLOW_ADMIN_PASSWORD": "admin-password-for-tests",
    "POSTGRES_PASSWORD": "postgres0password",
    "AIRFLOW_DB_PASSWORD": "airflow0password",
    "CLAUDE_COMPLIANCE_DB_PASSWORD": "compliance0password",
}


def operator_env() -> dict[str, str]:
    """`.env` as an operator fills it in: .env.example with its required secrets set."""
    env = read_env_file(ENV_EXAMPLE)
    env.update(SECRETS)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_postgres_and_redis() -> None:
    """Skip, saying why, when the machine's PostgreSQL or Redis does not answer."""
    missing = [
        f"{name} on {host}:{port}"
        for name, host, port in (
            ("PostgreSQL", PG_HOST, PG_PORT),
            ("Redis", REDIS_HOST, REDIS_PORT),
        )
        if not port_is_open(host, port)
    ]
    if missing:
        pytest.skip(f"needs {' and '.join(missing)} (start them with .ci/run): unreachable")


def pg_url(database: str, driver: str = "postgresql+psycopg2") -> str:
    return f"{driver}://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"


def _admin_connection() -> Any:
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    conn.autocommit = True
    return conn


def drop_database(name: str) -> None:
    conn = _admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s",
                (name,),
            )
            cur.execute(f'drop database if exists "{name}"')
    finally:
        conn.close()


@contextmanager
def throwaway_databases(*prefixes: str) -> Iterator[list[str]]:
    """Fresh databases `<prefix>_<random>` on the machine's PostgreSQL, dropped afterwards."""
    suffix = secrets.token_hex(4)
    names = [f"{prefix}_{suffix}" for prefix in prefixes]
    conn = _admin_connection()
    try:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f'create database "{name}"')
    finally:
        conn.close()
    try:
        yield names
    finally:
        for name in names:
            drop_database(name)


@dataclass(frozen=True, slots=True)
class RedisQueue:
    """A Celery queue of its own on the machine's Redis (a random db), removed afterwards."""

    db: int
    name: str

    @property
    def url(self) -> str:
        return f"redis://{REDIS_HOST}:{REDIS_PORT}/{self.db}"

    def delete(self) -> int:
        """Remove the queue's keys, and kombu's shared ones if nothing else uses the db."""
        import redis

        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=self.db)
        keys = list(client.scan_iter(match=f"*{self.name}*"))
        deleted = int(client.delete(*keys)) if keys else 0
        rest = {key.decode() for key in client.scan_iter()}
        if rest and rest <= KOMBU_SHARED_KEYS:
            deleted += int(client.delete(*rest))
        return deleted


def live_processes_of_launch(launch: str) -> list[str]:
    """`pid command` of every live process still carrying the launch's mark."""
    found = []
    for proc in psutil.process_iter(["pid", "status", "cmdline"]):
        try:
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if proc.environ().get(LAUNCH_VAR) == launch:
                found.append(f"{proc.pid} {' '.join(proc.info['cmdline'] or [])[:120]}")
        except psutil.Error:
            continue
    return found


def processes_titled(text: str) -> list[str]:
    """`pid command` of every live process whose command line (or title) contains `text`."""
    found = []
    for proc in psutil.process_iter(["pid", "status", "cmdline"]):
        try:
            command = " ".join(proc.info["cmdline"] or [])
            if proc.info["status"] != psutil.STATUS_ZOMBIE and text in command:
                found.append(f"{proc.pid} {command[:120]}")
        except psutil.Error:
            continue
    return found
