"""`claude-compliance remediate …`: request, list, approve, reject, execute and confirm
removals at the source. Command code parses, calls `remediation.service` and prints.

`--as USERNAME` names the dashboard account acting (its role is checked: analysts request,
admins approve or reject, and not their own request unless the two-person rule is relaxed).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from claude_compliance.errors import CommandError
from claude_compliance.settings import Settings


def add_parser_to(commands: Any) -> None:
    remediate = commands.add_parser(
        "remediate", help="delete leaked content at the source, with approval and proof"
    )
    cmds = remediate.add_subparsers(title="remediate commands", metavar="REMEDIATE_COMMAND")
    req = cmds.add_parser("request", help="request removal of the object holding a finding")
    req.add_argument("finding_id")
    req.add_argument("--scope", choices=("file", "chat", "project"), help="what to delete")
    req.add_argument("--as", dest="actor", required=True, metavar="USERNAME")
    req.add_argument("--note", help="why (kept with the request)")
    req.add_argument("--dry-run", action="store_true", help="show the plan, store nothing")
    req.set_defaults(handler=cmd_request)
    list_ = cmds.add_parser("list", help="list removal requests")
    list_.add_argument("--json", action="store_true", help="machine-readable output")
    list_.set_defaults(handler=cmd_list)
    for name, helptext in (("approve", "approve a request"), ("reject", "reject a request")):
        cmd = cmds.add_parser(name, help=helptext)
        cmd.add_argument("request_id")
        cmd.add_argument("--as", dest="actor", required=True, metavar="USERNAME")
        cmd.add_argument("--note")
        cmd.set_defaults(handler=cmd_decide, decision=name)
    execute = cmds.add_parser(
        "execute", help="delete every approved request, then confirm executed ones"
    )
    execute.add_argument("--key", metavar="ID", help="use this key (default: one that can)")
    execute.set_defaults(handler=cmd_execute)
    confirm = cmds.add_parser("confirm", help="confirm executed requests (after a sync)")
    confirm.set_defaults(handler=cmd_confirm)
    policies = cmds.add_parser(
        "apply-policies",
        help="request the removals the policies call for (they still need an approval)",
    )
    policies.add_argument("--dry-run", action="store_true", help="show what, store nothing")
    policies.set_defaults(handler=cmd_apply_policies)
    notify = cmds.add_parser(
        "notify", help="notify users of confirmed removals of their input (when enabled)"
    )
    notify.set_defaults(handler=cmd_notify)


def _actor() -> str:
    from claude_compliance.keys.commands import actor

    return actor()


def cmd_request(args: argparse.Namespace) -> int:
    from claude_compliance.remediation import service
    from claude_compliance.remediation.store import RemediationError

    settings = Settings.load()
    try:
        planned = service.plan(settings, args.finding_id, scope=args.scope)
        if args.dry_run:
            print("dry run, nothing stored:")
            for line in planned.describe():
                print(f"  {line}")
            return 0
        record = service.request(
            settings, args.finding_id, actor=args.actor, scope=args.scope, note=args.note
        )
    except RemediationError as exc:
        raise CommandError(str(exc)) from None
    print(f"{record.request_id} requested by {record.requested_by} (nothing deleted yet):")
    for line in planned.describe():
        print(f"  {line}")
    print(f"  {service.key_advice(settings, record)}")
    print(
        f"an admin other than {record.requested_by} approves: remediate approve "
        f"{record.request_id} --as ADMIN"
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from claude_compliance.remediation import service

    settings = Settings.load()
    records = service.requests(settings)
    if args.json:
        print(json.dumps([r.as_public_dict() for r in records], indent=2))
        return 0
    if not records:
        print("no removal requests (claude-compliance remediate request FINDING_ID --as USER)")
        return 0
    print(
        f"{'REQUEST':<18} {'STATUS':<10} {'OBJECT':<18} {'FINDINGS':>8}  "
        f"{'REQUESTED BY':<14} {'DECIDED BY':<14} OUTCOME"
    )
    for r in records:
        print(
            f"{r.request_id:<18} {r.status.value:<10} {r.object_kind.value:<18} "
            f"{len(r.finding_ids):>8}  {r.requested_by:<14} {r.decided_by or '-':<14} "
            f"{r.outcome or r.error or '-'}"
        )
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from claude_compliance.remediation import service
    from claude_compliance.remediation.store import RemediationError

    settings = Settings.load()
    try:
        record = service.decide(
            settings, args.request_id, args.decision, actor=args.actor, note=args.note
        )
    except RemediationError as exc:
        raise CommandError(str(exc)) from None
    print(f"{record.request_id} {record.status.value} by {record.decided_by}")
    if args.decision == "approve":
        print(f"  {service.key_advice(settings, record)}")
    return 0


def cmd_execute(args: argparse.Namespace) -> int:
    from claude_compliance.remediation import service

    settings = Settings.load()
    executed = service.execute(settings, actor=_actor(), key_id=args.key)
    for r in executed:
        detail = (
            f"{r.outcome} (API {r.api_status}, request-id {r.api_request_id})"
            if r.api_status is not None and r.status.value != "approved"
            else r.error or "-"
        )
        print(f"{r.request_id} {r.status.value}: {detail}")
    confirmed = service.confirm(settings, actor=_actor())
    for r in confirmed:
        print(
            f"{r.request_id} {r.status.value}" + (f": {r.confirmation}" if r.confirmation else "")
        )
    if not executed and not confirmed:
        print("nothing approved to execute, nothing executed to confirm")
    return 1 if any(r.status.value in ("failed", "approved") for r in executed) else 0


def cmd_confirm(args: argparse.Namespace) -> int:
    from claude_compliance.remediation import service

    settings = Settings.load()
    for r in service.confirm(settings, actor=_actor()):
        print(
            f"{r.request_id} {r.status.value}" + (f": {r.confirmation}" if r.confirmation else "")
        )
    return 0


def cmd_apply_policies(args: argparse.Namespace) -> int:
    from claude_compliance.remediation import policies

    settings = Settings.load()
    loaded = policies.load_from_env()  # a bad file fails here, naming the field
    if not loaded:
        print(f"no remediation policies ({policies.ENV_VAR} is not set)")
        return 0
    runs = policies.apply_policies(settings, loaded, is_dry_run=args.dry_run)
    if args.dry_run:
        print("dry run, nothing stored:")
    for run in runs:
        verb = "would request" if args.dry_run else "requested"
        print(
            f"policy {run.policy.name} ({run.policy.describe()}): {run.matched} open finding(s), "
            f"{run.covered} already in a request, {verb} {len(run.requested)} removal(s)"
        )
        for r in run.requested:
            label = r.request_id or "(not stored)"
            print(
                f"  {label} {r.object_kind.value} {r.object_id}: "
                f"{len(r.finding_ids)} finding(s), owner {r.owner_email or r.owner_user_id or '-'}"
            )
        for reason, count in sorted(run.skipped.items()):
            print(f"  skipped {count}: {reason}")
    disabled = [p.name for p in loaded if not p.is_enabled]
    if disabled:
        print(f"disabled: {', '.join(disabled)}")
    if any(run.requested for run in runs) and not args.dry_run:
        print("each request needs an admin's approval: remediate approve REQUEST_ID --as ADMIN")
    return 0


def cmd_notify(args: argparse.Namespace) -> int:
    from claude_compliance.remediation.notify import (
        NoticeConfig,
        NoticeDeliveryError,
        notify_confirmed,
    )
    from claude_compliance.reports.errors import ReportError

    settings = Settings.load()
    config = NoticeConfig.from_env()
    if not config.is_enabled:
        print("user notices are off (CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY is not set)")
        return 0
    try:
        result = notify_confirmed(settings, config)
    except NoticeDeliveryError as exc:
        result = exc.result
        for error in result.errors:
            print(f"error: {error}")
    except ReportError as exc:
        raise CommandError(str(exc)) from None
    for request_id in result.notified:
        print(f"{request_id} notified")
    for request_id, why in result.skipped.items():
        print(f"{request_id} not notified: {why}")
    if not (result.notified or result.skipped or result.errors):
        print("no confirmed removal awaits a notice")
    return 1 if result.errors else 0
