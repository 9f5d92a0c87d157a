"""Alerts from simulator data to a webhook receiver and an SMTP sink on loopback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from claude_compliance.reports.alerts import AlertDeliveryError, send_alerts
from claude_compliance.reports.config import AlertConfig
from claude_compliance.reports.webhook import RetryPolicy
from claude_compliance.settings import Settings
from scanners.model import Severity
from tests.fixtures.scripts import SCRIPTS
from tests.reports.conftest import WINDOW_END, Built, leaked
from tests.reports.loopback import HttpSink, Received, SmtpSink, decoded_parts
from tests.reports.test_report import repeated_fingerprint

pytestmark = pytest.mark.slow

NOW = WINDOW_END + timedelta(hours=1)  # an hourly run just after the simulated window
NO_RETRY = RetryPolicy(max_attempts=1)


def config(
    *,
    webhook: str | None = None,
    email_to: tuple[str, ...] = (),
    min_severity: Severity = Severity.CRITICAL,
) -> AlertConfig:
    return AlertConfig(
        min_severity=min_severity,
        webhook_url=webhook,
        email_to=email_to,
        smtp_conn_id="smtp_default",
        dashboard_url="https://compliance.example.org",
        max_age_hours=96,
    )


def fingerprints(settings: Settings, severities: tuple[str, ...]) -> dict[str, int]:
    """Fingerprint → number of findings, for findings of these severities."""
    with duckdb.connect(str(settings.published_db_path), read_only=True) as con:
        rows = con.execute(
            "select fingerprint, count(*) from findings where list_contains(?, severity) "
            "group by 1",
            [list(severities)],
        ).fetchall()
    return dict(rows)


def payload(request: Received) -> dict[str, object]:
    event = request.json()["metadata"]["event_payload"]
    assert isinstance(event, dict)
    return event


def test_one_webhook_alert_per_new_critical_fingerprint(
    report_settings: Settings, built: Built
) -> None:
    expected = fingerprints(report_settings, ("CRITICAL",))
    repeated = repeated_fingerprint(built)
    assert expected[repeated] == 10  # the same key pasted ten times …
    with HttpSink() as sink:
        hook = f"{sink.url}/services/T000/B000/secret-token"
        result = send_alerts(report_settings, config=config(webhook=hook), now=NOW)
        first = list(sink.received)
        again = send_alerts(report_settings, config=config(webhook=hook), now=NOW)
        assert len(sink.received) == len(first)  # … and a second run sends nothing new

    alerted = [payload(r)["fingerprint"] for r in first]
    assert sorted(alerted) == sorted(expected)  # exactly one alert per fingerprint
    assert result.sent["webhook"] == tuple(alerted) and result.fingerprints == len(expected)
    assert result.candidates == sum(expected.values())
    assert again.sent["webhook"] == () and again.already_sent["webhook"] == len(expected)

    (leak,) = [payload(r) for r in first if payload(r)["fingerprint"] == repeated]
    assert (leak["occurrences"], leak["users"], leak["severity"]) == (10, 3, "CRITICAL")
    assert "…" in str(leak["redacted_match"])
    assert leak["dashboard_url"] == f"https://compliance.example.org/findings/{leak['finding_id']}"
    for request in first:
        body = request.json()
        assert request.path == "/services/T000/B000/secret-token"
        assert request.headers["content-type"] == "application/json"
        assert body["text"] and body["blocks"][0]["type"] == "header"
        button = body["blocks"][2]["elements"][0]
        assert button["url"] == payload(request)["dashboard_url"]
    assert leaked([r.body.decode() for r in first], built) == []


def test_threshold_suppression_and_triage_decide_what_alerts(
    report_settings: Settings, built: Built
) -> None:
    from claude_compliance import runtime
    from claude_compliance.state.triage import FindingRef, TriageStatus, TriageStore

    high_and_up = fingerprints(report_settings, ("CRITICAL", "HIGH"))
    repeated = repeated_fingerprint(built)
    with duckdb.connect(str(report_settings.published_db_path), read_only=True) as con:
        triaged = con.execute(
            "select finding_id, fingerprint from findings where severity = 'HIGH' "
            "order by finding_id limit 1"
        ).fetchall()[0]
    store = TriageStore(runtime.state_engine(report_settings))
    store.add_suppression("fingerprint", fingerprint=repeated, actor="analyst", note="test key")
    store.set_status([FindingRef(*triaged)], TriageStatus.FALSE_POSITIVE, actor="analyst")

    with HttpSink() as sink:
        result = send_alerts(
            report_settings,
            config=config(webhook=sink.url, min_severity=Severity.HIGH),
            now=NOW,
        )
    alerted = {payload(r)["fingerprint"] for r in sink.received}
    assert alerted == set(high_and_up) - {repeated, triaged[1]}
    assert {payload(r)["severity"] for r in sink.received} == {"CRITICAL", "HIGH"}
    assert result.skipped_triaged == 10 + 1

    # Old findings stay quiet: outside the look-back window nothing alerts.
    with HttpSink() as sink:
        late = send_alerts(
            report_settings, config=config(webhook=sink.url), now=NOW + timedelta(days=30)
        )
    assert sink.received == [] and late.candidates == 0


def test_a_failed_delivery_is_sent_by_the_next_run_and_never_twice(
    report_settings: Settings,
) -> None:
    expected = fingerprints(report_settings, ("CRITICAL",))

    def flaky(_request: Received, index: int) -> tuple[int, bytes]:
        return (503, b"busy") if index == 2 else (200, b"ok")

    with HttpSink(flaky) as sink:
        with pytest.raises(AlertDeliveryError) as failure:
            send_alerts(report_settings, config=config(webhook=sink.url), now=NOW, retry=NO_RETRY)
        assert len(failure.value.result.sent["webhook"]) == 2
        assert "HTTP 503" in str(failure.value) and "/services" not in str(failure.value)
        retried = send_alerts(report_settings, config=config(webhook=sink.url), now=NOW)
    delivered = [payload(r)["fingerprint"] for r in sink.received]
    assert len(retried.sent["webhook"]) == len(expected) - 2
    # Request 3 failed; it and the rest went out with the second run, each exactly once.
    assert sorted(delivered[:2] + delivered[3:]) == sorted(expected)
    assert delivered[2] in delivered[3:]


def test_email_alerts_are_one_digest_through_the_smtp_provider(
    report_settings: Settings, built: Built, tmp_path: Path
) -> None:
    expected = fingerprints(report_settings, ("CRITICAL",))
    with SmtpSink() as sink:
        env = {
            **os.environ,
            "AIRFLOW_HOME": str(tmp_path / "airflow"),
            "AIRFLOW_CONN_SMTP_DEFAULT": sink.airflow_connection(),
            "CLAUDE_COMPLIANCE_ALERT_EMAIL_TO": "soc@example.org",
            "CLAUDE_COMPLIANCE_ALERT_MAX_AGE_HOURS": "96",
        }
        proc = subprocess.run(
            [sys.executable, str(SCRIPTS / "send_alerts_twice.py"), NOW.isoformat()],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        messages = sink.messages()
    first, second = json.loads(proc.stdout.splitlines()[-1])
    assert len(first["email"]) == len(expected) and second["email"] == []
    (message,) = messages  # one digest; the second run had nothing new
    assert message["To"] == "soc@example.org"
    assert (
        message["Subject"] == f"Claude Compliance alert: {len(expected)} new CRITICAL values found"
    )
    (html,) = [data.decode() for kind, _, data in decoded_parts(message) if kind == "text/html"]
    assert sorted(set(_data_fingerprints(html))) == sorted(expected)
    assert len(_data_fingerprints(html)) == len(expected)
    assert leaked([html, *sink.raw_messages, proc.stdout, proc.stderr], built) == []


def _data_fingerprints(html: str) -> list[str]:
    return re.findall(r'data-fingerprint="([0-9a-f]+)"', html)


def test_alert_configuration_is_validated_and_keeps_the_webhook_secret() -> None:
    from claude_compliance.settings import SettingsError

    secret = "https://hooks.slack.com/services/T0/B0/xoxsecret"
    loaded = AlertConfig.from_env({"CLAUDE_COMPLIANCE_ALERT_WEBHOOK_URL": secret})
    assert loaded.min_severity is Severity.CRITICAL and loaded.has_channel
    assert "xoxsecret" not in repr(loaded)
    assert not AlertConfig.from_env({}).has_channel
    with pytest.raises(SettingsError, match="CLAUDE_COMPLIANCE_ALERT_MIN_SEVERITY"):
        AlertConfig.from_env({"CLAUDE_COMPLIANCE_ALERT_MIN_SEVERITY": "NONE"})
    with pytest.raises(SettingsError, match="CLAUDE_COMPLIANCE_ALERT_WEBHOOK_URL") as bad:
        AlertConfig.from_env({"CLAUDE_COMPLIANCE_ALERT_WEBHOOK_URL": "ftp://x/secret-path"})
    assert "secret-path" not in str(bad.value)
    with pytest.raises(SettingsError, match="CLAUDE_COMPLIANCE_ALERT_EMAIL_TO"):
        AlertConfig.from_env({"CLAUDE_COMPLIANCE_ALERT_EMAIL_TO": "not-an-address"})
    assert AlertConfig.from_env({"CLAUDE_COMPLIANCE_ALERT_MIN_SEVERITY": "high"}).min_severity == (
        Severity.HIGH
    )


def test_no_channel_means_no_work(report_settings: Settings) -> None:
    result = send_alerts(report_settings, config=config(), now=NOW)
    assert not result.is_configured and result.sent_count == 0
