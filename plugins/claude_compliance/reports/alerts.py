"""Alerts: new findings at or above a severity, once per value (fingerprint), per channel.

Run after each publish (hourly syncs give alerts within the hour). A fingerprint alerts when
one of its recent findings is open and not suppressed and the channel has not carried it
before: the same key pasted ten times, or found again by a re-run or a rescan, alerts once.
Channels: a Slack-compatible webhook (one message per value) and email (one digest per run).
Payloads carry the masked preview, the fingerprint and a dashboard link, never the value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from claude_compliance import runtime
from claude_compliance.reports import render
from claude_compliance.reports.config import AlertConfig, finding_link
from claude_compliance.reports.deliveries import AlertLedger
from claude_compliance.reports.errors import DeliveryError, ReportError
from claude_compliance.reports.findings import FindingRow, load_findings
from claude_compliance.reports.mail import send_email
from claude_compliance.reports.marts import open_marts
from claude_compliance.reports.triage import (
    StateTriage,
    TriageStatus,
    TriageView,
    refs_of,
    state_of,
)
from claude_compliance.reports.webhook import Poster, RetryPolicy
from claude_compliance.settings import Settings
from scanners.model import Severity

WEBHOOK = "webhook"
EMAIL = "email"
EVENT_TYPE = "claude_compliance_finding"


@dataclass(frozen=True, slots=True)
class Alert:
    """One value to alert on: its first open, unsuppressed finding and how often it was seen."""

    finding: FindingRow
    occurrences: int
    users: int
    link: str

    @property
    def fingerprint(self) -> str:
        return self.finding.fingerprint


@dataclass(frozen=True, slots=True)
class AlertResult:
    is_configured: bool
    candidates: int
    """Findings at or above the threshold within the look-back window."""
    skipped_triaged: int
    """Of those, findings suppressed or already triaged (not open)."""
    fingerprints: int
    """Distinct values that qualified for an alert."""
    sent: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per channel, the fingerprints delivered by this run."""
    already_sent: Mapping[str, int] = field(default_factory=dict)
    """Per channel, qualifying fingerprints an earlier run had delivered."""
    errors: tuple[str, ...] = ()

    @property
    def sent_count(self) -> int:
        return sum(len(v) for v in self.sent.values())


def send_alerts(
    settings: Settings,
    *,
    config: AlertConfig,
    triage: TriageView | None = None,
    key_ids: Sequence[str] | None = None,
    now: datetime | None = None,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> AlertResult:
    """Alert on new findings in the published warehouse; returns what was sent.

    Every channel is attempted; if any failed, DeliveryError is raised afterwards naming
    them, and the fingerprints it did not carry stay pending for the next run.
    """
    if not config.has_channel:
        return AlertResult(is_configured=False, candidates=0, skipped_triaged=0, fingerprints=0)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    since = moment - timedelta(hours=config.max_age_hours)
    severities = [s.value for s in Severity if s is not Severity.NONE and s >= config.min_severity]
    where = "list_contains(?, severity) and occurred_at >= ?"
    params: list[Any] = [severities, since]
    if key_ids:
        where += " and list_contains(?, key_id)"
        params.append(list(key_ids))
    with open_marts(settings) as con:
        candidates = load_findings(con, where, params)
    view = triage if triage is not None else StateTriage(runtime.state_engine(settings))
    states = view.states(refs_of(candidates))
    eligible = [
        row
        for row in candidates
        if state_of(states, row.finding_id).status is TriageStatus.OPEN
        and not state_of(states, row.finding_id).is_suppressed
    ]
    alerts = _by_fingerprint(candidates, eligible, config.dashboard_url)
    ledger = AlertLedger(runtime.state_engine(settings))
    sent: dict[str, tuple[str, ...]] = {}
    already: dict[str, int] = {}
    errors: list[str] = []
    channels = ([WEBHOOK] if config.webhook_url else []) + ([EMAIL] if config.email_to else [])
    for channel in channels:
        done = ledger.delivered(channel, alerts)
        already[channel] = len(done)
        pending = {fp: a for fp, a in alerts.items() if fp not in done}
        claimed = ledger.claim(
            channel,
            {
                fp: (a.finding.finding_id, a.finding.severity, a.finding.category)
                for fp, a in pending.items()
            },
            now=moment,
        )
        if not claimed:
            sent[channel] = ()
            continue
        batch = [pending[fp] for fp in claimed]
        batch.sort(key=lambda a: (a.finding.occurred_at or moment, a.fingerprint))
        if channel == WEBHOOK:
            delivered, failure = _send_webhook(config, batch, transport, retry)
        else:
            delivered, failure = _send_email(config, batch)
        ledger.confirm(channel, delivered, now=moment)
        ledger.release(channel, [fp for fp in claimed if fp not in set(delivered)])
        sent[channel] = tuple(delivered)
        if failure:
            errors.append(failure)
    result = AlertResult(
        is_configured=True,
        candidates=len(candidates),
        skipped_triaged=len(candidates) - len(eligible),
        fingerprints=len(alerts),
        sent=sent,
        already_sent=already,
        errors=tuple(errors),
    )
    if errors:
        raise AlertDeliveryError(result)
    return result


class AlertDeliveryError(ReportError):
    """Some alerts were not delivered; `result` says what was, `errors` why the rest not."""

    def __init__(self, result: AlertResult) -> None:
        self.result = result
        super().__init__("alerts not delivered: " + "; ".join(result.errors))


def _by_fingerprint(
    candidates: Sequence[FindingRow], eligible: Sequence[FindingRow], dashboard_url: str
) -> dict[str, Alert]:
    """One alert per fingerprint with an eligible finding, shown by its earliest one."""
    seen: dict[str, list[FindingRow]] = {}
    for row in candidates:
        seen.setdefault(row.fingerprint, []).append(row)
    alerts: dict[str, Alert] = {}
    for row in eligible:  # oldest first, so the first one kept is the earliest
        if row.fingerprint in alerts:
            continue
        rows = seen[row.fingerprint]
        alerts[row.fingerprint] = Alert(
            finding=row,
            occurrences=len(rows),
            users=len({r.user_id for r in rows if r.user_id}),
            link=finding_link(dashboard_url, row.finding_id),
        )
    return alerts


def webhook_payload(alert: Alert) -> dict[str, Any]:
    """A Slack incoming-webhook message (text fallback, blocks, message metadata)."""
    f = alert.finding
    when = render.timestamp(f.occurred_at) + " UTC"
    seen = f"{alert.occurrences} time{'s' if alert.occurrences != 1 else ''}"
    seen += f", {alert.users} user{'s' if alert.users != 1 else ''}"
    who = f.user_email or f.user_id or "unknown user"
    text = (
        f"{f.severity} {f.category} found: {f.redacted_match} — {who}, {f.source}, {when} "
        f"({seen}). {alert.link}"
    )
    return {
        "text": text,
        "blocks": [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": f"{f.severity}: {f.category} in Claude"},
            },
            {
                "type": "section",
                "fields": [
                    _field("Preview", f"`{_slack_escape(f.redacted_match)}`"),
                    _field("User", _slack_escape(who)),
                    _field("Organization", _slack_escape(f.organization_name or "–")),
                    _field("Where", f"{f.source} · {f.detector}"),
                    _field("When", when),
                    _field("Seen", seen),
                ],
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open in the dashboard"},
                        "url": alert.link,
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"fingerprint {f.fingerprint[:16]}… · finding {f.finding_id}",
                    }
                ],
            },
        ],
        "metadata": {
            "event_type": EVENT_TYPE,
            "event_payload": {
                "finding_id": f.finding_id,
                "fingerprint": f.fingerprint,
                "severity": f.severity,
                "category": f.category,
                "detector": f.detector,
                "redacted_match": f.redacted_match,
                "source": f.source,
                "source_id": f.source_id,
                "organization_uuid": f.organization_uuid or "",
                "user_id": f.user_id or "",
                "occurred_at": f.occurred_at.astimezone(UTC).isoformat() if f.occurred_at else "",
                "occurrences": alert.occurrences,
                "users": alert.users,
                "dashboard_url": alert.link,
            },
        },
    }


def _field(title: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": f"*{title}*\n{value}"}


def _slack_escape(text: str) -> str:
    """Slack's three control characters; API-supplied names must not become mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def _send_webhook(
    config: AlertConfig,
    batch: Sequence[Alert],
    transport: httpx.BaseTransport | None,
    retry: RetryPolicy | None,
) -> tuple[list[str], str | None]:
    assert config.webhook_url is not None
    delivered: list[str] = []
    with Poster(WEBHOOK, transport=transport, retry=retry) as poster:
        for alert in batch:
            body = json.dumps(webhook_payload(alert), ensure_ascii=False).encode()
            try:
                poster.post(config.webhook_url, content=body)
            except DeliveryError as exc:
                return delivered, str(exc)
            delivered.append(alert.fingerprint)
    return delivered, None


def _send_email(config: AlertConfig, batch: Sequence[Alert]) -> tuple[list[str], str | None]:
    worst = Severity.max_of(a.finding.severity for a in batch)
    subject = (
        f"Claude Compliance alert: {len(batch)} new {worst.value} "
        f"value{'s' if len(batch) != 1 else ''} found"
    )
    html = render.render("email_alerts.html", alerts=batch)
    try:
        send_email(config.smtp_conn_id, config.email_to, subject, html, sender=config.email_from)
    except DeliveryError as exc:
        return [], str(exc)
    return [a.fingerprint for a in batch], None
