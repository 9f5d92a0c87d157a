"""Shared fixtures: an isolated home per test, and the simulator in process or on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from claude_compliance.settings import Settings

ANCHOR = date(2026, 11, 20)  # simulated data covers [ANCHOR - days, ANCHOR)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh CLAUDE_COMPLIANCE_HOME with its own master and fingerprint secrets."""
    path = tmp_path / "home"
    monkeypatch.setenv("CLAUDE_COMPLIANCE_HOME", str(path))
    monkeypatch.setenv("CLAUDE_COMPLIANCE_MASTER_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("CLAUDE_COMPLIANCE_FINGERPRINT_KEY", "test-fingerprint-secret-" + "x" * 16)
    monkeypatch.delenv("CLAUDE_COMPLIANCE_STATE_DB", raising=False)
    monkeypatch.delenv("CLAUDE_COMPLIANCE_API_URL", raising=False)
    monkeypatch.delenv("CLAUDE_COMPLIANCE_RULES", raising=False)
    return path


@pytest.fixture
def settings(home: Path) -> Settings:
    settings = Settings.from_env()
    settings.ensure_dirs()
    return settings


@pytest.fixture
def sim():  # type: ignore[no-untyped-def]
    from compliance_simulator import SimConfig, Simulator

    return Simulator(SimConfig(seed=11, users=12, days=3, anchor=ANCHOR))


@pytest.fixture
def sim_server(sim):  # type: ignore[no-untyped-def]
    from compliance_simulator import serve

    with serve(sim, host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Record the client's waits instead of sleeping them."""
    waits: list[float] = []
    yield waits
