"""The dbt unit tests of the marts' logic pass, run on an empty warehouse.

The pipeline's `dbt build` skips them (`--exclude-resource-type unit_test`, so they never add
to a run's cost); they run here, in `make test`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from claude_compliance.settings import Settings
from claude_compliance.warehouse import builder

pytestmark = pytest.mark.slow


def declared_unit_tests(project: Path) -> set[str]:
    """Every unit test the project's yml files declare, wherever they sit."""
    names: set[str] = set()
    for path in project.rglob("*.yml"):
        if "target" in path.relative_to(project).parts:
            continue
        document = yaml.safe_load(path.read_text()) or {}
        names.update(t["name"] for t in document.get("unit_tests") or [])
    return names


def test_every_dbt_unit_test_runs_and_passes(settings: Settings) -> None:
    # A unit test takes its inputs' column types from the warehouse, so the models it reads
    # are built first, empty (`--empty`: no lake row is read), in the same invocation.
    builder.run_dbt(
        settings,
        "build",
        "--empty",
        "--select",
        "+test_type:unit",
        "--exclude-resource-type",
        "test",
    )

    results = json.loads((settings.home / "dbt" / "target" / "run_results.json").read_text())
    ran = {
        r["unique_id"].rsplit(".", 1)[-1]: r["status"]
        for r in results["results"]
        if r["unique_id"].startswith("unit_test.")
    }
    declared = declared_unit_tests(builder.project_dir())
    # The logic-heavy marts are covered, and no declared test was left out of the run.
    assert {n.split("_")[0] for n in declared} >= {"findings", "user", "sessions", "sync"}
    assert len(declared) >= 12
    assert ran == dict.fromkeys(declared, "pass")


def test_the_pipeline_build_leaves_unit_tests_out(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`build_warehouse` passes the exclusion to dbt (the run itself is the e2e tests' job)."""
    calls: list[tuple[str, ...]] = []

    def spy(_settings: Settings, *command: str) -> builder.DbtResult:
        calls.append(command)
        return builder.DbtResult(command=" ".join(command), nodes=0, failures=[])

    monkeypatch.setattr(builder, "run_dbt", spy)
    builder.build_warehouse(settings)
    [command] = calls
    assert command[0] == "build"
    excluded = [command[i + 1] for i, arg in enumerate(command) if arg == "--exclude-resource-type"]
    assert excluded == ["unit_test"]
