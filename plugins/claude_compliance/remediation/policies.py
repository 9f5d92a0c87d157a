"""Remediation policies: rules that request removals by themselves, never execute them.

Off by default. `CLAUDE_COMPLIANCE_REMEDIATION_POLICIES` names a TOML file::

    version = 1

    [[policies]]
    name = "critical-api-keys"        # kebab-case; requests are made by `policy:<name>`
    categories = ["api_key"]          # exact category names (optional)
    severities = ["CRITICAL"]         # optional; categories and/or severities is required
    detectors = []                    # optional: only these detector ids
    open_for_hours = 24               # the finding has been open this long since its scan
    scope = "chat"                    # optional: file, chat or project (default: smallest)
    enabled = true                    # optional
    note = "keys are rotated, the copy in Claude must go"   # optional, kept with the request

A finding matches when it is of one of the categories and severities (and detectors, if
given), is in something the API can delete (not a Claude Code / Cowork session), is still
`open` in triage (not suppressed, not triaged), and the scan that found
it is at least `open_for_hours` old (a rescan restarts the clock; it never shortens it).
Each match becomes an ordinary removal request (`requested`, a dry run): an admin must
approve it, and `policy:<name>` is never an admin, so a human always decides. A finding
already in any request (open, approved, executed, failed, confirmed, or rejected: a human
said no) gets no second one; re-requesting after a rejection is a person's call.

The file is validated when it loads; a `PolicyError` names the file, the policy and the field.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from claude_compliance import runtime
from claude_compliance.remediation import service
from claude_compliance.remediation.store import Remediation, RemediationError, RemediationStore
from claude_compliance.settings import Settings, SettingsError
from scanners.model import Category, Severity

ENV_VAR = "CLAUDE_COMPLIANCE_REMEDIATION_POLICIES"
REQUESTER_PREFIX = "policy:"

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOP_KEYS = {"version", "policies"}
_POLICY_KEYS = {
    "name",
    "categories",
    "severities",
    "detectors",
    "open_for_hours",
    "scope",
    "enabled",
    "note",
}


class PolicyError(SettingsError):
    """The policies file is malformed; the message names the file, the policy and the field."""


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    open_for_hours: float
    categories: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    detectors: tuple[str, ...] = ()
    scope: str | None = None
    is_enabled: bool = True
    note: str | None = None

    @property
    def requester(self) -> str:
        """Who the requests are by: never a dashboard account (usernames have no ':')."""
        return REQUESTER_PREFIX + self.name

    def describe(self) -> str:
        what = " ".join(
            part
            for part in (
                "/".join(self.severities),
                "/".join(self.categories),
                ("detectors " + ", ".join(self.detectors)) if self.detectors else "",
            )
            if part
        )
        return f"{what} findings open for {self.open_for_hours:g} h"


@dataclass(frozen=True, slots=True)
class PolicyRun:
    """What one policy did (or, dry, would do) in one run."""

    policy: Policy
    matched: int
    """Open findings of the policy's kind, old enough."""
    covered: int
    """Of those, findings already in a request (any status)."""
    requested: tuple[Remediation, ...]
    """New requests (dry run: the drafts that would be stored)."""
    skipped: Mapping[str, int] = field(default_factory=dict)
    """Findings no request could be made for, by reason (e.g. session findings)."""


# -- loading ------------------------------------------------------------------------------


def load_from_env(environ: Mapping[str, str] | None = None) -> tuple[Policy, ...]:
    """The configured policies; empty (off) when the variable is unset."""
    env = os.environ if environ is None else environ
    raw = (env.get(ENV_VAR) or "").strip()
    if not raw:
        return ()
    return load_policies(Path(raw).expanduser())


def load_policies(path: Path) -> tuple[Policy, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{ENV_VAR}: cannot read {path}: {exc.strerror or exc}") from None
    return parse_policies(text, source=str(path))


def parse_policies(text: str, source: str = "<policies>") -> tuple[Policy, ...]:
    """Parse and validate a policies file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise PolicyError(f"{source}: unknown key {unknown[0]!r} (expected version, policies)")
    if data.get("version", 1) != 1:
        raise PolicyError(f"{source}: version: unsupported {data['version']!r} (expected 1)")
    entries = data.get("policies", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise PolicyError(f"{source}: policies: must be [[policies]] tables")
    policies = tuple(_policy(entry, f"{source}: policies[{n}]") for n, entry in enumerate(entries))
    names = [p.name for p in policies]
    for n, name in enumerate(names):
        if names.index(name) != n:
            raise PolicyError(f"{source}: policies[{n}].name: duplicate name {name!r}")
    return policies


def _policy(entry: dict[str, Any], where: str) -> Policy:
    unknown = sorted(set(entry) - _POLICY_KEYS)
    if unknown:
        raise PolicyError(
            f"{where}: unknown field {unknown[0]!r} (expected {', '.join(sorted(_POLICY_KEYS))})"
        )
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise PolicyError(f"{where}.name: required, kebab-case (e.g. critical-api-keys)")
    where = f"{where} ({name})"
    hours = entry.get("open_for_hours")
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 <= hours < 1e6:
        raise PolicyError(f"{where}.open_for_hours: required, a number of hours >= 0")
    categories = _choices(entry, "categories", [c.value for c in Category], where)
    severities = _choices(
        entry, "severities", [s.value for s in Severity if s is not Severity.NONE], where
    )
    if not categories and not severities:
        # A policy over every finding would request the removal of half the organization.
        raise PolicyError(f"{where}: categories or severities is required")
    detectors = _strings(entry, "detectors", where)
    scope = entry.get("scope")
    if scope is not None and scope not in service.SCOPES:
        raise PolicyError(f"{where}.scope: one of {', '.join(service.SCOPES)}, got {scope!r}")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise PolicyError(f"{where}.enabled: true or false")
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        raise PolicyError(f"{where}.note: a string")
    return Policy(
        name=name,
        open_for_hours=float(hours),
        categories=categories,
        severities=severities,
        detectors=detectors,
        scope=scope,
        is_enabled=enabled,
        note=note.strip()[:2000] if note else None,
    )


def _strings(entry: Mapping[str, Any], name: str, where: str) -> tuple[str, ...]:
    value = entry.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(f"{where}.{name}: a list of strings")
    return tuple(value)


def _choices(
    entry: Mapping[str, Any], name: str, allowed: Sequence[str], where: str
) -> tuple[str, ...]:
    values = _strings(entry, name, where)
    for value in values:
        if value not in allowed:
            raise PolicyError(f"{where}.{name}: unknown {value!r} (one of {', '.join(allowed)})")
    return values


# -- applying -----------------------------------------------------------------------------


def apply_policies(
    settings: Settings,
    policies: Sequence[Policy] | None = None,
    *,
    is_dry_run: bool = False,
    now: datetime | None = None,
) -> list[PolicyRun]:
    """Request the removals the enabled policies call for; returns what each did."""
    from claude_compliance.reports.findings import load_findings
    from claude_compliance.reports.marts import open_marts
    from claude_compliance.reports.triage import StateTriage, TriageStatus, refs_of, state_of

    active = [p for p in (load_from_env() if policies is None else policies) if p.is_enabled]
    if not active:
        return []
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    engine = runtime.state_engine(settings)
    store = RemediationStore(engine)
    covered = {fid for r in store.all() for fid in r.finding_ids}
    view = StateTriage(engine)
    runs = []
    for policy in active:
        # sources the API cannot delete are never matched, so they do not count every run
        where = "scanned_at <= ? and not list_contains(?, source)"
        params: list[Any] = [
            moment - timedelta(hours=policy.open_for_hours),
            list(service.UNREMOVABLE_SOURCES),
        ]
        for column, values in (
            ("category", policy.categories),
            ("severity", policy.severities),
            ("detector", policy.detectors),
        ):
            if values:
                where += f" and list_contains(?, {column})"
                params.append(list(values))
        with open_marts(settings) as con:
            rows = load_findings(con, where, params)
        states = view.states(refs_of(rows))
        matched = [
            row
            for row in rows
            if state_of(states, row.finding_id).status is TriageStatus.OPEN
            and not state_of(states, row.finding_id).is_suppressed
        ]
        already = sum(1 for row in matched if row.finding_id in covered)
        requested: list[Remediation] = []
        skipped: dict[str, int] = {}
        for row in matched:
            if row.finding_id in covered:
                continue
            try:
                record = _request(settings, store, policy, row.finding_id, is_dry_run)
            except RemediationError as exc:
                reason = _reason(str(exc))
                skipped[reason] = skipped.get(reason, 0) + 1
                covered.add(row.finding_id)
                continue
            covered.update(record.finding_ids)
            requested.append(record)
        runs.append(PolicyRun(policy, len(matched), already, tuple(requested), skipped))
    return runs


def _request(
    settings: Settings,
    store: RemediationStore,
    policy: Policy,
    finding_id: str,
    is_dry_run: bool,
) -> Remediation:
    planned = service.plan(settings, finding_id, scope=policy.scope)
    note = f"policy {policy.name}: {policy.describe()}" + (
        f"; {policy.note}" if policy.note else ""
    )
    draft = replace(
        planned.draft,
        requested_by=policy.requester,
        requested_at=datetime.now(UTC),
        note=note[:2000],
    )
    return draft if is_dry_run else store.add(draft)


def _reason(message: str) -> str:
    """A refusal's message without its ids, so skips count by kind."""
    if "already removed" in message:
        return "object already removed"
    if "open removal request" in message:
        return "object already has an open request"
    return message.split(":", 1)[0]
