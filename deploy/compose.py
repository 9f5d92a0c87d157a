"""`docker-compose.yaml` as data: read `.env` files and interpolate `${VAR}` like Compose does.

Compose interpolates the file with the variables of `.env` and the shell before validating
it; `load()` does the same, so the tests validate what Compose would run, and the scale-out
test (tests/deploy/cluster.py) starts Airflow with the settings the file gives its containers.

>>> interpolate("${A:-x}/${B}/$$HOME", {"B": "b"})
'x/b/$HOME'
>>> sorted(referenced_variables("${A:?set A} $B ${C-c} $$D"))
['A', 'B', 'C']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO / "docker-compose.yaml"
ENV_EXAMPLE = REPO / ".env.example"
AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)

# Compose's interpolation grammar: `$$` escapes, `$NAME`, `${NAME}` and `${NAME<op>word}` with
# op one of `:-` `-` (default), `:?` `?` (required), `:+` `+` (alternative).
_TOKEN = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
    r"|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<word>[^}]*))?\})"
)
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=(?P<value>.*)$")


class InterpolationError(ValueError):
    """A required variable is unset or empty; the message is the one the file gives."""


def read_env_file(path: Path) -> dict[str, str]:
    """`NAME=value` lines as Compose reads them: comments, blank lines, optional quotes."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if match is None:
            raise ValueError(f"{path}:{number}: not a NAME=value line: {line!r}")
        value = match["value"].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[match["name"]] = value
    return values


def env_file_names(path: Path) -> list[str]:
    """The variable names of an env file, in order, duplicates kept (for the docs tests)."""
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _ENV_LINE.match(line)
        if match is not None and not line.lstrip().startswith("#"):
            names.append(match["name"])
    return names


def referenced_variables(text: str) -> set[str]:
    """Every variable a Compose file (or a shell fragment) interpolates."""
    names = set()
    for match in _TOKEN.finditer(text):
        name = match["bare"] or match["name"]
        if name:
            names.add(name)
    return names


def variables_in(document: Any) -> set[str]:
    """Every variable the strings of a loaded Compose document interpolate (not comments)."""
    if isinstance(document, str):
        return referenced_variables(document)
    if isinstance(document, list):
        return set().union(*(variables_in(item) for item in document))
    if isinstance(document, dict):
        return set().union(*(variables_in(item) for item in document.values()))
    return set()


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Replace variables in every string of a loaded Compose document (keys stay as they are)."""
    if isinstance(value, str):
        return _TOKEN.sub(lambda m: _substitute(m, env), value)
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    return value


def _substitute(match: re.Match[str], env: Mapping[str, str]) -> str:
    if match["escaped"]:
        return "$"
    name = match["bare"] or match["name"]
    op, word = match["op"], match["word"] or ""
    value = env.get(name)
    is_set = value is not None
    is_set_and_nonempty = bool(value)
    if op in (":-", "-"):
        keep = is_set_and_nonempty if op == ":-" else is_set
        return value if keep and value is not None else interpolate(word, env)
    if op in (":?", "?"):
        ok = is_set_and_nonempty if op == ":?" else is_set
        if not ok or value is None:
            raise InterpolationError(f"{name}: {word or 'required variable is missing'}")
        return value
    if op in (":+", "+"):
        use = is_set_and_nonempty if op == ":+" else is_set
        return interpolate(word, env) if use else ""
    return value or ""


def load(env: Mapping[str, str], path: Path = COMPOSE_FILE) -> dict[str, Any]:
    """The Compose document with YAML merge keys resolved and every variable interpolated."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path} is not a YAML mapping")
    result: dict[str, Any] = interpolate(raw, env)
    return result


def service_environment(compose: Mapping[str, Any], service: str) -> dict[str, str]:
    """A service's `environment`, as the strings its container gets."""
    environment = compose["services"][service].get("environment") or {}
    if isinstance(environment, list):
        pairs = (item.split("=", 1) for item in environment)
        return {name: value for name, value in pairs}
    return {name: "" if value is None else str(value) for name, value in environment.items()}
