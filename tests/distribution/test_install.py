"""A non-editable install of the project runs `claude-compliance demo` from anywhere.

The project is built into a real wheel and installed into a fresh venv; its dependencies
come from the running interpreter's site-packages through a `.pth` file, so nothing is
downloaded. The demo then runs from an unrelated folder with nothing of the checkout on the
path: the dbt project, the rules and the simulator must all come from the installed wheel.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

# Never part of the source: local state, build output, caches.
TOP_LEVEL_SKIPPED = {".git", ".venv", "var", "build", "dist", "test-artifacts"}
SKIPPED = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
DBT_OUTPUT = {"target", "logs", "dbt_packages"}


def _ignore(folder: str, names: list[str]) -> set[str]:
    here = Path(folder)
    ignored = {n for n in names if n in SKIPPED or n.endswith(".egg-info")}
    if here == REPO:
        ignored |= TOP_LEVEL_SKIPPED & set(names)
    if here.name == "dbt_project":
        ignored |= DBT_OUTPUT & set(names)
    return ignored


def _run(
    argv: list[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, f"{argv[:3]} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the project as a wheel; returns the venv."""
    from uv import find_uv_bin

    root = tmp_path_factory.mktemp("install")
    # A copy, since building writes build/ and *.egg-info beside the sources.
    source = root / "source"
    shutil.copytree(REPO, source, symlinks=True, ignore=_ignore)
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    deps = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    (Path(site.stdout.strip()) / "_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")
    # uv builds the wheel with the build requirements `make install` left in its cache:
    # --offline keeps the test off the network (pip would need `wheel` in this venv).
    _run(
        [find_uv_bin(), "pip", "install", "--offline", "--no-deps", "--python", python, source],
        env={**os.environ, "UV_NO_PROGRESS": "1"},
    )
    return venv


def _environment(venv: Path, home: Path) -> dict[str, str]:
    # Nothing inherited that could point back at the checkout (PYTHONPATH, a dbt project
    # override, a home): a user's shell with the venv on PATH.
    return {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.defpath}",
        "HOME": str(home.parent),
        "LANG": "C.UTF-8",
        "CLAUDE_COMPLIANCE_HOME": str(home),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }


def test_the_packages_come_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    where = _run(
        [
            installed / "bin" / "python",
            "-c",
            "import claude_compliance, compliance_simulator, scanners\n"
            "from claude_compliance.warehouse.builder import project_dir\n"
            "for m in (claude_compliance, compliance_simulator, scanners):\n"
            "    print(m.__file__)\n"
            "print(project_dir() / 'dbt_project.yml')",
        ],
        cwd=tmp_path,
        env=_environment(installed, tmp_path / "home"),
    ).stdout.split()
    assert len(where) == 4
    for path in where:
        assert Path(path).resolve().is_relative_to(installed.resolve()), path
        assert not Path(path).is_symlink()
        assert Path(path).is_file()


def test_demo_runs_from_another_folder(installed: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    packaged = next(installed.glob("lib/python*/site-packages/claude_compliance/dbt_project"))
    before = sorted(p.relative_to(packaged) for p in packaged.rglob("*"))

    proc = subprocess.run(
        [installed / "bin" / "claude-compliance", "demo", "--days", "2", "--users", "4"],
        cwd=elsewhere,
        env=_environment(installed, home),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "Demo run over" in proc.stdout
    findings = re.search(r"^  findings: (\d+) in (\d+) of (\d+) inputs$", proc.stdout, re.M)
    assert findings is not None, proc.stdout
    assert int(findings[1]) > 0
    # Attached documents were parsed, so the document sandbox ran from the installed package.
    by_source = re.search(r"^  by source: +(.*)$", proc.stdout, re.M)
    assert by_source is not None and "chat_file" in by_source[1], proc.stdout
    assert (home / "warehouse" / "compliance.duckdb").is_file()
    # dbt read the packaged project and wrote nothing into it (its output is under the home).
    assert sorted(p.relative_to(packaged) for p in packaged.rglob("*")) == before
    assert (home / "dbt" / "target" / "run_results.json").is_file()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(
    "package", ["plugins/claude_compliance", "scanners", "compliance_simulator"]
)
def test_the_wheel_holds_every_source_file(installed: Path, package: str) -> None:
    # Templates, migrations, rules data, the dbt project (through its symlink): a file the
    # package-data patterns miss would be missing only from installations.
    source = installed.parent / "source" / package
    target = next(installed.glob(f"lib/python*/site-packages/{Path(package).name}"))

    def files(root: Path) -> set[str]:
        found = set()
        for folder, _, names in os.walk(root, followlinks=True):
            if "__pycache__" not in Path(folder).parts:
                found |= {str((Path(folder) / n).relative_to(root)) for n in names}
        return found

    expected = files(source)
    assert len(expected) > 20
    assert expected - files(target) == set()


def test_documents_are_parsed_by_the_installed_sandbox(installed: Path, tmp_path: Path) -> None:
    # A DOCX goes to the sandbox worker, a child process that must find the installed package.
    text = _run(
        [
            installed / "bin" / "python",
            "-c",
            "from claude_compliance.documents import extract\n"
            "from compliance_simulator.documents import docx\n"
            "print(extract(docx(['before token-4711 after'])).text)",
        ],
        cwd=tmp_path,
        env=_environment(installed, tmp_path / "home"),
    ).stdout
    assert "before token-4711 after" in text
