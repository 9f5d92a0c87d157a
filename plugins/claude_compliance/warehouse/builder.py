"""Run dbt (dbt-duckdb) in process against the lake under `$CLAUDE_COMPLIANCE_HOME`.

dbt is the only writer of the warehouse. Its target and log folders live under the home,
so the repository stays clean and two homes never share build state.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from claude_compliance.lake.schemas import DLP, RAW
from claude_compliance.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
EMPTY_PARTITION = ("key=_schema", "dt=1970-01-01", "part-schema.parquet")


class DbtError(RuntimeError):
    """dbt reported a failure; the message lists the failing nodes."""


@dataclass(frozen=True, slots=True)
class DbtResult:
    command: str
    nodes: int
    failures: list[str]


def project_dir() -> Path:
    override = os.environ.get("CLAUDE_COMPLIANCE_DBT_PROJECT_DIR")
    path = Path(override) if override else PROJECT_DIR
    if not (path / "dbt_project.yml").exists():
        raise DbtError(f"no dbt project at {path} (set CLAUDE_COMPLIANCE_DBT_PROJECT_DIR)")
    return path


def ensure_schema_files(lake_dir: Path) -> None:
    """Give every lake table at least one (empty) file, so dbt's globs never match nothing.

    The file adds no rows, so it changes no result.
    """
    for zone, schemas in (("raw", RAW), ("dlp", DLP)):
        for table, schema in schemas.items():
            path = lake_dir.joinpath(zone, table, *EMPTY_PARTITION)
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(schema.empty_table(), path)


def run_dbt(settings: Settings, command: str = "build", *args: str) -> DbtResult:
    """`dbt <command>` on the project with the home's profile; raises DbtError on failure."""
    from dbt.cli.main import dbtRunner

    settings.ensure_dirs()
    ensure_schema_files(settings.lake_dir)
    os.environ["CLAUDE_COMPLIANCE_HOME"] = str(settings.home)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    dbt_dir = settings.home / "dbt"
    project = project_dir()
    cli_args = [
        command,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(dbt_dir / "target"),
        "--log-path",
        str(dbt_dir / "logs"),
        "--quiet",
        *args,
    ]
    result = dbtRunner().invoke(cli_args)
    failures: list[str] = []
    nodes = 0
    if result.result is not None and hasattr(result.result, "results"):
        for node in result.result.results:
            nodes += 1
            status = str(getattr(node, "status", ""))
            if status in ("error", "fail", "runtime error"):
                message = getattr(node, "message", "") or ""
                failures.append(f"{node.node.unique_id}: {status}: {message}")
    if not result.success:
        if result.exception is not None and not failures:
            raise DbtError(f"dbt {command} failed: {result.exception}")
        raise DbtError(f"dbt {command} failed: " + "; ".join(failures or ["unknown error"]))
    return DbtResult(command=command, nodes=nodes, failures=failures)
