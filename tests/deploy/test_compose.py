"""docker-compose.yaml against the Compose Specification (offline), and the deployment's shape."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from typing import Any

import jsonschema
import pytest
import yaml

from deploy.compose import (
    COMPOSE_FILE,
    ENV_EXAMPLE,
    REPO,
    InterpolationError,
    interpolate,
    load,
    read_env_file,
    service_environment,
    variables_in,
)
from tests.deploy.support import SECRETS, operator_env

SCHEMA = REPO / "deploy" / "compose-spec" / "compose_spec.json"
SCHEMA_SHA256 = "0dc04bd346dcfee1b1419628fff79937bbf076925f298f272a2b490e2b112bac"
SERVICES = {
    "postgres",
    "redis",
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "dashboard",
    "simulator",
}
AIRFLOW_COMPONENTS = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load(operator_env())


def test_vendored_schema_is_the_documented_file() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    readme = (SCHEMA.parent / "README.md").read_text()
    assert SCHEMA_SHA256 in readme and "docker-compose` 1.29.2" in readme


def test_compose_file_validates_against_the_compose_specification(
    compose: dict[str, Any],
) -> None:
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft201909Validator(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


def test_the_schema_catches_a_broken_compose_file(compose: dict[str, Any]) -> None:
    """The validation above can fail: a misspelt key and a wrong type are both reported."""
    schema = json.loads(SCHEMA.read_text())
    broken = json.loads(json.dumps(compose))
    broken["services"]["airflow-worker"]["healthcheck"]["retrys"] = 5
    broken["services"]["redis"]["expose"] = "6379"
    messages = [e.message for e in jsonschema.Draft201909Validator(schema).iter_errors(broken)]
    assert any("retrys" in m for m in messages), messages
    assert any("'6379' is not of type 'array'" in m for m in messages), messages


def test_docker_compose_config_accepts_the_file_where_the_client_has_compose(
    tmp_path: pytest.TempPathFactory,
) -> None:
    """`docker compose config` parses without an engine; it runs where the plugin exists."""
    docker = shutil.which("docker")
    probe = (
        subprocess.run(
            [docker or "docker", "compose", "version"], capture_output=True, text=True, check=False
        )
        if docker
        else None
    )
    if probe is None or probe.returncode != 0:
        pytest.skip("the docker client here has no `compose` plugin (validated by schema above)")
    env_file = REPO / ".env.example"
    proc = subprocess.run(
        [
            docker or "docker",
            "compose",
            "--env-file",
            str(env_file),
            "-f",
            str(COMPOSE_FILE),
            "config",
            "--quiet",
        ],
        env={**SECRETS, "PATH": "/usr/bin:/bin:/usr/local/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_services_follow_the_airflow_3_layout(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) - {"flower"} == SERVICES
    assert services["simulator"]["profiles"] == ["dev"]
    assert "profiles" not in services["dashboard"]
    commands = {name: services[name].get("command") for name in AIRFLOW_COMPONENTS}
    assert commands == {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-triggerer": "triggerer",
        "airflow-worker": "celery worker",
    }
    assert services["dashboard"]["entrypoint"][-1] == "claude-compliance"
    assert services["dashboard"]["command"][:1] == ["serve"]
    assert "--port" in services["dashboard"]["command"]
    for name in AIRFLOW_COMPONENTS:
        depends = services[name]["depends_on"]
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name


def test_every_long_running_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if name == "airflow-init":
            continue
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no healthcheck"


def test_workers_scale_out(compose: dict[str, Any]) -> None:
    """`--scale airflow-worker=N` needs no fixed name and no published port."""
    worker = compose["services"]["airflow-worker"]
    assert "container_name" not in worker
    assert "ports" not in worker
    assert "hostname" not in worker
    env = service_environment(compose, "airflow-worker")
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__WORKER_PREFETCH_MULTIPLIER"] == "1"


def test_every_airflow_component_shares_one_configuration(compose: dict[str, Any]) -> None:
    """Same metadata DB, broker, secrets and folders everywhere, or tasks fail at random."""
    shared = [
        "AIRFLOW__CORE__EXECUTOR",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        "AIRFLOW__CELERY__BROKER_URL",
        "AIRFLOW__CELERY__RESULT_BACKEND",
        "AIRFLOW__CORE__FERNET_KEY",
        "AIRFLOW__API_AUTH__JWT_SECRET",
        "AIRFLOW__API__SECRET_KEY",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
        "AIRFLOW__CORE__DAGS_FOLDER",
        "AIRFLOW__CORE__PLUGINS_FOLDER",
        "CLAUDE_COMPLIANCE_HOME",
        "CLAUDE_COMPLIANCE_STATE_DB",
        "CLAUDE_COMPLIANCE_MASTER_KEY_FILE",
        "CLAUDE_COMPLIANCE_FINGERPRINT_KEY",
    ]
    envs = {
        name: service_environment(compose, name) for name in (*AIRFLOW_COMPONENTS, "airflow-init")
    }
    for key in shared:
        values = {name: env.get(key) for name, env in envs.items()}
        assert len(set(values.values())) == 1 and None not in values.values(), (key, values)
    scheduler = envs["airflow-scheduler"]
    assert (
        scheduler["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]
        == "http://airflow-apiserver:8080/execution/"
    )
    dashboard = service_environment(compose, "dashboard")
    for key in (
        "CLAUDE_COMPLIANCE_STATE_DB",
        "CLAUDE_COMPLIANCE_MASTER_KEY_FILE",
        "CLAUDE_COMPLIANCE_HOME",
    ):
        assert dashboard[key] == scheduler[key], key
    assert not any(k.startswith("AIRFLOW__") for k in dashboard), "the dashboard needs no Airflow"


def test_database_urls_name_their_driver(compose: dict[str, Any]) -> None:
    """SQLAlchemy 2.1 maps a bare `postgresql://` to psycopg 3, which is not installed."""
    env = service_environment(compose, "airflow-scheduler")
    urls = [
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"],
        env["AIRFLOW__CELERY__RESULT_BACKEND"].removeprefix("db+"),
        env["CLAUDE_COMPLIANCE_STATE_DB"],
    ]
    assert all(url.startswith("postgresql+psycopg2://") for url in urls), urls
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres:5432/airflow")
    assert env["CLAUDE_COMPLIANCE_STATE_DB"].endswith("@postgres:5432/compliance")


def test_volumes_share_the_lake_warehouse_and_reports(compose: dict[str, Any]) -> None:
    home = "/opt/claude-compliance/var"
    expected = {f"lake:{home}/lake", f"warehouse:{home}/warehouse", f"reports:{home}/reports"}
    for name in AIRFLOW_COMPONENTS:
        assert expected <= set(compose["services"][name]["volumes"]), name
    dashboard = set(compose["services"]["dashboard"]["volumes"])
    assert dashboard == {f"warehouse:{home}/warehouse:ro", f"reports:{home}/reports:ro"}
    assert {"lake", "warehouse", "reports", "postgres-db"} <= set(compose["volumes"])


def test_init_prepares_both_databases_and_the_pools(compose: dict[str, Any]) -> None:
    init = compose["services"]["airflow-init"]
    script = "\n".join(init["command"])
    assert "/opt/claude-compliance/deploy/airflow-init.sh" in script
    text = (REPO / "deploy" / "airflow-init.sh").read_text()
    assert "airflow db migrate" in text and "airflow pools import" in text
    assert '"duckdb_writer": {\n    "slots": 1,' in text
    assert "runtime.state_engine" in text
    postgres = compose["services"]["postgres"]
    assert "./deploy/postgres:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]


def test_required_secrets_fail_with_the_files_message() -> None:
    env = operator_env()
    del env["AIRFLOW__API_AUTH__JWT_SECRET"]
    with pytest.raises(InterpolationError, match=r"set AIRFLOW__API_AUTH__JWT_SECRET in \.env"):
        load(env)
    env = operator_env()
    env["CLAUDE_COMPLIANCE_FINGERPRINT_KEY"] = ""
    with pytest.raises(InterpolationError, match="CLAUDE_COMPLIANCE_FINGERPRINT_KEY"):
        load(env)


def test_the_master_key_is_a_docker_secret_never_a_variable(compose: dict[str, Any]) -> None:
    """Issue 5: docker-compose passes the master key as a secret."""
    assert compose["secrets"]["master_key"]["file"] == "./secrets/master_key"
    for name, service in compose["services"].items():
        env = service_environment(compose, name)
        assert "CLAUDE_COMPLIANCE_MASTER_KEY" not in env, name
        if "CLAUDE_COMPLIANCE_MASTER_KEY_FILE" in env:
            assert env["CLAUDE_COMPLIANCE_MASTER_KEY_FILE"] == "/run/secrets/master_key"
            assert "master_key" in service["secrets"], name
    for name in (*AIRFLOW_COMPONENTS, "airflow-init", "dashboard"):
        assert "master_key" in compose["services"][name]["secrets"], name


def test_every_compose_variable_is_documented_in_env_example() -> None:
    used = variables_in(yaml.safe_load(COMPOSE_FILE.read_text()))
    assert "CLAUDE_COMPLIANCE_MASTER_KEY_SECRET_FILE" in used and "AIRFLOW_UID" in used
    documented = set(read_env_file(ENV_EXAMPLE))
    assert sorted(used - documented) == []


def test_secrets_are_never_given_a_default_in_the_compose_file() -> None:
    text = COMPOSE_FILE.read_text()
    # The master key is not a variable of the compose file: it is the `master_key` secret.
    for name in sorted(set(SECRETS) - {"CLAUDE_COMPLIANCE_MASTER_KEY"}):
        for match in re.finditer(r"\$\{" + name + r"(?P<op>:?[-?+])?", text):
            assert match["op"] in (":?", None), f"{name} must be required, not defaulted"
        assert "${" + name + ":?" in text, f"{name} is not required by the compose file"


@pytest.mark.parametrize(
    ("template", "env", "expected"),
    [
        ("${A}", {"A": "x"}, "x"),
        ("${A:-d}", {"A": ""}, "d"),
        ("${A-d}", {"A": ""}, ""),
        ("${A:-d}", {}, "d"),
        ("$A/$$B", {"A": "x"}, "x/$B"),
        ("${A:+alt}", {"A": "x"}, "alt"),
        ("${A:+alt}", {"A": ""}, ""),
        ("${A}", {}, ""),
    ],
)
def test_interpolation_follows_compose(template: str, env: dict[str, str], expected: str) -> None:
    assert interpolate(template, env) == expected


def test_yaml_anchors_give_every_airflow_service_the_common_environment() -> None:
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    common = raw["x-airflow-common"]["environment"]
    for name in AIRFLOW_COMPONENTS:
        env = raw["services"][name]["environment"]
        assert {k: env[k] for k in common} == common, name
