"""Which environment variables the project's code reads: Python (AST), dbt (`env_var`).

Python: a name passed as a string literal to `os.environ.get` / `os.getenv` / `environ[...]`
/ `env.get(...)` (any mapping called `env`, `environ` or `os.environ`), and every string
literal that is a whole `CLAUDE_COMPLIANCE_*` name (the library keeps names in constants and
passes them to helpers such as `_positive_int(env, "CLAUDE_COMPLIANCE_…", …)`). Names that
are only written (`env["X"] = …`) are not reads.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON_ROOTS = ("plugins", "scanners", "dags", "deploy")
DBT_ROOT = "dbt_project"
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
OWN_NAME = re.compile(r"^CLAUDE_COMPLIANCE_[A-Z0-9_]+$")
MAPPINGS = {"env", "environ", "environment"}
# Request variables of a WSGI environ (PEP 3333), which the simulator reads: not the OS's.
WSGI_NAME = re.compile(
    r"^(HTTP_\w+|SERVER_\w+|CONTENT_(TYPE|LENGTH)|REMOTE_\w+|REQUEST_METHOD|PATH_INFO"
    r"|QUERY_STRING|SCRIPT_NAME)$"
)
DBT_ENV_VAR = re.compile(r"""env_var\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]""")
SKIP_DIRS = {"__pycache__", ".mypy_cache", "target", "logs", "dbt_packages", "compose-spec"}


def _python_files() -> list[Path]:
    files = []
    for root in PYTHON_ROOTS:
        for path in sorted((REPO / root).rglob("*.py")):
            if not SKIP_DIRS & set(path.relative_to(REPO).parts):
                files.append(path)
    return files


def _mapping_name(node: ast.expr) -> str | None:
    """`env`, `environ` or `os.environ` (as "environ"), else None."""
    if isinstance(node, ast.Name) and node.id in MAPPINGS:
        return node.id
    if isinstance(node, ast.Attribute) and node.attr == "environ":
        return "environ"
    return None


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def reads_in_python(source: str) -> set[str]:
    """The variable names one Python module reads.

    >>> code = 'import os\\nos.environ.get("A_B")\\nenv["C"] = 1\\nx = os.getenv("D")'
    >>> sorted(reads_in_python(code))
    ['A_B', 'D']
    """
    names: set[str] = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            name = _literal(node.args[0]) if node.args else None
            if name is None:
                continue
            if func.attr in ("get", "pop", "setdefault") and _mapping_name(func.value):
                names.add(name)
            elif func.attr == "getenv" and isinstance(func.value, ast.Name):
                names.add(name)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            name = _literal(node.slice)
            if name is not None and _mapping_name(node.value):
                names.add(name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if OWN_NAME.match(node.value):
                names.add(node.value)
    return {n for n in names if ENV_NAME.match(n) and not WSGI_NAME.match(n)}


def python_reads() -> dict[str, list[str]]:
    """Each variable the Python code reads, with the files that read it."""
    where: dict[str, list[str]] = defaultdict(list)
    for path in _python_files():
        source = path.read_text(encoding="utf-8")
        for name in reads_in_python(source):
            where[name].append(str(path.relative_to(REPO)))
    return dict(where)


def dbt_reads() -> dict[str, list[str]]:
    where: dict[str, list[str]] = defaultdict(list)
    for path in sorted((REPO / DBT_ROOT).rglob("*")):
        if path.suffix not in (".sql", ".yml", ".yaml") or SKIP_DIRS & set(path.parts):
            continue
        for name in set(DBT_ENV_VAR.findall(path.read_text(encoding="utf-8"))):
            where[name].append(str(path.relative_to(REPO)))
    return dict(where)


def all_reads() -> dict[str, list[str]]:
    merged: dict[str, list[str]] = defaultdict(list)
    for source in (python_reads(), dbt_reads()):
        for name, files in source.items():
            merged[name].extend(files)
    return dict(merged)
