"""The `claude-compliance keys …` commands: register, list, show, validate, revoke, rotate."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any, TextIO

from claude_compliance.errors import CommandError
from claude_compliance.settings import Settings


def add_parser_to(commands: Any) -> None:
    keys = commands.add_parser("keys", help="register, list, validate and revoke Compliance keys")
    key_cmds = keys.add_subparsers(title="keys commands", metavar="KEYS_COMMAND")
    add = key_cmds.add_parser("add", help="register a key (read from stdin or a no-echo prompt)")
    add.add_argument("--name", default="Compliance key", help="a label for the key")
    add.set_defaults(handler=cmd_keys_add)
    list_ = key_cmds.add_parser("list", help="list registered keys")
    list_.add_argument("--json", action="store_true", help="machine-readable output")
    list_.set_defaults(handler=cmd_keys_list)
    show = key_cmds.add_parser("show", help="show one key")
    show.add_argument("key_id")
    show.set_defaults(handler=cmd_keys_show)
    revoke = key_cmds.add_parser(
        "revoke", help="stop syncing a key (does not disable it at Anthropic)"
    )
    revoke.add_argument("key_id")
    revoke.set_defaults(handler=cmd_keys_revoke)
    validate = key_cmds.add_parser("validate", help="re-check a key live against the API")
    validate.add_argument("key_id")
    validate.set_defaults(handler=cmd_keys_validate)
    rotate = key_cmds.add_parser(
        "rotate-master", help="re-encrypt every key under a new master key"
    )
    rotate.set_defaults(handler=cmd_keys_rotate_master)


def _actor() -> str:
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


def register_key(settings: Settings, plaintext: str, name: str, actor: str) -> dict[str, Any]:
    """Format check, live validation, then encrypted storage; nothing stored on failure."""
    from claude_compliance import runtime
    from claude_compliance.api import RetryPolicy
    from claude_compliance.keys.store import fingerprint_of
    from claude_compliance.keys.validation import check_format, validate_live

    check_format(plaintext)
    quick = RetryPolicy(max_attempts=2, backoff_initial_s=0.5, backoff_max_s=2.0)
    with runtime.client(
        settings, plaintext, key_label=fingerprint_of(plaintext), retry=quick
    ) as api:
        validation = validate_live(api)
    record = runtime.key_store(settings).add(
        plaintext,
        name=name,
        scopes=list(validation.families),
        organizations=list(validation.organization_uuids),
        actor=actor,
    )
    return record.as_public_dict()


def cmd_keys_add(args: argparse.Namespace) -> int:
    settings = Settings.load()
    info = register_key(settings, _read_key(sys.stdin), args.name, _actor())
    _print_key(info)
    return 0


def _print_key(info: dict[str, Any]) -> None:
    print(f"id:            {info['key_id']}")
    print(f"name:          {info['name']}")
    print(f"fingerprint:   {info['fingerprint']}")
    print(f"scopes:        {', '.join(info['scopes']) or '-'}")
    print(f"organizations: {', '.join(info['organizations']) or '-'}")
    print(f"status:        {info['status']}")
    print(f"last sync:     {info['last_sync_at'] or 'never'} {info['last_sync_status'] or ''}")
    if info.get("last_error"):
        print(f"last error:    {info['last_error']}")


def cmd_keys_list(args: argparse.Namespace) -> int:
    from claude_compliance import runtime

    records = [r.as_public_dict() for r in runtime.key_store(Settings.load()).all()]
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    if not records:
        print("no keys registered (claude-compliance keys add)")
        return 0
    print(f"{'ID':<14} {'STATUS':<11} {'LAST SYNC':<26} {'FINGERPRINT':<44} NAME")
    for r in records:
        last = (r["last_sync_at"] or "never")[:25]
        print(f"{r['key_id']:<14} {r['status']:<11} {last:<26} {r['fingerprint']:<44} {r['name']}")
    return 0


def cmd_keys_show(args: argparse.Namespace) -> int:
    from claude_compliance import runtime

    _print_key(runtime.key_store(Settings.load()).get(args.key_id).as_public_dict())
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from claude_compliance import runtime

    record = runtime.key_store(Settings.load()).revoke(args.key_id, actor=_actor())
    print(f"revoked {record.key_id} ({record.fingerprint}): no further syncs or scans.")
    print("Data already fetched is kept. The key still works at Anthropic: delete it in")
    print("claude.ai > Organization settings > API to disable it there.")
    return 0


def cmd_keys_validate(args: argparse.Namespace) -> int:
    from claude_compliance import runtime
    from claude_compliance.api import RetryPolicy
    from claude_compliance.keys.validation import KeyRejected, validate_live

    settings = Settings.load()
    store = runtime.key_store(settings)
    record = store.get(args.key_id)
    quick = RetryPolicy(max_attempts=2, backoff_initial_s=0.5, backoff_max_s=2.0)
    try:
        with runtime.client(
            settings, store.reveal(args.key_id), key_label=record.fingerprint, retry=quick
        ) as api:
            validation = validate_live(api)
    except KeyRejected as exc:
        store.mark_validated(args.key_id, actor=_actor(), ok=False, error=str(exc))
        raise CommandError(f"{args.key_id}: {exc}") from None
    store.mark_validated(args.key_id, actor=_actor(), ok=True, error=None)
    print(f"{args.key_id} is valid; readable: {', '.join(validation.families)}")
    return 0


def cmd_keys_rotate_master(args: argparse.Namespace) -> int:
    from cryptography.fernet import Fernet, MultiFernet

    from claude_compliance import runtime
    from claude_compliance.keys.master import MASTER_KEY_VAR, new_master_key

    settings = Settings.load()
    store = runtime.key_store(settings)
    new_key = new_master_key()
    current = os.environ.get(MASTER_KEY_VAR)
    key_file = settings.home / "master.key"
    old_keys = current or key_file.read_text().strip()
    rotated = store.rotate_master(
        MultiFernet([Fernet(new_key.encode())] + [Fernet(k.encode()) for k in old_keys.split(",")]),
        actor=_actor(),
    )
    if current:
        print(f"re-encrypted {rotated} key(s). Set {MASTER_KEY_VAR} to the new value first in")
        print("the list (keep the old one after it until every process has restarted):")
        print(f"{MASTER_KEY_VAR}={new_key},{current}")
    else:
        tmp = key_file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{new_key},{old_keys}\n")
        os.replace(tmp, key_file)
        print(f"re-encrypted {rotated} key(s) under a new master key in {key_file}")
    return 0
