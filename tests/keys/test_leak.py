"""The plaintext key never leaves the key store.

Register it, sync with it (a good sync, a failing sync, a run that raises), tamper with it,
render every `keys` command and every keys API response and page; then search every file
under the home, a dump of the state DB, every captured output, log record and response body.
"""

from __future__ import annotations

import io
import logging
import re
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from claude_compliance import runtime
from claude_compliance.cli import main
from claude_compliance.settings import Settings
from tests.e2e.checks import files_containing

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"


def cli(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(args)


def state_dump(settings: Settings) -> str:
    engine = runtime.state_engine(settings)
    meta = sa.MetaData()
    meta.reflect(engine)
    parts: list[str] = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(sa.select(table)):
                parts.extend(repr(v) for v in row)
    return "\n".join(parts)


def test_the_plaintext_key_appears_in_no_output_file_dump_or_log(
    home: Path,
    sim,  # type: ignore[no-untyped-def]
    sim_server,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from fastapi.testclient import TestClient

    from claude_compliance.state.users import UserStore
    from claude_compliance.web.app import create_app

    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("CLAUDE_COMPLIANCE_API_URL", sim_server.url)
    key = sim.keys.compliance
    outputs: list[str] = []

    def run(args: list[str], stdin: str = "") -> int:
        code = cli(["--debug", *args], monkeypatch, stdin)
        captured = capfd.readouterr()
        outputs.extend([captured.out, captured.err])
        return code

    assert run(["keys", "add", "--name", "leak"], key + "\n") == 0
    key_id = re.search(r"^id:\s+(\S+)", outputs[0], re.M).group(1)  # type: ignore[union-attr]
    day = ["--start", "2026-11-19", "--end", "2026-11-20"]
    assert run(["run", *day]) == 0  # a good sync, scan, dbt build and publish
    sim.faults.add(".*", status=500, should_retry=False, times=1000)
    assert run(["run", *day]) == 1  # a failing sync: the run raises at the end
    sim.faults.clear()
    assert run(["keys", "validate", key_id]) == 0
    for args in (
        ["keys", "list"],
        ["keys", "list", "--json"],
        ["keys", "show", key_id],
        ["keys", "show", key_id, "--json"],
    ):
        assert run(args) == 0
    assert '"status": "failed"' in outputs[-2]  # the failing sync is in the history

    # The keys JSON API and pages (validation goes to the simulator over loopback).
    settings = Settings.load()
    UserStore(runtime.state_engine(settings)).add("admin", PASSWORD, "admin", actor="t")
    client = TestClient(create_app(settings))
    login = client.post("/api/session", json={"username": "admin", "password": PASSWORD})
    csrf = {"x-csrf-token": login.json()["csrf_token"]}
    responses = [login]
    responses += [
        client.get(p)
        for p in (
            "/api/keys",
            f"/api/keys/{key_id}",
            "/keys",
            f"/keys/{key_id}",
            f"/keys/{key_id}/revoke",
            "/sync",
        )
    ]
    responses.append(client.post(f"/api/keys/{key_id}/validate", headers=csrf))
    responses.append(client.post("/api/keys", json={"name": "dup", "key": key}, headers=csrf))
    responses.append(client.post("/api/keys", json={"name": 5, "key": key}, headers=csrf))
    responses.append(client.post("/api/keys", json={"key": key}, headers=csrf))
    responses.append(
        client.post(
            "/api/keys",
            content=f'{{"name": "x", "key": "{key}"',
            headers={**csrf, "content-type": "application/json"},
        )
    )
    responses.append(
        client.post("/keys", data={"name": "dup", "key": key, "csrf_token": csrf["x-csrf-token"]})
    )
    responses.append(
        client.post(
            "/keys", data={"name": "x" * 400, "key": key, "csrf_token": csrf["x-csrf-token"]}
        )
    )
    assert [r.status_code for r in responses[-7:]] == [200, 409, 422, 422, 422, 400, 422]
    assert "already registered" in responses[-6].json()["error"]

    # The exception path: tampered ciphertext, then every reader of the key fails clearly.
    with runtime.state_engine(settings).begin() as conn:
        conn.execute(sa.text("update compliance_keys set ciphertext = 'gAAAAABtampered=='"))
    assert run(["keys", "validate", key_id]) == 1
    assert run(["run", *day]) == 1
    assert "tampered" in outputs[-1]
    responses.append(client.post(f"/api/keys/{key_id}/validate", headers=csrf))
    assert run(["keys", "rotate-master"]) == 1
    responses.append(client.post(f"/api/keys/{key_id}/revoke", headers=csrf))
    assert responses[-1].status_code == 200
    assert run(["keys", "show", key_id]) == 0

    bodies = [r.text + str(r.headers) for r in responses]
    logs = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    assert all(key not in text for text in outputs), "key in CLI output"
    assert all(key not in text for text in bodies), "key in an API response"
    assert all(key not in text for text in logs), "key in a log record"
    assert files_containing(home, key) == []
    assert key not in state_dump(settings)
    # and what we searched is real: the outputs carry the key's id and fingerprint
    fingerprint = runtime.key_store(settings).get(key_id).fingerprint
    assert any(fingerprint in text for text in outputs) and any(key_id in b for b in bodies)
    assert (home / "warehouse" / "compliance.duckdb").exists()
    assert any(p.suffix == ".parquet" for p in (home / "lake").rglob("*"))
