"""The reports, alerts and exports tests read the session's published warehouse
(`tests.fixtures.warehouse`: the simulator's organization plus one Anthropic key pasted into
ten user messages by three people). Each test gets its own copy of the published warehouse and
state DB, so what one test sends or records never leaks into another.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_compliance.settings import Settings
from tests.fixtures.simulator import ANCHOR
from tests.fixtures.warehouse import DAYS, FINGERPRINT_SECRET, Published, use_home

__all__ = ["DAYS", "FINGERPRINT_SECRET", "Built", "built", "leaked"]

WINDOW_START = datetime.combine(ANCHOR - timedelta(days=DAYS), datetime.min.time(), tzinfo=UTC)
WINDOW_END = datetime.combine(ANCHOR, datetime.min.time(), tzinfo=UTC)

Built = Published


@pytest.fixture
def built(published: Published) -> Built:
    return published


@pytest.fixture
def report_settings(built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh home holding a copy of the built warehouse and state DB, set in the env."""
    home = tmp_path / "home"
    (home / "warehouse").mkdir(parents=True)
    shutil.copyfile(
        built.home / "warehouse" / "compliance.duckdb", home / "warehouse" / "compliance.duckdb"
    )
    for path in built.home.glob("state.db*"):
        shutil.copyfile(path, home / path.name)
    secrets = {
        "CLAUDE_COMPLIANCE_MASTER_KEY": built.master_key,
        "CLAUDE_COMPLIANCE_FINGERPRINT_KEY": FINGERPRINT_SECRET,
    }
    return use_home(monkeypatch, home, secrets)


def leaked(texts: Iterable[str], built: Built) -> list[str]:
    """Planted values or key material found in any of `texts` (also with whitespace removed,
    for text extracted from a PDF that may wrap a long value)."""
    found: set[str] = set()
    for text in texts:
        squashed = re.sub(r"\s+", "", text)
        for value in (*built.planted, built.compliance_key):
            if value in text or re.sub(r"\s+", "", value) in squashed:
                found.add(value)
    return sorted(found)
