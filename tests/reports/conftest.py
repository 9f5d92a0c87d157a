"""One warehouse built from the simulator for every report, alert and export test.

The simulated organization gets one extra leak on top of what it plants: the same Anthropic
key pasted into ten user messages by three people, so dedup by fingerprint and the
"seen across several users" section have something to prove. Each test gets its own copy of
the published warehouse and state DB, so what one test sends or records never leaks into
another.
"""

from __future__ import annotations

import dataclasses
import random
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from claude_compliance.settings import Settings
from tests.conftest import ANCHOR

DAYS = 3
REPEATS = 10
REPEAT_USERS = 3
FINGERPRINT_SECRET = "reports-fingerprint-secret-" + "y" * 16
WINDOW_START = datetime.combine(ANCHOR - timedelta(days=DAYS), datetime.min.time(), tzinfo=UTC)
WINDOW_END = datetime.combine(ANCHOR, datetime.min.time(), tzinfo=UTC)

OUR_VARIABLES = (
    "CLAUDE_COMPLIANCE_STATE_DB",
    "CLAUDE_COMPLIANCE_API_URL",
    "CLAUDE_COMPLIANCE_RULES",
    "CLAUDE_COMPLIANCE_REPORT_EMAIL_TO",
    "CLAUDE_COMPLIANCE_SMTP_CONN_ID",
    "CLAUDE_COMPLIANCE_DASHBOARD_URL",
    "CLAUDE_COMPLIANCE_CHROMIUM",
    "CLAUDE_COMPLIANCE_ALERT_MIN_SEVERITY",
    "CLAUDE_COMPLIANCE_ALERT_WEBHOOK_URL",
    "CLAUDE_COMPLIANCE_ALERT_EMAIL_TO",
    "CLAUDE_COMPLIANCE_ALERT_MAX_AGE_HOURS",
    "CLAUDE_COMPLIANCE_SIEM_FILES",
    "CLAUDE_COMPLIANCE_SIEM_URL",
    "CLAUDE_COMPLIANCE_SIEM_KIND",
    "CLAUDE_COMPLIANCE_SIEM_TOKEN",
    "CLAUDE_COMPLIANCE_SIEM_INDEX",
    "AIRFLOW_CONN_SMTP_DEFAULT",
)


@dataclass(frozen=True)
class Built:
    home: Path
    master_key: str
    key_id: str
    compliance_key: str
    repeated_key: str
    repeated_users: frozenset[str]
    planted: tuple[str, ...]
    """Every value the simulator planted, plus the repeated key."""


def plant_repeated_key(sim) -> tuple[str, frozenset[str]]:  # type: ignore[no-untyped-def]
    """Append one Anthropic key to ten user messages of three users; returns key and users."""
    from compliance_simulator.model import TextBlock
    from compliance_simulator.sensitive import anthropic_key

    key = anthropic_key(random.Random(20261120))
    by_user: dict[str, list[str]] = {}
    for chat in sim.data.chats:
        if chat.deleted_at is not None:  # a deleted chat's content is gone at the source
            continue
        for message_id in chat.message_ids:
            message = sim.data.messages[message_id]
            if message.role == "user" and any(isinstance(b, TextBlock) for b in message.content):
                by_user.setdefault(chat.user_id, []).append(message_id)
    users = sorted(by_user, key=lambda u: (-len(by_user[u]), u))[:REPEAT_USERS]
    chosen = [m for u in users for m in by_user[u][:4]][:REPEATS]
    assert len(chosen) == REPEATS and len({u for u in users}) == REPEAT_USERS
    for message_id in chosen:
        message = sim.data.messages[message_id]
        blocks = list(message.content)
        last = max(i for i, b in enumerate(blocks) if isinstance(b, TextBlock))
        blocks[last] = TextBlock(blocks[last].text + f"\nour prod anthropic api key: {key}")
        sim.data.messages[message_id] = dataclasses.replace(message, content=tuple(blocks))
    return key, frozenset(users)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    from claude_compliance.keys.commands import register_key
    from claude_compliance.pipeline import run_range
    from compliance_simulator import SimConfig, Simulator, serve

    home = tmp_path_factory.mktemp("reports") / "home"
    master_key = Fernet.generate_key().decode()
    sim = Simulator(SimConfig(seed=11, users=12, days=DAYS, anchor=ANCHOR))
    repeated_key, repeated_users = plant_repeated_key(sim)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLAUDE_COMPLIANCE_HOME", str(home))
        mp.setenv("CLAUDE_COMPLIANCE_MASTER_KEY", master_key)
        mp.setenv("CLAUDE_COMPLIANCE_FINGERPRINT_KEY", FINGERPRINT_SECRET)
        for name in OUR_VARIABLES:
            mp.delenv(name, raising=False)
        with serve(sim, host="127.0.0.1", port=0) as server:
            settings = dataclasses.replace(Settings.load(), api_url=server.url)
            key_id = str(register_key(settings, sim.keys.compliance, "reports", "test")["key_id"])
            run_range(settings, WINDOW_START.date(), WINDOW_END.date(), key_ids=[key_id])
    planted = tuple(sorted({e.value for e in sim.truth()} | {repeated_key}))
    return Built(
        home=home,
        master_key=master_key,
        key_id=key_id,
        compliance_key=sim.keys.compliance,
        repeated_key=repeated_key,
        repeated_users=repeated_users,
        planted=planted,
    )


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
    monkeypatch.setenv("CLAUDE_COMPLIANCE_HOME", str(home))
    monkeypatch.setenv("CLAUDE_COMPLIANCE_MASTER_KEY", built.master_key)
    monkeypatch.setenv("CLAUDE_COMPLIANCE_FINGERPRINT_KEY", FINGERPRINT_SECRET)
    for name in OUR_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return Settings.load()


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
