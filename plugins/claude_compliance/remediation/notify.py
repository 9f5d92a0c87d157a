"""Notices to the user whose input leaked, after a confirmed removal (optional, off by default).

`CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY` lists the channels (`email`, `webhook`, or both):

- email goes to the owner of the removed input (`owner_email` of the request) through the
  SMTP connection reports use (`reports.mail`, `CLAUDE_COMPLIANCE_SMTP_CONN_ID`, sender
  `CLAUDE_COMPLIANCE_REPORT_EMAIL_FROM`);
- the webhook is a Slack-compatible incoming webhook
  (`CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_WEBHOOK_URL`, posted through `reports.webhook`), its
  message addressed to the user by email so a workflow can route it to them.

Each notice comes from a template (`templates/notice_*`) and says what was removed (the kind,
the masked name, counts, the reference) and why (each finding's severity, category and masked
preview): never a matched value, which the warehouse does not hold. One notice per request:
the request is claimed in the state DB before sending (`notified_at`), so concurrent runs do
not both send; if every channel failed it is released for the next run, and the run raises
`DeliveryError` naming the failures. Only requests confirmed within
`CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_MAX_AGE_HOURS` (default 72) are notified, so switching
notices on does not mail users about removals of months ago.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

import httpx
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from claude_compliance import runtime
from claude_compliance.remediation.store import Remediation, RemediationStore, Status
from claude_compliance.reports.config import email_from, url_setting
from claude_compliance.reports.errors import DeliveryError, ReportError
from claude_compliance.reports.findings import FindingRow, safe_preview
from claude_compliance.reports.webhook import Poster, RetryPolicy
from claude_compliance.settings import Settings, SettingsError, positive_float

MAX_FINDINGS_SHOWN = 20
ACTOR = "notify"
EVENT_TYPE = "claude_compliance_remediation_notice"

_WHAT = {
    "chat": "a chat",
    "file": "a file",
    "project_document": "a project document",
    "project": "a project",
}


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


@dataclass(frozen=True, slots=True)
class NoticeConfig:
    channels: tuple[Channel, ...]
    webhook_url: str | None = field(repr=False)
    smtp_conn_id: str
    email_from: str | None
    max_age_hours: float

    @property
    def is_enabled(self) -> bool:
        return bool(self.channels)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> NoticeConfig:
        env = os.environ if environ is None else environ
        name = "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY"
        channels: list[Channel] = []
        for part in (env.get(name) or "").replace(";", ",").split(","):
            if not part.strip():
                continue
            try:
                channel = Channel(part.strip().lower())
            except ValueError:
                raise SettingsError(
                    f"{name} must list email and/or webhook (comma-separated), got {part.strip()!r}"
                ) from None
            if channel not in channels:
                channels.append(channel)
        webhook_url = url_setting(env, "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_WEBHOOK_URL")
        if Channel.WEBHOOK in channels and webhook_url is None:
            raise SettingsError(
                "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_WEBHOOK_URL must be set when "
                f"{name} includes webhook"
            )
        return cls(
            channels=tuple(channels),
            webhook_url=webhook_url,
            smtp_conn_id=env.get("CLAUDE_COMPLIANCE_SMTP_CONN_ID") or "smtp_default",
            email_from=email_from(env),
            max_age_hours=positive_float(
                env, "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_MAX_AGE_HOURS", 72.0
            ),
        )


@dataclass(frozen=True, slots=True)
class Notice:
    """One rendered notice: what goes out on each channel."""

    subject: str
    html: str
    webhook_payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NoticeResult:
    notified: tuple[str, ...] = ()
    """Requests whose notice went out on at least one channel."""
    skipped: Mapping[str, str] = field(default_factory=dict)
    """Requests no channel could carry, and why (e.g. no email address for the owner)."""
    errors: tuple[str, ...] = ()


def notify_confirmed(
    settings: Settings,
    config: NoticeConfig | None = None,
    *,
    now: datetime | None = None,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> NoticeResult:
    """Send the notice of every recently confirmed, not yet notified request."""
    config = config or NoticeConfig.from_env()
    if not config.is_enabled:
        return NoticeResult()
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    since = moment - timedelta(hours=config.max_age_hours)
    store = RemediationStore(runtime.state_engine(settings))
    due = [
        r
        for r in store.all(statuses=(Status.CONFIRMED,))
        if r.notified_at is None and r.confirmed_at is not None and r.confirmed_at >= since
    ]
    notified: list[str] = []
    skipped: dict[str, str] = {}
    errors: list[str] = []
    for record in due:
        if not store.claim_notice(record.request_id, now=moment):
            continue  # another run has it
        try:
            notice = render_notice(record, _findings(settings, record))
        except ReportError as exc:
            store.finish_notice(
                record.request_id,
                actor=ACTOR,
                action="remediation_notice_failed",
                notification=f"not sent: {exc}",
                is_done=False,
                detail={"error": str(exc)},
            )
            errors.append(f"{record.request_id}: {exc}")
            continue
        outcome: dict[str, str] = {}
        for channel in config.channels:
            outcome[channel.value] = _send(config, channel, record, notice, transport, retry)
        sent = [c for c, o in outcome.items() if o == "sent"]
        failed = {c: o for c, o in outcome.items() if o.startswith("failed")}
        summary = "; ".join(f"{c}: {o}" for c, o in outcome.items())
        is_done = bool(sent) or not failed
        action = (
            "remediation_notified"
            if sent
            else "remediation_notice_skipped"
            if not failed
            else "remediation_notice_failed"
        )
        store.finish_notice(
            record.request_id,
            actor=ACTOR,
            action=action,
            notification=summary,
            is_done=is_done,
            detail={"channels": outcome},
        )
        if sent:
            notified.append(record.request_id)
        elif not failed:
            skipped[record.request_id] = summary
        errors.extend(f"{record.request_id} {c}: {o}" for c, o in failed.items())
    result = NoticeResult(tuple(notified), skipped, tuple(errors))
    if errors:
        raise NoticeDeliveryError(result)
    return result


class NoticeDeliveryError(ReportError):
    """Some notices did not go out; `result` says which did, `errors` why the rest not."""

    def __init__(self, result: NoticeResult) -> None:
        self.result = result
        super().__init__("remediation notices not delivered: " + "; ".join(result.errors))


def _send(
    config: NoticeConfig,
    channel: Channel,
    record: Remediation,
    notice: Notice,
    transport: httpx.BaseTransport | None,
    retry: RetryPolicy | None,
) -> str:
    """'sent', 'skipped: …' (the channel cannot reach this user) or 'failed: …'."""
    if channel is Channel.EMAIL:
        if not record.owner_email:
            return "skipped: no email address for the owner"
        from claude_compliance.reports.mail import send_email

        try:
            send_email(
                config.smtp_conn_id,
                [record.owner_email],
                notice.subject,
                notice.html,
                sender=config.email_from,
            )
        except DeliveryError as exc:
            return f"failed: {exc}"
        return "sent"
    assert config.webhook_url is not None
    body = json.dumps(notice.webhook_payload, ensure_ascii=False).encode()
    try:
        with Poster("remediation notice webhook", transport=transport, retry=retry) as poster:
            poster.post(config.webhook_url, content=body)
    except DeliveryError as exc:
        return f"failed: {exc}"  # names the redacted target only
    return "sent"


def _findings(settings: Settings, record: Remediation) -> list[FindingRow]:
    """The request's findings as the published warehouse shows them (masked previews)."""
    from claude_compliance.reports.findings import load_findings
    from claude_compliance.reports.marts import open_marts

    with open_marts(settings) as con:
        return load_findings(con, "list_contains(?, finding_id)", [list(record.finding_ids)])


# -- rendering ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment() -> Environment:
    from claude_compliance.reports.render import timestamp

    env = Environment(
        loader=PackageLoader("claude_compliance.remediation", "templates"),
        # names and emails come from the API: untrusted in HTML; Slack escaping for the text
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ts"] = timestamp
    env.filters["slack"] = _slack_escape
    return env


def render_notice(record: Remediation, findings: Sequence[FindingRow]) -> Notice:
    """The notice of a confirmed removal, from the templates; masked previews only."""
    # the door check of every output: a preview without a mask character is withheld
    safe = [replace(f, redacted_match=safe_preview(f.redacted_match)) for f in findings]
    shown = sorted(safe, key=lambda f: f.occurred_at or datetime.min.replace(tzinfo=UTC))
    context = {
        "r": record,
        "what": _WHAT[record.object_kind.value],
        "who": record.owner_email or record.owner_user_id or "a user",
        "findings": shown[:MAX_FINDINGS_SHOWN],
        "more": max(0, len(shown) - MAX_FINDINGS_SHOWN),
    }
    env = _environment()
    subject = f"Removed from Claude: {context['what']} holding sensitive data ({record.request_id})"
    html = env.get_template("notice_email.html").render(subject=subject, **context)
    text = env.get_template("notice_webhook.txt").render(**context).strip()
    payload = {
        "text": text,
        "metadata": {
            "event_type": EVENT_TYPE,
            "event_payload": {
                "request_id": record.request_id,
                "object_kind": record.object_kind.value,
                "object_id": record.object_id,
                "user_id": record.owner_user_id or "",
                "user_email": record.owner_email or "",
                "finding_count": len(record.finding_ids),
                "confirmed_at": record.confirmed_at.isoformat() if record.confirmed_at else "",
            },
        },
    }
    return Notice(subject, html, payload)


def _slack_escape(text: object) -> str:
    """Slack's three control characters; API-supplied names must not become mentions."""
    return (
        str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")
    )
