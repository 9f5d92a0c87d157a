"""Run dbt (dbt-duckdb) in process against the lake under `$CLAUDE_COMPLIANCE_HOME`.

dbt is the only writer of the warehouse. Its target and log folders live under the home,
so the repository stays clean and two homes never share build state.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from claude_compliance.childenv import child_environment
from claude_compliance.lake.fs import LakeDir
from claude_compliance.lake.schemas import DLP, RAW
from claude_compliance.lake.writer import schema_file
from claude_compliance.settings import Settings

# The dbt project ships inside the package (package data), so an installed wheel finds it
# beside this code; in a checkout `claude_compliance/dbt_project` is a symlink to the
# top-level `dbt_project/` where it is developed. CLAUDE_COMPLIANCE_DBT_PROJECT_DIR overrides.
PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"


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


def ensure_schema_files(lake_dir: LakeDir) -> None:
    """Give every lake table at least one (empty) file, so dbt's globs never match nothing."""
    for zone, schemas in (("raw", RAW), ("dlp", DLP)):
        for table, schema in schemas.items():
            schema_file(lake_dir, zone, table, schema)


# dbt reads its own `DBT_*` settings; object-storage credentials (DuckDB httpfs) are passed
# only when the lake is on such a store. Nothing else of ours: see `childenv`.
DBT_PREFIXES = ("DBT_",)
OBJECT_STORE_PREFIXES = ("AWS_", "GOOGLE_", "GCS_", "AZURE_")


def dbt_environment(settings: Settings, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a dbt child: what dbt and DuckDB need, no secret they do not."""
    lake_dir = settings.lake_dir
    prefixes = DBT_PREFIXES if isinstance(lake_dir, Path) else DBT_PREFIXES + OBJECT_STORE_PREFIXES
    return child_environment(
        {
            "CLAUDE_COMPLIANCE_HOME": str(settings.home),
            "CLAUDE_COMPLIANCE_LAKE_URI": str(lake_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        },
        prefixes=prefixes,
        environ=environ,
    )


def run_dbt(settings: Settings, *command: str) -> DbtResult:
    """`dbt <command…>` on the project with the home's profile; raises DbtError on failure.

    dbt runs in a child process: dbt-duckdb keeps its DuckDB connection open for the life of
    the process, so only a finished process guarantees a checkpointed file to publish (and the
    caller, an Airflow worker or the CLI, never holds the writer lock).
    """
    settings.ensure_dirs()
    ensure_schema_files(settings.lake_dir)
    dbt_dir = settings.home / "dbt"
    project = project_dir()
    env = dbt_environment(settings)
    cli_args = [
        sys.executable,
        "-c",
        "import sys; from dbt.cli.main import cli; sys.exit(cli())",
        *command,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(dbt_dir / "target"),
        "--log-path",
        str(dbt_dir / "logs"),
        "--log-format",
        "text",
        "--no-use-colors",
    ]
    proc = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        cli_args, env=env, capture_output=True, text=True, check=False
    )
    failures, nodes = _read_results(dbt_dir / "target" / "run_results.json")
    if proc.returncode != 0:
        detail = "; ".join(failures) or _tail(proc.stdout + proc.stderr)
        raise DbtError(f"dbt {' '.join(command)} failed: {detail}")
    return DbtResult(command=" ".join(command), nodes=nodes, failures=failures)


def build_warehouse(settings: Settings) -> DbtResult:
    """`dbt build` of what changed in the lake since the last build (`partitions`).

    The first build, and any build after the dbt project changed, is a `--full-refresh`.
    """
    from claude_compliance.warehouse.partitions import handed_to_dbt, plan_build, record_build

    plan = plan_build(settings, project_dir())
    with handed_to_dbt(settings, plan):
        # Unit tests state the marts' logic on fixed rows: `make test` runs them
        # (tests/warehouse/test_dbt_unit_tests.py), each interval's build need not.
        result = run_dbt(
            settings, "build", "--exclude-resource-type", "unit_test", *plan.dbt_args()
        )
    record_build(settings, plan)
    return result


def publish_docs(settings: Settings) -> Path:
    """The dbt docs site (one static HTML file) beside the published warehouse.

    Regenerated when the dbt project changed since the last copy (docs describe the models;
    their catalog comes from the build database).
    """
    target = settings.warehouse_dir / "docs" / "index.html"
    project = project_dir()
    newest = max(p.stat().st_mtime for p in project.rglob("*") if p.is_file())
    if target.exists() and target.stat().st_mtime >= newest:
        return target
    run_dbt(settings, "docs", "generate", "--static", "--no-compile")
    generated = settings.home / "dbt" / "target" / "static_index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(generated, tmp)
    os.replace(tmp, target)
    return target


def _read_results(path: Path) -> tuple[list[str], int]:
    if not path.exists():
        return [], 0
    results = json.loads(path.read_text()).get("results", [])
    failures = [
        f"{r.get('unique_id')}: {r.get('status')}: {(r.get('message') or '').strip()}"
        for r in results
        if r.get("status") in ("error", "fail", "runtime error")
    ]
    return failures, len(results)


def _tail(output: str, lines: int = 15) -> str:
    return " | ".join(line.strip() for line in output.strip().splitlines()[-lines:])
