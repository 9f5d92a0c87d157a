"""The library runs without the simulator: only the `simulator` and `demo` commands load it.

Each check runs in a fresh interpreter whose import system refuses `compliance_simulator`, as
an installation without it would (ARCHITECTURE §3).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

# Put first on sys.meta_path, it answers every import of the simulator as a missing module.
BLOCKER = textwrap.dedent(
    """
    import sys

    class HideSimulator:
        def find_spec(self, name, path=None, target=None):
            if name == "compliance_simulator" or name.startswith("compliance_simulator."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, HideSimulator())
    """
)


def run_hidden(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCKER + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_blocker_hides_the_simulator() -> None:
    # Without this, the other tests would pass whatever the library imports.
    proc = run_hidden(
        """
        try:
            import compliance_simulator
        except ModuleNotFoundError as exc:
            print(exc.name)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "compliance_simulator"


def test_every_library_module_imports_without_the_simulator() -> None:
    proc = run_hidden(
        """
        import importlib, json, pkgutil, sys
        import claude_compliance, scanners

        names = []
        for package in (claude_compliance, scanners):
            prefix = package.__name__ + "."
            for info in pkgutil.walk_packages(package.__path__, prefix):
                if ".migrations." in info.name:
                    continue  # Alembic scripts: alembic runs them, nothing imports them
                importlib.import_module(info.name)
                names.append(info.name)
        loaded = sorted(n for n in sys.modules if n.split(".")[0] == "compliance_simulator")
        print(json.dumps({"imported": names, "simulator": loaded}))
        """
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["simulator"] == []
    imported = set(result["imported"])
    # The walk reached every layer, the command line included.
    for name in (
        "claude_compliance.cli",
        "claude_compliance.pipeline",
        "claude_compliance.web.app",
        "claude_compliance.warehouse.builder",
        "claude_compliance.documents.sandbox",
        "scanners.engine",
    ):
        assert name in imported
    assert len(imported) > 100


@pytest.mark.parametrize("command", [["simulator", "--port", "0"], ["demo", "--days", "1"]])
def test_simulator_commands_name_the_extra_when_it_is_missing(command: list[str]) -> None:
    proc = run_hidden(
        f"""
        import sys
        from claude_compliance.cli import main

        sys.exit(main({command!r}))
        """
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "error: the simulator (package compliance_simulator) is not installed; it comes with "
        "the demo extra: pip install 'claude-compliance[demo]'"
    ]


def test_other_commands_run_without_the_simulator() -> None:
    proc = run_hidden(
        """
        import sys
        from claude_compliance.cli import main

        sys.exit(main(["--help"]))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert "demo" in proc.stdout
