"""`claude-compliance keys …` end to end against the simulator on loopback."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from claude_compliance.cli import main


def cli(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(args)


@pytest.fixture
def online(home: Path, sim_server, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CLAUDE_COMPLIANCE_API_URL", sim_server.url)


def test_add_list_show_validate_revoke(
    online: None,
    sim,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    assert cli(["keys", "add", "--name", "Acme"], monkeypatch, sim.keys.compliance + "\n") == 0
    out = capfd.readouterr().out
    key_id = next(line.split()[1] for line in out.splitlines() if line.startswith("id:"))
    assert "status:        active" in out and "registered:" in out

    assert cli(["keys", "list"], monkeypatch) == 0
    listing = capfd.readouterr().out
    assert key_id in listing and "active" in listing

    assert cli(["keys", "show", key_id, "--json"], monkeypatch) == 0
    shown = json.loads(capfd.readouterr().out)
    assert shown["key_id"] == key_id and shown["events"][0]["event"] == "registered"
    assert set(shown) >= {
        "fingerprint",
        "scopes",
        "parent_organization",
        "last_sync_at",
        "last_sync_status",
        "last_error",
        "created_at",
        "status",
    }

    assert cli(["keys", "validate", key_id], monkeypatch) == 0
    assert "is valid" in capfd.readouterr().out

    assert cli(["keys", "revoke", key_id], monkeypatch) == 0
    revoked = capfd.readouterr().out
    assert "still works at Anthropic" in revoked
    assert cli(["keys", "show", key_id], monkeypatch) == 0
    assert "status:        revoked" in capfd.readouterr().out
    assert cli(["keys", "revoke", key_id], monkeypatch) == 1
    assert "already revoked" in capfd.readouterr().err
    from claude_compliance import runtime
    from claude_compliance.settings import Settings
    from claude_compliance.state.audit import AuditLog

    events, _ = AuditLog(runtime.state_engine(Settings.load())).recent()
    assert [e.action for e in events] == ["key_revoke", "key_validate", "key_register"]
    assert all(e.actor.startswith("cli") and e.target == key_id for e in events)


def test_add_with_replaces_and_the_overlap_warning(
    online: None,
    sim,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    scopes = ["read:compliance_user_data", "read:compliance_org_data"]
    assert cli(["keys", "add"], monkeypatch, sim.keys.compliance + "\n") == 0
    first = capfd.readouterr().out.split()[1]
    assert cli(["keys", "add"], monkeypatch, sim.add_key(scopes) + "\n") == 0
    warned = capfd.readouterr()
    second = warned.out.split()[1]
    assert f"warning: key {first}" in warned.err
    assert cli(["keys", "add", "--replaces", second], monkeypatch, sim.add_key(scopes)) == 0
    assert f"revoked {second}" in capfd.readouterr().out


def test_validate_of_a_deactivated_key_fails_and_marks_it(
    online: None,
    sim,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    assert cli(["keys", "add"], monkeypatch, sim.keys.compliance + "\n") == 0
    key_id = capfd.readouterr().out.split()[1]
    sim.key_ring.deactivate(sim.keys.compliance)
    assert cli(["keys", "validate", key_id], monkeypatch) == 1
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "deactivated" in err[0]
    assert cli(["keys", "list", "--json"], monkeypatch) == 0
    assert json.loads(capfd.readouterr().out)[0]["status"] == "sync_error"


def test_rotate_master_from_the_cli(
    online: None,
    sim,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
    home: Path,
) -> None:
    monkeypatch.delenv("CLAUDE_COMPLIANCE_MASTER_KEY")
    assert cli(["keys", "add"], monkeypatch, sim.keys.compliance + "\n") == 0
    key_id = capfd.readouterr().out.split()[1]
    assert cli(["keys", "rotate-master"], monkeypatch) == 0
    assert "re-encrypted 1 key(s)" in capfd.readouterr().out
    assert cli(["keys", "validate", key_id], monkeypatch) == 0
    monkeypatch.setenv("CLAUDE_COMPLIANCE_MASTER_KEY", (home / "master.key").read_text().strip())
    assert cli(["keys", "rotate-master"], monkeypatch) == 0  # new,old already configured
    assert cli(["keys", "validate", key_id], monkeypatch) == 0
    monkeypatch.setenv(
        "CLAUDE_COMPLIANCE_MASTER_KEY", (home / "master.key").read_text().split(",")[0].strip()
    )
    assert cli(["keys", "rotate-master"], monkeypatch) == 1
    assert "put a new Fernet key first" in capfd.readouterr().err


def test_the_key_is_never_read_from_argv(online: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Refused before argparse (which would echo it): tests/security/test_smaller_leaks.py.
    assert cli(["keys", "add", "sk-ant-api01-" + "x" * 40], monkeypatch) == 2
