"""`claude-compliance`: the command line (ARCHITECTURE §4 is the contract).

Errors print as one line (`error: …`) and exit 1; `--debug` shows the traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from claude_compliance.console import Progress, configure_logging
from claude_compliance.settings import Settings

log = logging.getLogger("claude_compliance")


class CommandError(Exception):
    """A user-facing failure: printed as one line, exit status 1."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    configure_logging(args.debug)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return 2
    try:
        result: int = args.handler(args)
        return result
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # every failure becomes one line unless --debug
        if args.debug:
            traceback.print_exc()
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 1


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    message = text[0] if text else type(exc).__name__
    if isinstance(exc, CommandError | ValueError):
        return message
    return f"{type(exc).__name__}: {message}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claude-compliance",
        description="Sync Compliance API data, scan it for sensitive data, publish findings.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

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

    run = commands.add_parser("run", help="extract → scan → dbt build → publish for [start, end)")
    _add_range(run)
    run.add_argument("--key", action="append", dest="keys", metavar="ID", help="only this key")
    run.set_defaults(handler=cmd_run)

    scan = commands.add_parser("scan", help="scan text or JSONL for sensitive data")
    scan.add_argument("path", nargs="?", default="-", help="a file, or - for stdin (default)")
    scan.add_argument("--jsonl", action="store_true", help='input lines are {"id","text"}')
    scan.set_defaults(handler=cmd_scan)

    sim = commands.add_parser("simulator", help="serve the simulated Compliance API")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8765)
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--users", type=int, default=12)
    sim.add_argument("--days", type=int, default=7)
    sim.add_argument("--truth", type=Path, help="write the planted ground truth here (JSONL)")
    sim.add_argument("--keys-out", type=Path, help="write the simulator's keys here (mode 0600)")
    sim.add_argument("--rate-limit", type=int, default=600, help="requests/min; 0 = off")
    sim.set_defaults(handler=cmd_simulator)

    demo = commands.add_parser("demo", help="simulator + demo key + run over the last 7 days")
    demo.add_argument("--days", type=int, default=7)
    demo.add_argument("--users", type=int, default=12)
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(handler=cmd_demo)
    return parser


def _add_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", required=True, type=_date, help="first day, YYYY-MM-DD")
    parser.add_argument("--end", required=True, type=_date, help="day after the last, YYYY-MM-DD")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _settings() -> Settings:
    settings = Settings.from_env()
    settings.ensure_dirs()
    return settings


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


# -- keys ---------------------------------------------------------------------------------


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
    settings = _settings()
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

    records = [r.as_public_dict() for r in runtime.key_store(_settings()).all()]
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

    _print_key(runtime.key_store(_settings()).get(args.key_id).as_public_dict())
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from claude_compliance import runtime

    record = runtime.key_store(_settings()).revoke(args.key_id, actor=_actor())
    print(f"revoked {record.key_id} ({record.fingerprint}): no further syncs or scans.")
    print("Data already fetched is kept. The key still works at Anthropic: delete it in")
    print("claude.ai > Organization settings > API to disable it there.")
    return 0


def cmd_keys_validate(args: argparse.Namespace) -> int:
    from claude_compliance import runtime
    from claude_compliance.api import RetryPolicy
    from claude_compliance.keys.validation import KeyRejected, validate_live

    settings = _settings()
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

    settings = _settings()
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


# -- run ----------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from claude_compliance.pipeline import run_range

    settings = _settings()
    progress = Progress()
    try:
        scans = run_range(settings, args.start, args.end, key_ids=args.keys, report=progress)
    finally:
        progress.done()
    print(
        f"done: {sum(s.inputs for s in scans)} inputs scanned, "
        f"{sum(s.findings for s in scans)} findings; published {settings.published_db_path}"
    )
    return 0


# -- scan ---------------------------------------------------------------------------------


def cmd_scan(args: argparse.Namespace) -> int:
    from claude_compliance import runtime

    engine = runtime.scan_engine(_settings())
    stream = sys.stdin if args.path == "-" else open(args.path, encoding="utf-8")
    with stream:
        if args.jsonl:
            items = _jsonl_items(stream)
        else:
            items = iter([(None, stream.read())])
        for item_id, text in items:
            for finding in engine.scan(text):
                print(
                    json.dumps(
                        {
                            "id": item_id,
                            "detector": finding.detector,
                            "category": str(finding.category.value),
                            "severity": str(finding.severity.value),
                            "start": finding.start,
                            "end": finding.end,
                            "redacted": finding.redacted,
                        },
                        ensure_ascii=False,
                    )
                )
    return 0


def _jsonl_items(stream: TextIO) -> Any:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            yield item.get("id"), str(item["text"])
        except (ValueError, KeyError, AttributeError):
            raise CommandError(f'line {number}: expected a JSON object with "text"') from None


# -- simulator and demo -------------------------------------------------------------------


def cmd_simulator(args: argparse.Namespace) -> int:
    from claude_compliance.simulator import SimConfig, run_server

    config = SimConfig(
        seed=args.seed, users=args.users, days=args.days, rate_limit_per_minute=args.rate_limit
    )
    run_server(config, args.host, args.port, args.truth, args.keys_out)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from claude_compliance.pipeline import run_range
    from claude_compliance.simulator import SimConfig, Simulator, serve

    settings = _settings()
    today = datetime.now(UTC).date()
    sim = Simulator(SimConfig(seed=args.seed, users=args.users, days=args.days, anchor=today))
    truth = settings.home / "simulator-truth.jsonl"
    sim.write_truth(truth)
    progress = Progress()
    with serve(sim, host="127.0.0.1", port=0) as server:
        settings = dataclasses.replace(settings, api_url=server.url)
        progress(f"simulator on {server.url}: registering the demo key")
        key_id = _demo_key(settings, sim.keys.compliance)
        try:
            scans = run_range(
                settings,
                today - timedelta(days=args.days),
                today,
                key_ids=[key_id],
                report=progress,
            )
        finally:
            progress.done()
    print(
        f"Demo run over {today - timedelta(days=args.days)} .. {today} (simulator seed {args.seed})"
    )
    print(f"  inputs scanned: {sum(s.inputs for s in scans)}")
    _print_summary(settings)
    print(f"  planted ground truth: {truth}")
    return 0


def _demo_key(settings: Settings, plaintext: str) -> str:
    from claude_compliance import runtime

    existing = runtime.key_store(settings).find(plaintext)
    if existing is not None:
        return existing.key_id
    info = register_key(settings, plaintext, "Demo key (simulator)", "demo")
    return str(info["key_id"])


def _print_summary(settings: Settings) -> None:
    import duckdb

    path = settings.published_db_path
    with duckdb.connect(str(path), read_only=True) as con:
        total = con.execute("select count(*) from findings").fetchall()[0][0]
        by_severity = con.execute(
            "select severity, count(*) from findings group by severity order by "
            "case severity when 'CRITICAL' then 0 when 'HIGH' then 1 when 'MEDIUM' then 2 "
            "when 'LOW' then 3 else 4 end"
        ).fetchall()
        by_source = con.execute(
            "select source, count(*) from findings group by source order by 2 desc"
        ).fetchall()
        coverage = con.execute(
            "select count(*), count(*) filter (where finding_count > 0) from scanned_inputs"
        ).fetchall()[0]
    print(f"  findings: {total} in {coverage[1]} of {coverage[0]} inputs")
    print("  by severity: " + ", ".join(f"{s} {n}" for s, n in by_severity))
    print("  by source:   " + ", ".join(f"{s} {n}" for s, n in by_source))
    print(f"  warehouse: {path}")
    query = "select severity, category, count(*) from findings group by all order by 3 desc"
    print(
        f"  query it: .venv/bin/python -c \"import duckdb; "
        f"duckdb.connect('{path}', read_only=True).sql('{query}').show()\""
    )


if __name__ == "__main__":
    raise SystemExit(main())
