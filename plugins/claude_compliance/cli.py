"""`claude-compliance`: the command line (ARCHITECTURE §4 is the contract).

Errors print as one line (`error: …`) and exit 1; `--debug` shows the traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from claude_compliance.console import Progress, configure_logging
from claude_compliance.errors import CommandError
from claude_compliance.scan import command as scan_command
from claude_compliance.settings import Settings

log = logging.getLogger("claude_compliance")


# Every Anthropic key starts so (sk-ant-api01- Compliance, sk-ant-api03- API,
# sk-ant-admin01- Admin; Anthropic's key formats): such a word on the command line is a key.
KEY_MARKER = "sk-ant-"


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    refusal = _key_in_arguments(words)
    if refusal is not None:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    # `scan` must start at once: its parser alone, without the other commands' imports.
    positional = [a for a in words if not a.startswith("-")]
    parser = _scan_parser() if positional[:1] == ["scan"] else _parser()
    args = parser.parse_args(words)
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


def _key_in_arguments(words: Sequence[str]) -> str | None:
    """A refusal when an argument holds a key, checked before argparse, whose errors echo
    the words they reject; the refusal itself names only the argument's position."""
    for position, word in enumerate(words, start=1):
        if KEY_MARKER in word.lower():
            return (
                f"argument {position} looks like an Anthropic key ({KEY_MARKER}…): keys are "
                "never taken from the command line, where shell history and the process list "
                "keep them. Nothing was done and the value is not shown; pipe the key on "
                "stdin (claude-compliance keys add --name NAME < key.txt) and clear it from "
                "your shell history"
            )
    return None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    message = text[0] if text else type(exc).__name__
    if isinstance(exc, CommandError | ValueError):
        return message
    return f"{type(exc).__name__}: {message}"


def _scan_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claude-compliance")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    scan_command.add_parser_to(commands)
    return parser


def _parser() -> argparse.ArgumentParser:
    from claude_compliance.keys import commands as key_commands
    from claude_compliance.remediation import commands as remediation_commands
    from claude_compliance.reports import commands as report_commands
    from claude_compliance.state import commands as user_commands
    from claude_compliance.web import commands as web_commands

    parser = argparse.ArgumentParser(
        prog="claude-compliance",
        description="Sync Compliance API data, scan it for sensitive data, publish findings.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    key_commands.add_parser_to(commands)
    web_commands.add_parser_to(commands)
    user_commands.add_parser_to(commands)
    report_commands.add_parser_to(commands)
    remediation_commands.add_parser_to(commands)

    run = commands.add_parser("run", help="extract → scan → dbt build → publish for [start, end)")
    _add_range(run)
    run.add_argument("--key", action="append", dest="keys", metavar="ID", help="only this key")
    run.set_defaults(handler=cmd_run)

    rescan = commands.add_parser(
        "rescan", help="re-scan stored raw data of [start, end) with the current rules"
    )
    _add_range(rescan)
    rescan.add_argument("--key", action="append", dest="keys", metavar="ID", help="only this key")
    rescan.set_defaults(handler=cmd_rescan)

    scan_command.add_parser_to(commands)

    sim = commands.add_parser("simulator", help="serve the simulated Compliance API")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8765)
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--users", type=int, default=12)
    sim.add_argument("--days", type=int, default=7)
    sim.add_argument(
        "--anchor",
        type=_date,
        help="serve the days before this one, [anchor - days, anchor) (default: today, UTC)",
    )
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


# -- run ----------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from claude_compliance.pipeline import RunIncomplete, run_range

    settings = Settings.load()
    progress = Progress()
    failures: list[str] = []
    try:
        scans = run_range(settings, args.start, args.end, key_ids=args.keys, report=progress)
    except RunIncomplete as exc:
        scans, failures = exc.scans, exc.failures
    finally:
        progress.done()
    print(
        f"done: {sum(s.inputs for s in scans)} inputs scanned, "
        f"{sum(s.findings for s in scans)} findings; published {settings.published_db_path}"
    )
    return _report_failures(failures)


def cmd_rescan(args: argparse.Namespace) -> int:
    from claude_compliance.pipeline import RunIncomplete, rescan_range

    settings = Settings.load()
    progress = Progress()
    failures: list[str] = []
    try:
        scans = rescan_range(settings, args.start, args.end, key_ids=args.keys, report=progress)
    except RunIncomplete as exc:
        scans, failures = exc.scans, exc.failures
    finally:
        progress.done()
    version = scans[-1].ruleset_version if scans else "(none)"
    print(
        f"rescanned {len(scans)} interval(s) with rules {version}: "
        f"{sum(s.inputs for s in scans)} inputs, {sum(s.findings for s in scans)} findings; "
        f"see the findings_changes table in {settings.published_db_path}"
    )
    return _report_failures(failures)


def _report_failures(failures: Sequence[str]) -> int:
    """After a range: each failure on its own line under one `error:` line; exit 1 if any."""
    if not failures:
        return 0
    print(
        f"error: {len(failures)} failure(s); everything else was built and published:",
        file=sys.stderr,
    )
    for failure in failures:
        print(f"  {failure}", file=sys.stderr)
    return 1


# -- simulator and demo -------------------------------------------------------------------

# The simulator is its own package (ARCHITECTURE §3), installed with the `dev` and `demo`
# extras; only these two commands import it, so the library runs without it.
SIMULATOR_PACKAGE = "compliance_simulator"


def _require_simulator() -> None:
    try:
        import compliance_simulator  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name != SIMULATOR_PACKAGE:
            raise  # the simulator is there but something it needs is not: say that
        raise CommandError(
            f"the simulator (package {SIMULATOR_PACKAGE}) is not installed; it comes with "
            "the demo extra: pip install 'claude-compliance[demo]'"
        ) from None


def cmd_simulator(args: argparse.Namespace) -> int:
    _require_simulator()
    from compliance_simulator import SimConfig, run_server

    config = SimConfig(
        seed=args.seed,
        users=args.users,
        days=args.days,
        anchor=args.anchor,
        rate_limit_per_minute=args.rate_limit,
    )
    run_server(config, args.host, args.port, args.truth, args.keys_out)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _require_simulator()
    from claude_compliance.pipeline import run_range
    from compliance_simulator import SimConfig, Simulator, serve

    settings = Settings.load()
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
    from claude_compliance.keys.commands import register_key

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
        f'  query it: .venv/bin/python -c "import duckdb; '
        f"duckdb.connect('{path}', read_only=True).sql('{query}').show()\""
    )


if __name__ == "__main__":
    raise SystemExit(main())
