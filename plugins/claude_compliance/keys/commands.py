"""The `claude-compliance keys …` commands: register, list, show, validate, revoke, rotate.

Command code only parses, calls `keys.service` and prints: the plaintext key is read from
stdin or a no-echo prompt (never argv) and never printed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any, TextIO

from claude_compliance.errors import CommandError
from claude_compliance.settings import Settings


def add_parser_to(commands: Any) -> None:
    keys = commands.add_parser("keys", help="register, list, validate and revoke Compliance keys")
    key_cmds = keys.add_subparsers(title="keys commands", metavar="KEYS_COMMAND")
    add = key_cmds.add_parser("add", help="register a key (read from stdin or a no-echo prompt)")
    add.add_argument("--name", default="Compliance key", help="a label for the key")
    add.add_argument(
        "--replaces", metavar="ID", help="revoke this key once the new one is registered"
    )
    add.set_defaults(handler=cmd_keys_add)
    list_ = key_cmds.add_parser("list", help="list registered keys")
    list_.add_argument("--json", action="store_true", help="machine-readable output")
    list_.set_defaults(handler=cmd_keys_list)
    show = key_cmds.add_parser("show", help="show one key, its recent syncs and events")
    show.add_argument("key_id")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=cmd_keys_show)
    revoke = key_cmds.add_parser(
        "revoke", help="stop syncing a key (does not disable it at Anthropic)"
    )
    revoke.add_argument("key_id")
    revoke.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    revoke.set_defaults(handler=cmd_keys_revoke)
    validate = key_cmds.add_parser("validate", help="re-check a key live against the API")
    validate.add_argument("key_id")
    validate.set_defaults(handler=cmd_keys_validate)
    rotate = key_cmds.add_parser(
        "rotate-master", help="re-encrypt every key under a new master key"
    )
    rotate.set_defaults(handler=cmd_keys_rotate_master)


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _read_key(stdin: TextIO) -> str:
    if stdin.isatty():
        value = getpass.getpass("Compliance Access Key (input hidden): ")
    else:
        value = stdin.readline()
    value = value.strip()
    if not value:
        raise CommandError("no key given: pipe it on stdin or type it at the prompt")
    return value


def _audit(settings: Settings, action: str, target: str | None, detail: dict[str, Any]) -> None:
    """Key actions from the CLI go to the same audit log as the dashboard's."""
    from claude_compliance import runtime
    from claude_compliance.state.audit import AuditLog

    AuditLog(runtime.state_engine(settings)).record(actor(), action, target, detail or None)


def register_key(settings: Settings, plaintext: str, name: str, actor: str) -> dict[str, Any]:
    """Format check, live validation, then encrypted storage; nothing stored on failure."""
    from claude_compliance.keys import service

    return service.register(settings, plaintext, name=name, actor=actor).record.as_public_dict()


def cmd_keys_add(args: argparse.Namespace) -> int:
    from claude_compliance.keys import service

    settings = Settings.load()
    try:
        result = service.register(
            settings, _read_key(sys.stdin), name=args.name, actor=actor(), replaces=args.replaces
        )
    except (service.KeyRejected, service.KeyStoreError) as exc:
        _audit(settings, "key_register_refused", None, {"reason": str(exc)})
        raise
    _audit(
        settings,
        "key_register",
        result.record.key_id,
        {"fingerprint": result.record.fingerprint, "replaces": args.replaces},
    )
    _print_key(result.record.as_public_dict())
    if args.replaces:
        print(f"revoked {args.replaces}: replaced by {result.record.key_id}")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _print_key(info: dict[str, Any]) -> None:
    print(f"id:            {info['key_id']}")
    print(f"name:          {info['name']}")
    print(f"fingerprint:   {info['fingerprint']}")
    print(f"scopes:        {', '.join(info['scopes']) or '-'}")
    print(f"organizations: {info['parent_organization']}")
    print(f"status:        {info['status']}")
    print(f"registered:    {info['created_at']} by {info['created_by'] or '-'}")
    print(f"validated:     {info['last_validated_at'] or 'never'}")
    print(f"last ok sync:  {info['last_success_at'] or 'never'}")
    if info.get("last_failure_at"):
        print(f"last failure:  {info['last_failure_at']} (the latest sync failed)")
    if info.get("last_error"):
        print(f"last error:    {info['last_error']}")
    if info.get("revoked_at"):
        print(f"revoked:       {info['revoked_at']} by {info['revoked_by']}")


def cmd_keys_list(args: argparse.Namespace) -> int:
    from claude_compliance import runtime

    records = [r.as_public_dict() for r in runtime.key_store(Settings.load()).all()]
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    if not records:
        print("no keys registered (claude-compliance keys add)")
        return 0
    # A failed sync is not "the last sync": the last one that worked, and the failure beside it.
    print(
        f"{'ID':<14} {'STATUS':<11} {'LAST OK SYNC':<26} {'FAILED SYNC':<26} "
        f"{'FINGERPRINT':<44} NAME"
    )
    for r in records:
        ok = (r["last_success_at"] or "never")[:25]
        failed = (r["last_failure_at"] or "-")[:25]
        print(
            f"{r['key_id']:<14} {r['status']:<11} {ok:<26} {failed:<26} "
            f"{r['fingerprint']:<44} {r['name']}"
        )
    return 0


def cmd_keys_show(args: argparse.Namespace) -> int:
    from claude_compliance import runtime

    store = runtime.key_store(Settings.load())
    info = store.get(args.key_id).as_public_dict()
    syncs = store.sync_history(args.key_id, limit=10)
    events = list(store.events(args.key_id))[-10:]
    if args.json:
        info["syncs"] = [
            {
                "status": s.status,
                "error": s.error,
                "interval_start": s.interval_start.isoformat() if s.interval_start else None,
                "interval_end": s.interval_end.isoformat() if s.interval_end else None,
                "recorded_at": s.recorded_at.isoformat(),
            }
            for s in syncs
        ]
        info["events"] = [{**e, "created_at": e["created_at"].isoformat()} for e in events]
        print(json.dumps(info, indent=2))
        return 0
    _print_key(info)
    if syncs:
        print("recent syncs:")
        for s in syncs:
            span = f" {s.interval_start:%Y-%m-%d %H:%M}" if s.interval_start else ""
            error = f" {s.error}" if s.error else ""
            print(f"  {s.recorded_at:%Y-%m-%d %H:%M:%S} {s.status:<6}{span}{error}")
    print("events:")
    for e in events:
        detail = f" {e['detail']}" if e["detail"] else ""
        print(f"  {e['created_at']:%Y-%m-%d %H:%M:%S} {e['event']:<18} {e['actor']}{detail}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from claude_compliance.keys import service

    settings = Settings.load()
    if sys.stdin.isatty() and not args.yes:
        print(service.REVOKE_NOTICE)
        answer = input(f"Type {args.key_id} to revoke it: ").strip()
        if answer != args.key_id:
            raise CommandError("not revoked: the id typed did not match")
    record = service.revoke(settings, args.key_id, actor=actor())
    _audit(settings, "key_revoke", record.key_id, {})
    print(f"revoked {record.key_id} ({record.fingerprint}): no further syncs or scans.")
    print("Data already fetched is kept. The key still works at Anthropic: delete it in")
    print("claude.ai > Organization settings > API to disable it there.")
    return 0


def cmd_keys_validate(args: argparse.Namespace) -> int:
    from claude_compliance.keys import service

    settings = Settings.load()
    try:
        record = service.validate(settings, args.key_id, actor=actor())
    except (service.KeyRejected, service.KeyStoreError):
        _audit(settings, "key_validate", args.key_id, {"ok": False})
        raise
    _audit(settings, "key_validate", record.key_id, {"ok": True})
    print(f"{record.key_id} is valid; readable: {', '.join(record.scopes)}")
    return 0


def cmd_keys_rotate_master(args: argparse.Namespace) -> int:
    from claude_compliance.keys import service

    settings = Settings.load()
    rotation = service.rotate_master(settings, actor=actor())
    _audit(
        settings, "master_rotate", None, {"rotated": rotation.rotated, "source": rotation.source}
    )
    print(rotation.message)
    return 0
