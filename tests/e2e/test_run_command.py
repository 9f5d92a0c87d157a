"""`claude-compliance keys add` + `run` end to end against the simulator on loopback."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from claude_compliance.cli import main
from claude_compliance.scan.sources import SOURCE_NAMES
from claude_compliance.settings import Settings
from claude_compliance.warehouse import builder
from scanners import load_engine
from tests.e2e.checks import all_text_in_database, files_containing, recall, scanned_input_keys
from tests.fixtures.simulator import ANCHOR

pytestmark = pytest.mark.slow


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(args)


def test_run_over_the_window_finds_what_was_planted_and_leaks_nothing(
    home: Path, sim, sim_server, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLAUDE_COMPLIANCE_API_URL", sim_server.url)
    key = sim.keys.compliance
    assert run_cli(["keys", "add", "--name", "e2e"], monkeypatch, stdin=key + "\n") == 0
    added = capfd.readouterr()
    assert "status:        active" in added.out
    key_id = next(line.split()[1] for line in added.out.splitlines() if line.startswith("id:"))

    start, end = ANCHOR.replace(day=ANCHOR.day - 3).isoformat(), ANCHOR.isoformat()
    assert run_cli(["run", "--start", start, "--end", end], monkeypatch) == 0
    first = capfd.readouterr()
    db = home / "warehouse" / "compliance.duckdb"
    assert db.exists()

    # Every planted input was scanned, and recall over everything planted of the
    # categories the engine implements.
    truth = [e.__dict__ if hasattr(e, "__dict__") else e for e in _truth(sim)]
    covered = scanned_input_keys(db)
    uncovered = [e for e in truth if (e["source"], e["source_id"]) not in covered]
    assert uncovered == []
    implemented = {d.category.value for d in load_engine(secret=b"x" * 32).detectors}
    lake = home / "lake"
    result = recall(db, [e for e in truth if e["category"] in implemented], lake)
    assert result.planted >= 10
    assert result.ratio >= 0.95, result.missed[:5]
    assert {e["source"] for e in truth} == set(SOURCE_NAMES)
    per_source = {
        s: recall(db, [e for e in truth if e["source"] == s and e["category"] in implemented], lake)
        for s in SOURCE_NAMES
    }
    assert all(r.ratio >= 0.95 for r in per_source.values()), {
        s: (r.ratio, r.missed[:2]) for s, r in per_source.items()
    }

    # Files are judged by their bytes: every format recorded, what cannot be read listed
    # with its reason, findings in documents say where they are.
    from compliance_simulator.document_files import UNREADABLE

    with duckdb.connect(str(db), read_only=True) as con:
        files = {
            r[0]: r[1:]
            for r in con.execute(
                "select source_id, detected_format, extractor, skipped_reason "
                "from scanned_inputs where source in ('chat_file', 'project_file')"
            ).fetchall()
        }
        locations = [
            r[0]
            for r in con.execute(
                "select location from findings where location is not null"
            ).fetchall()
        ]
    stored = sim.data.files
    for spec in UNREADABLE:
        ids = [f for f in sim.data.document_file_ids if stored[f].filename == spec.filename]
        assert ids and all(files[f][2] == spec.reason for f in ids), (
            spec.filename,
            files.get(ids[0]),
        )
    # A message the server cut even at its maximum is counted, not silently short.
    with duckdb.connect(str(db), read_only=True) as con:
        truncated = con.execute("select sum(truncated_message_count) from sessions").fetchall()
    assert truncated[0][0] >= 1
    formats = {files[f][0] for f in sim.data.document_file_ids}
    assert {"docx", "xlsx", "pptx", "pdf", "odt", "rtf", "zip", "text", "image"} <= formats
    assert {loc.split()[0] for loc in locations} >= {"page", "sheet", "slide", "member"}

    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("select finding_id from findings order by 1").fetchall()
        inputs_before = con.execute("select count(*) from scanned_inputs").fetchall()[0][0]
        sources = {
            s for (s,) in con.execute("select distinct source from scanned_inputs").fetchall()
        }
    assert sources == set(SOURCE_NAMES)

    # The same range again leaves the same rows: no duplicates.
    assert run_cli(["run", "--start", start, "--end", end], monkeypatch) == 0
    second = capfd.readouterr()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select finding_id from findings order by 1").fetchall() == before
        assert con.execute("select count(*) from scanned_inputs").fetchall()[0][0] == inputs_before

    # What the run wrote passes the sources' freshness rules (`dbt source freshness`), on
    # every table that declares one.
    builder.run_dbt(Settings.from_env(), "source", "freshness")
    checked = json.loads((home / "dbt" / "target" / "sources.json").read_text())["results"]
    assert {r["unique_id"].split(".", 2)[2]: r["status"] for r in checked} == {
        "compliance_api.organizations": "pass",
        "compliance_api.users": "pass",
        "compliance_api.own_requests": "pass",
        "compliance_api.sync_ledger": "pass",
        "dlp.scanned_inputs": "pass",
    }

    # Listing keys shows id and fingerprint only.
    assert run_cli(["keys", "list", "--json"], monkeypatch) == 0
    listed = capfd.readouterr()
    assert json.loads(listed.out)[0]["key_id"] == key_id

    # Leak checks: the key plaintext nowhere under the home, nor in any captured output;
    # no planted value in any published table or view.
    outputs = [added, first, second, listed]
    assert files_containing(home, key) == []
    assert all(key not in o.out and key not in o.err for o in outputs)
    published = all_text_in_database(db)
    leaked = sorted({e["value"] for e in truth if e["value"] in published})
    assert leaked == []

    # Portable: only public marts, no path of this machine in their SQL or data, and a copy
    # elsewhere reads every table with the home (and its lake) gone.
    assert_portable(db, home)


def assert_portable(db: Path, home: Path) -> None:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("select schema_name, table_name, sql from duckdb_tables()").fetchall()
        views = con.execute("select view_name from duckdb_views() where not internal").fetchall()
        counts = {
            t: con.execute(f'select count(*) from "{t}"').fetchall()[0][0] for _, t, _ in tables
        }
    assert views == []
    assert {s for s, _, _ in tables} == {"main"}
    assert not [t for _, t, _ in tables if t.startswith(("stg_", "int_"))]
    assert {"findings", "scanned_inputs", "chats", "users", "sessions", "activities"} <= set(counts)
    assert all(str(home) not in sql for _, _, sql in tables)
    assert str(home) not in all_text_in_database(db)
    elsewhere = home.parent / "laptop"
    elsewhere.mkdir()
    copy = elsewhere / "compliance.duckdb"
    shutil.copyfile(db, copy)
    moved = home.parent / "home-moved-away"
    home.rename(moved)
    try:
        with duckdb.connect(str(copy), read_only=True) as con:
            again = {t: con.execute(f'select count(*) from "{t}"').fetchall()[0][0] for t in counts}
            triage = con.execute(
                "select distinct triage_status, is_suppressed from findings"
            ).fetchall()
    finally:
        moved.rename(home)
    assert again == counts
    assert counts["findings"] > 0 and triage == [("open", False)]


def _truth(sim) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    import dataclasses

    return [dataclasses.asdict(e) for e in sim.truth()]


def test_keys_add_refuses_bad_keys_and_stores_nothing(
    home: Path, sim, sim_server, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLAUDE_COMPLIANCE_API_URL", sim_server.url)
    cases = {
        sim.keys.claude_api: "Claude API key",
        sim.keys.admin: "Admin API key",
        sim.keys.unknown: "API key is invalid",
        sim.keys.deactivated: "deactivated",
        "sk-ant-api01-short": "malformed",
        "hello": "expected the prefix",
    }
    for key, reason in cases.items():
        assert run_cli(["keys", "add"], monkeypatch, stdin=key + "\n") == 1
        captured = capfd.readouterr()
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and reason in lines[0], lines
        assert key not in captured.err + captured.out
    assert run_cli(["keys", "list", "--json"], monkeypatch) == 0
    assert json.loads(capfd.readouterr().out) == []


def test_keys_add_with_the_api_unreachable_is_one_clear_line(
    home: Path, sim, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CLAUDE_COMPLIANCE_API_URL", f"http://127.0.0.1:{port}")
    assert run_cli(["keys", "add"], monkeypatch, stdin=sim.keys.compliance + "\n") == 1
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "could not reach the Compliance API" in err[0]
    assert run_cli(["keys", "list", "--json"], monkeypatch) == 0
    assert json.loads(capfd.readouterr().out) == []
