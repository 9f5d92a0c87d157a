"""`claude-compliance users …`: the password comes from stdin, never from argv."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from claude_compliance import runtime
from claude_compliance.cli import main
from claude_compliance.settings import Settings
from claude_compliance.state.audit import AuditLog
from claude_compliance.state.users import UserStore


def cli(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(args)


def test_users_add_list_disable_and_set_password(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    password = "a long enough password"
    assert (
        cli(["users", "add", "--username", "ann", "--role", "admin"], monkeypatch, password + "\n")
        == 0
    )
    assert "created admin account ann" in capfd.readouterr().out
    users = UserStore(runtime.state_engine(Settings.load()))
    assert users.authenticate("ann", password) is not None
    assert (
        cli(["users", "add", "--username", "ann", "--role", "viewer"], monkeypatch, password) == 1
    )
    assert "already exists" in capfd.readouterr().err
    assert cli(["users", "add", "--username", "bob", "--role", "viewer"], monkeypatch, "short") == 1
    assert "at least 10 characters" in capfd.readouterr().err
    assert cli(["users", "add", "--username", "bob", "--role", "viewer"], monkeypatch, "") == 1
    assert "no password given" in capfd.readouterr().err
    assert cli(["users", "list"], monkeypatch) == 0
    listing = capfd.readouterr().out
    assert "ann" in listing and "admin" in listing and password not in listing
    assert cli(["users", "disable", "--username", "ann"], monkeypatch) == 0
    assert users.authenticate("ann", password) is None
    assert cli(["users", "enable", "--username", "ann"], monkeypatch) == 0
    assert (
        cli(["users", "set-password", "--username", "ann"], monkeypatch, "another long password\n")
        == 0
    )
    assert users.authenticate("ann", "another long password") is not None
    events, _ = AuditLog(runtime.state_engine(Settings.load())).recent(action="user_add")
    assert [e.target for e in events] == ["ann"]


def test_the_role_must_be_one_of_three(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit):
        cli(["users", "add", "--username", "x", "--role", "root"], monkeypatch, "p" * 12)
