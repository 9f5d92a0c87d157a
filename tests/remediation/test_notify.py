"""User notices: configuration validated at load, templates that escape and mask."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from claude_compliance.remediation.notify import (
    MAX_FINDINGS_SHOWN,
    Channel,
    NoticeConfig,
    render_notice,
)
from claude_compliance.remediation.store import ObjectKind, Remediation, Status
from claude_compliance.reports.findings import WITHHELD, FindingRow
from claude_compliance.settings import SettingsError

AT = datetime(2026, 11, 19, 12, 30, tzinfo=UTC)


def test_off_by_default_and_channels_are_read_once() -> None:
    assert not NoticeConfig.from_env({}).is_enabled
    config = NoticeConfig.from_env(
        {
            "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY": " Email ; webhook,email",
            "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_WEBHOOK_URL": "https://hooks.example/T/secret",
        }
    )
    assert config.channels == (Channel.EMAIL, Channel.WEBHOOK)
    assert (config.smtp_conn_id, config.max_age_hours) == ("smtp_default", 72.0)
    assert "secret" not in repr(config)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY": "sms"}, "REMEDIATION_NOTIFY must list"),
        (
            {"CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY": "webhook"},
            "NOTIFY_WEBHOOK_URL must be set",
        ),
        (
            {
                "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY": "webhook",
                "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_WEBHOOK_URL": "ftp://x/secret",
            },
            "NOTIFY_WEBHOOK_URL must be an http",
        ),
        (
            {
                "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY": "email",
                "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY_MAX_AGE_HOURS": "0",
            },
            "NOTIFY_MAX_AGE_HOURS must be positive",
        ),
        (
            {
                "CLAUDE_COMPLIANCE_REMEDIATION_NOTIFY": "email",
                "CLAUDE_COMPLIANCE_REPORT_EMAIL_FROM": "not an address",
            },
            "REPORT_EMAIL_FROM",
        ),
    ],
)
def test_bad_settings_fail_naming_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message) as raised:
        NoticeConfig.from_env(env)
    assert "secret" not in str(raised.value)


def _record(**changes: object) -> Remediation:
    values: dict[str, object] = {
        "request_id": "rem_0123456789ab",
        "status": Status.CONFIRMED,
        "key_id": "ck_1",
        "object_kind": ObjectKind.CHAT,
        "object_id": "claude_chat_1",
        "chat_id": "claude_chat_1",
        "project_id": None,
        "masked_name": "<b>keys</b> for ••••••",
        "message_count": 3,
        "file_count": 1,
        "owner_user_id": "user_1",
        "owner_email": "ann@example.org",
        "finding_ids": ("f1", "f2"),
        "requested_by": "policy:critical-api-keys",
        "requested_at": AT,
        "confirmed_at": AT,
    }
    values.update(changes)
    return Remediation(**values)  # type: ignore[arg-type]


def _finding(n: int, redacted: str) -> FindingRow:
    return FindingRow(
        finding_id=f"f{n}",
        key_id="ck_1",
        organization_uuid=None,
        organization_name=None,
        user_id="user_1",
        user_email="ann@example.org",
        source="chat_message",
        source_id=f"m{n}",
        chat_id="claude_chat_1",
        project_id=None,
        occurred_at=AT,
        detector="aws-access-key",
        category="api_key",
        severity="CRITICAL",
        start_offset=0,
        end_offset=20,
        redacted_match=redacted,
        fingerprint="fp",
        confidence=None,
        ruleset_version="1",
        scanned_at=AT,
    )


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        (ObjectKind.CHAT, "a chat"),
        (ObjectKind.FILE, "a file"),
        (ObjectKind.PROJECT_DOCUMENT, "a project document"),
        (ObjectKind.PROJECT, "a project"),
    ],
)
def test_a_notice_says_what_and_why_escaped_and_masked(kind: ObjectKind, what: str) -> None:
    record = _record(object_kind=kind)
    notice = render_notice(record, [_finding(1, "AKIA••••••••MPLE"), _finding(2, "<@U123>•••")])
    text = notice.webhook_payload["text"]
    assert what in notice.subject and what in notice.html and what in text
    for body in (notice.html, text):
        assert record.request_id in body and "AKIA••••••••MPLE" in body
        assert "<b>" not in body and "<@U123>" not in body  # API text cannot mark up or mention
    assert "&lt;b&gt;keys&lt;/b&gt; for ••••••" in notice.html
    assert notice.webhook_payload["metadata"]["event_payload"]["user_email"] == "ann@example.org"


def test_a_preview_that_hides_nothing_is_withheld_and_long_lists_are_cut() -> None:
    rows = [_finding(n, "sk_live_plaintextvalue" if n == 0 else "sk_l••••") for n in range(30)]
    notice = render_notice(_record(finding_ids=tuple(r.finding_id for r in rows)), rows)
    for body in (notice.html, notice.webhook_payload["text"]):
        assert "sk_live_plaintextvalue" not in body and WITHHELD in body
        assert f"and {30 - MAX_FINDINGS_SHOWN} more" in body
