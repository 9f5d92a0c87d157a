"""`run` over three days: malformed text on one, an API failure on another, all attempted."""

from __future__ import annotations

import io
import json
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from claude_compliance.cli import main
from tests.e2e.checks import files_containing
from tests.fixtures.simulator import ANCHOR
from tests.malformed_text import serve_malformed

pytestmark = pytest.mark.slow

ORGANIZATIONS = r"^/v1/compliance/organizations$"


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(args)


def manifest(home: Path, table: str, key_id: str, dt: str) -> dict[str, object]:
    folder = home / "lake" / "raw" / table / f"key={key_id}" / f"dt={dt}"
    (path,) = folder.glob("_manifest-*.json")
    document: dict[str, object] = json.loads(path.read_text())
    return document


def test_run_attempts_every_day_publishes_the_good_ones_and_lists_the_failed_one(
    home: Path, sim, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from compliance_simulator import serve

    malformed_day, failed_day, good_day = (ANCHOR - timedelta(days=n) for n in (3, 2, 1))
    planted = serve_malformed(sim, malformed_day)
    with serve(sim, host="127.0.0.1", port=0) as server:
        monkeypatch.setenv("CLAUDE_COMPLIANCE_API_URL", server.url)
        key = sim.keys.compliance
        assert run_cli(["keys", "add", "--name", "e2e"], monkeypatch, stdin=key + "\n") == 0
        added = capfd.readouterr()
        key_id = next(line.split()[1] for line in added.out.splitlines() if line.startswith("id:"))
        # Each interval lists the organizations once: the first listing (the malformed day)
        # passes, the second (the failed day) gets a non-retryable 400.
        sim.faults.add(ORGANIZATIONS)
        sim.faults.add(ORGANIZATIONS, status=400)
        code = run_cli(
            ["run", "--start", malformed_day.isoformat(), "--end", ANCHOR.isoformat()],
            monkeypatch,
        )
        ran = capfd.readouterr()
        served = sim.requests
    assert sim.faults.pending() == []

    # Exit non-zero; the failed day listed, once, with its reason, and nothing secret.
    assert code == 1, ran.err[-3000:]
    assert ran.out.startswith("done: ")
    listed = ran.err[ran.err.index("error: 1 failure(s)") :].splitlines()
    assert len(listed) == 2, listed
    assert f"key {key_id}" in listed[1] and failed_day.isoformat() in listed[1]
    assert "Injected fault" in listed[1]
    assert key not in ran.out + ran.err
    assert files_containing(home, key) == []

    # Every day was attempted: each wrote its ledger; the good day after the failed one too.
    ledgers = {
        day: manifest(home, "sync_ledger", key_id, day.isoformat())["status"]
        for day in (malformed_day, failed_day, good_day)
    }
    assert ledgers == {malformed_day: "ok", failed_day: "failed", good_day: "ok"}
    assert [r.status for r in served if r.path == "/v1/compliance/organizations"][-3:] == [
        200,
        400,
        200,
    ]

    # The malformed day's text was replaced and counted, not fatal.
    dt = malformed_day.isoformat()
    assert manifest(home, "chats", key_id, dt)["replaced_by_column"] == {"name": 3, "raw_json": 3}
    assert manifest(home, "chat_messages", key_id, dt)["replaced_characters"] == 6
    assert manifest(home, "chat_files", key_id, dt)["replaced_by_column"] == {
        "filename": 1,
        "raw_json": 1,
    }
    assert manifest(home, "activities", key_id, dt)["replaced_by_column"] == {"raw_json": 1}

    # Published: the good days' inputs (the malformed message and its file included), none
    # of the failed day's; the published text holds U+FFFD where the surrogates were.
    db = home / "warehouse" / "compliance.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        days = {
            d
            for (d,) in con.execute(
                "select distinct cast(occurred_at as date) from scanned_inputs "
                "where source = 'chat_message'"
            ).fetchall()
        }
        inputs = set(con.execute("select source, source_id from scanned_inputs").fetchall())
        chat_ids = {c for (c,) in con.execute("select chat_id from chats").fetchall()}
    assert days == {malformed_day, good_day}
    assert ("chat_message", planted.message_id) in inputs
    assert ("chat_file", planted.file_id) in inputs
    assert planted.chat_id in chat_ids

    # The key is not left in sync_error: its last sync (the good day) succeeded.
    assert run_cli(["keys", "list", "--json"], monkeypatch) == 0
    (record,) = json.loads(capfd.readouterr().out)
    assert record["status"] == "active"
