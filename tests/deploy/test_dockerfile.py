"""The Dockerfile, read statically (no engine here): base image, constraints, what it copies."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from deploy.compose import REPO, load
from tests.deploy.support import operator_env

DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
PROJECT = "/opt/claude-compliance"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def build_args() -> dict[str, str]:
    args = {}
    for keyword, rest in instructions():
        if keyword == "ARG" and "=" in rest:
            name, value = rest.split("=", 1)
            args[name] = value
    return args


def pinned(package: str) -> str:
    match = re.search(
        rf"^{re.escape(package)}==(\S+)$", (REPO / "constraints.txt").read_text(), re.M
    )
    assert match, f"{package} is not pinned in constraints.txt"
    return match[1]


def ignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    """`.dockerignore` as (is_exception, regex), in order (the last match wins)."""
    patterns = []
    for raw in DOCKERIGNORE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line.lstrip("!").strip("/")
        regex = ""
        i = 0
        while i < len(line):
            if line.startswith("**/", i):
                regex += "(?:.*/)?"
                i += 3
            elif line.startswith("**", i):
                regex += ".*"
                i += 2
            elif line[i] == "*":
                regex += "[^/]*"
                i += 1
            elif line[i] == "?":
                regex += "[^/]"
                i += 1
            else:
                regex += re.escape(line[i])
                i += 1
        patterns.append((negated, re.compile(f"^{regex}(?:/.*)?$")))
    return patterns


def is_ignored(relative: str) -> bool:
    ignored = False
    for negated, pattern in ignore_patterns():
        if pattern.match(relative):
            ignored = not negated
    return ignored


def test_base_image_is_the_airflow_version_the_project_locks() -> None:
    args = build_args()
    assert args["AIRFLOW_VERSION"] == pinned("apache-airflow")
    assert args["AIRFLOW_VERSION"].startswith("3.3.")
    assert args["PYTHON_VERSION"] == "3.11"
    froms = [rest for keyword, rest in instructions() if keyword == "FROM"]
    assert froms == ["apache/airflow:${AIRFLOW_VERSION}-python${PYTHON_VERSION}"]


def test_the_project_is_installed_with_its_own_constraints() -> None:
    runs = [rest for keyword, rest in instructions() if keyword == "RUN" and "pip install" in rest]
    assert len(runs) == 1
    words = shlex.split(runs[0].split("&&")[0])
    assert "--constraint" in words and words[words.index("--constraint") + 1] == "constraints.txt"
    assert '"apache-airflow==${AIRFLOW_VERSION}"' in runs[0], "pip must not move Airflow itself"
    assert words[-1] == "." and "--editable" in words


def test_what_the_dockerfile_copies_exists_and_is_not_ignored() -> None:
    copies = [rest for keyword, rest in instructions() if keyword == "COPY"]
    sources = []
    for rest in copies:
        words = [w for w in shlex.split(rest) if not w.startswith("--")]
        sources.extend(words[:-1])
    assert {
        "pyproject.toml",
        "constraints.txt",
        "plugins",
        "scanners",
        "compliance_simulator",
        "dags",
        "dbt_project",
        "deploy",
    } <= set(sources)
    for source in sources:
        assert (REPO / source).exists(), source
        assert not is_ignored(source), f"{source} is excluded by .dockerignore"


def test_secrets_and_local_state_stay_out_of_the_build_context() -> None:
    for path in (
        ".env",
        ".env.production",
        "var/state.db",
        ".venv/bin/python",
        "tests/x.py",
        ".git/config",
        "plugins/claude_compliance/__pycache__/x.pyc",
        "dbt_project/target/manifest.json",
    ):
        assert is_ignored(path), path
    for path in (".env.example", "plugins/claude_compliance/settings.py", "deploy/airflow-init.sh"):
        assert not is_ignored(path), path


def test_image_paths_are_the_ones_the_compose_file_uses() -> None:
    dockerfile = DOCKERFILE.read_text()
    compose = load(operator_env())
    workdirs = [rest for keyword, rest in instructions() if keyword == "WORKDIR"]
    assert workdirs == [PROJECT]
    for mount in compose["services"]["airflow-worker"]["volumes"]:
        target = mount.split(":")[1]
        if target.startswith(f"{PROJECT}/var/"):
            assert target in dockerfile, f"{target} is not created (and owned) by the Dockerfile"
    init = "\n".join(compose["services"]["airflow-init"]["command"])
    assert f"{PROJECT}/deploy/airflow-init.sh" in init
    env = compose["services"]["airflow-worker"]["environment"]
    for name in (
        "CLAUDE_COMPLIANCE_HOME",
        "CLAUDE_COMPLIANCE_DBT_PROJECT_DIR",
        "AIRFLOW__CORE__DAGS_FOLDER",
        "AIRFLOW__CORE__PLUGINS_FOLDER",
    ):
        assert f"{name}={env[name]}" in dockerfile, name
    assert (REPO / env["AIRFLOW__CORE__DAGS_FOLDER"].removeprefix(f"{PROJECT}/")).is_dir()


@pytest.mark.parametrize(
    "script", sorted(p.relative_to(REPO) for p in (REPO / "deploy").rglob("*.sh")), ids=str
)
def test_shell_scripts_are_strict_and_parse(script: Path) -> None:
    text = (REPO / script).read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    proc = subprocess.run(["bash", "-n", str(REPO / script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (REPO / script).stat().st_mode & 0o111, f"{script} is not executable"
