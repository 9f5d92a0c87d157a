"""Malformed text from the API never breaks the key store or `keys` output."""

from __future__ import annotations

import dataclasses
import io
import json
import sys
from pathlib import Path

import pytest

from claude_compliance.cli import main
from tests.keys.test_store import KEY, make_store
from tests.malformed_text import FFFD, HIGH, EscapingApp


@pytest.fixture
def url(state_url: str) -> str:
    """On SQLite and on PostgreSQL (whose text refuses NUL outright)."""
    return state_url


def test_a_sync_error_echoing_malformed_text_is_stored(url: str) -> None:
    store = make_store(url)
    key_id = store.add(KEY, name="k", scopes=[], organizations=[], actor="t").key_id
    store.record_sync(key_id, ok=False, error=f"bad name \ud83d and \x00 with {KEY}")
    record = store.get(key_id)
    assert record.status == "sync_error"
    assert record.last_error == f"bad name {FFFD} and {FFFD} with {record.fingerprint}"


def test_keys_add_with_a_malformed_organization_name(
    home: Path, sim, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from compliance_simulator import serve

    org = sim.data.orgs[0]
    sim.data.orgs[0] = dataclasses.replace(org, name=f"Acme {HIGH}")
    sim.data.reindex()
    sim.app = EscapingApp(sim.app)
    with serve(sim, host="127.0.0.1", port=0) as server:
        monkeypatch.setenv("CLAUDE_COMPLIANCE_API_URL", server.url)
        monkeypatch.setattr(sys, "stdin", io.StringIO(sim.keys.compliance + "\n"))
        assert main(["keys", "add", "--name", "k"]) == 0
        # The name is shown (and stored) as U+FFFD: printable, storable, renderable.
        assert f"organizations: Acme {FFFD}," in capfd.readouterr().out
        assert main(["keys", "list", "--json"]) == 0
    (listed,) = json.loads(capfd.readouterr().out)
    assert listed["organization_names"][0] == f"Acme {FFFD}"
