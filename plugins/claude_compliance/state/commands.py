"""`claude-compliance users …`: dashboard accounts (the password is read from stdin or a
no-echo prompt, never from argv)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, TextIO

from claude_compliance.errors import CommandError
from claude_compliance.settings import Settings


def add_parser_to(commands: Any) -> None:
    users = commands.add_parser("users", help="dashboard accounts: add, list, disable")
    user_cmds = users.add_subparsers(title="users commands", metavar="USERS_COMMAND")
    add = user_cmds.add_parser("add", help="create an account (password on stdin or a prompt)")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=("viewer", "analyst", "admin"))
    add.set_defaults(handler=cmd_users_add)
    list_ = user_cmds.add_parser("list", help="list accounts")
    list_.set_defaults(handler=cmd_users_list)
    password = user_cmds.add_parser("set-password", help="replace a password (ends sessions)")
    password.add_argument("--username", required=True)
    password.set_defaults(handler=cmd_users_set_password)
    for name, disabled in (("disable", True), ("enable", False)):
        cmd = user_cmds.add_parser(name, help=f"{name} an account")
        cmd.add_argument("--username", required=True)
        cmd.set_defaults(handler=cmd_users_disable, is_disabled=disabled)


def _store() -> Any:
    from claude_compliance.state.users import UserStore

    return UserStore(_engine())


def _engine() -> Any:
    from claude_compliance import runtime

    return runtime.state_engine(Settings.load())


def _read_password(stdin: TextIO) -> str:
    if stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise CommandError("the passwords differ")
        return first
    value = stdin.readline().rstrip("\r\n")
    if not value:
        raise CommandError("no password given: pipe it on stdin or type it at the prompt")
    return value


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def cmd_users_add(args: argparse.Namespace) -> int:
    from claude_compliance.state.audit import AuditLog
    from claude_compliance.state.users import UserError, UserStore

    engine = _engine()
    try:
        user = UserStore(engine).add(
            args.username, _read_password(sys.stdin), args.role, actor=_actor()
        )
    except UserError as exc:
        raise CommandError(str(exc)) from None
    AuditLog(engine).record(_actor(), "user_add", user.username, {"role": user.role.value})
    print(f"created {user.role.value} account {user.username}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    users = _store().all()
    if not users:
        print("no accounts (claude-compliance users add --username U --role admin)")
        return 0
    print(f"{'USERNAME':<24} {'ROLE':<8} {'STATUS':<9} LAST SIGN-IN")
    for u in users:
        status = "disabled" if u.is_disabled else "active"
        last = u.last_login_at.isoformat() if u.last_login_at else "never"
        print(f"{u.username:<24} {u.role.value:<8} {status:<9} {last}")
    return 0


def cmd_users_set_password(args: argparse.Namespace) -> int:
    from claude_compliance.state.users import UserError

    try:
        _store().set_password(args.username, _read_password(sys.stdin))
    except UserError as exc:
        raise CommandError(str(exc)) from None
    print(f"password of {args.username} replaced; their sessions ended")
    return 0


def cmd_users_disable(args: argparse.Namespace) -> int:
    from claude_compliance.state.users import UserError

    try:
        _store().set_disabled(args.username, args.is_disabled)
    except UserError as exc:
        raise CommandError(str(exc)) from None
    print(f"{args.username} {'disabled' if args.is_disabled else 'enabled'}")
    return 0
