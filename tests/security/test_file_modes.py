"""Issue 13 §6: the home is 0700 and every file the pipeline writes in it is owner-only
(raw lake, content cache, findings, state DB and its -wal/-shm, warehouse, reports, SIEM
exports, secrets); the published warehouse is group-readable only by its setting."""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from claude_compliance.cli import main
from claude_compliance.settings import Settings
from claude_compliance.warehouse.publish import publish
from tests.fixtures.simulator import ANCHOR

pytestmark = pytest.mark.slow


@pytest.fixture
def default_umask() -> Iterator[None]:
    """The usual 022 of a login shell or a container, restored afterwards."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def cli(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(args)


def modes(home: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(home.stat().st_mode)}
    for path in home.rglob("*"):
        found[str(path.relative_to(home))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def exposed(found: dict[str, int], allowed: dict[str, int] | None = None) -> dict[str, str]:
    allowed = allowed or {}
    return {
        name: oct(mode)
        for name, mode in found.items()
        if mode & 0o077 and allowed.get(name) != mode
    }


class TestEveryFileInTheHomeIsOwnerOnly:
    def test_after_a_run_a_report_and_a_shared_warehouse(
        self,
        home: Path,
        sim,  # type: ignore[no-untyped-def]
        sim_server,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch,
        default_umask: None,
    ) -> None:
        monkeypatch.setenv("CLAUDE_COMPLIANCE_API_URL", sim_server.url)
        monkeypatch.delenv("CLAUDE_COMPLIANCE_MASTER_KEY")  # master.key is written too
        monkeypatch.delenv("CLAUDE_COMPLIANCE_FINGERPRINT_KEY")  # and fingerprint.key
        assert cli(["keys", "add", "--name", "m"], monkeypatch, sim.keys.compliance + "\n") == 0
        day = ANCHOR - timedelta(days=1)
        argv = ["--start", day.isoformat(), "--end", ANCHOR.isoformat()]
        assert cli(["run", *argv], monkeypatch) == 0
        assert cli(["report", *argv, "--no-pdf", "--no-email"], monkeypatch) == 0

        found = modes(home)
        for expected in (
            "master.key",
            "fingerprint.key",
            "state.db",
            "warehouse/compliance.duckdb",
            "warehouse/build.duckdb",
        ):
            assert expected in found, expected
        for prefix in ("lake/raw/", "lake/dlp/findings/", "lake/content/", "reports/", "exports/"):
            assert any(n.startswith(prefix) and found[n] == 0o600 for n in found), prefix
        assert found["."] == 0o700
        assert exposed(found) == {}

        # Shared by the documented setting: only the published file and the way to it.
        monkeypatch.setenv("CLAUDE_COMPLIANCE_WAREHOUSE_GROUP_READ", "true")
        settings = Settings.load()
        publish(settings)
        shared = {".": 0o710, "warehouse": 0o750, "warehouse/compliance.duckdb": 0o640}
        found = modes(home)
        assert {n: found[n] for n in shared} == shared
        assert exposed(found, shared) == {}

        monkeypatch.setenv("CLAUDE_COMPLIANCE_WAREHOUSE_GROUP_READ", "false")
        publish(Settings.load())
        assert exposed(modes(home)) == {}

    def test_an_older_open_home_is_closed(
        self, home: Path, monkeypatch: pytest.MonkeyPatch, default_umask: None
    ) -> None:
        (home / "warehouse").mkdir(parents=True, mode=0o755)
        home.chmod(0o755)
        Settings.load()
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        assert stat.S_IMODE((home / "warehouse").stat().st_mode) == 0o700

    def test_a_bad_setting_names_the_variable(self, home: Path) -> None:
        with pytest.raises(ValueError, match="CLAUDE_COMPLIANCE_WAREHOUSE_GROUP_READ"):
            Settings.from_env({"CLAUDE_COMPLIANCE_WAREHOUSE_GROUP_READ": "maybe"})

    def test_a_folder_that_cannot_be_changed_is_a_warning(
        self,
        home: Path,
        monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture,
        default_umask: None,
    ) -> None:
        """The dashboard container mounts the warehouse read-only: chmod fails with EROFS."""
        (home / "warehouse").mkdir(parents=True, mode=0o755)

        def read_only(self: Path, mode: int) -> None:
            raise OSError(30, "Read-only file system")

        monkeypatch.setattr(Path, "chmod", read_only)
        Settings.load()
        assert "cannot be changed" in caplog.text

    def test_the_state_db_and_its_wal_and_shm(
        self, home: Path, monkeypatch: pytest.MonkeyPatch, default_umask: None
    ) -> None:
        from claude_compliance import runtime
        from claude_compliance.state.audit import AuditLog

        settings = Settings.load()
        engine = runtime.state_engine(settings)
        with engine.connect():  # an open connection keeps the -wal and -shm files
            AuditLog(engine).record("t", "probe")
            found = {p.name: stat.S_IMODE(p.stat().st_mode) for p in home.glob("state.db*")}
        assert found == {"state.db": 0o600, "state.db-wal": 0o600, "state.db-shm": 0o600}
