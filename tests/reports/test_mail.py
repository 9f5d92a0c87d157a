"""Email on the documented defaults, against a real SMTP server (aiosmtpd) on loopback.

`.env.example` documents `AIRFLOW_CONN_SMTP_DEFAULT` as an SMTP URI (unset: smtp://localhost:25)
and `CLAUDE_COMPLIANCE_REPORT_EMAIL_FROM` as the sender; a plain relay without TLS must work
with nothing else set, and TLS must stay on where it protects something.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from claude_compliance.reports.config import AlertConfig, ReportConfig
from claude_compliance.reports.errors import DeliveryError
from claude_compliance.reports.mail import DEFAULT_SENDER, send_email, smtp_connection
from claude_compliance.settings import SettingsError


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Recorder:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Recorder, int]]:
    """A plain SMTP server (no TLS, no AUTH) on 127.0.0.1, as a local relay is."""
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def no_smtp_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "AIRFLOW_CONN_SMTP_DEFAULT",
        "CLAUDE_COMPLIANCE_REPORT_EMAIL_FROM",
        "CLAUDE_COMPLIANCE_SMTP_CONN_ID",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_plain_local_relay_works_with_only_its_uri_set(
    smtp_server: tuple[Recorder, int],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    host: str,
) -> None:
    recorder, port = smtp_server
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", f"smtp://{host}:{port}")
    attachment = tmp_path / "findings.csv"
    attachment.write_text("finding_id,severity\nf1,CRITICAL\n")
    config = ReportConfig.from_env()
    send_email(
        config.smtp_conn_id,
        ["dpo@example.org"],
        "report",
        "<p>hello</p>",
        files=[attachment],
        sender=config.email_from,
    )
    (received,) = recorder.received
    assert received.envelope_from == DEFAULT_SENDER
    assert received.message["From"] == DEFAULT_SENDER
    assert received.recipients == ["dpo@example.org"]
    names = {part.get_filename() for part in received.message.walk() if part.get_filename()}
    assert names == {"findings.csv"}


def test_the_documented_sender_variable_names_the_sender(
    smtp_server: tuple[Recorder, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, port = smtp_server
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("CLAUDE_COMPLIANCE_REPORT_EMAIL_FROM", "compliance@example.org")
    for config in (ReportConfig.from_env(), AlertConfig.from_env()):
        send_email(
            config.smtp_conn_id, ["soc@example.org"], "s", "<p>x</p>", sender=config.email_from
        )
    assert [r.envelope_from for r in recorder.received] == ["compliance@example.org"] * 2
    assert {r.message["From"] for r in recorder.received} == {"compliance@example.org"}


def test_the_sender_variable_wins_over_the_connection_extra_which_wins_over_the_default(
    smtp_server: tuple[Recorder, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, port = smtp_server
    conn = {"conn_type": "smtp", "host": "127.0.0.1", "port": port}
    conn["extra"] = {"from_email": "airflow@example.org"}  # type: ignore[assignment]
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(conn))
    send_email("smtp_default", ["a@example.org"], "s", "<p>x</p>")
    send_email("smtp_default", ["a@example.org"], "s", "<p>x</p>", sender="env@example.org")
    assert [r.envelope_from for r in recorder.received] == [
        "airflow@example.org",
        "env@example.org",
    ]


def test_an_unset_default_connection_is_plain_smtp_on_localhost_25() -> None:
    conn = smtp_connection("smtp_default")
    assert (conn.host, conn.port) == ("localhost", 25)
    assert conn.extra_dejson["disable_ssl"] is True and conn.extra_dejson["disable_tls"] is True


def test_another_missing_connection_is_a_clear_delivery_error() -> None:
    with pytest.raises(DeliveryError, match="smtp connection 'mail_relay'"):
        send_email("mail_relay", ["a@example.org"], "s", "<p>x</p>")


@pytest.mark.parametrize(
    ("uri", "implicit_tls", "starttls"),
    [
        ("smtp://smtp.example.org:587", False, True),  # submission: STARTTLS
        ("smtp://smtp.example.org:25", False, True),  # a remote relay: STARTTLS
        ("smtps://user:pw@smtp.example.org:465", True, False),  # implicit TLS (RFC 8314)
        ("smtp://127.0.0.1:2525", False, False),  # loopback: nothing crosses a network
        ("smtp://[::1]:25", False, False),
        # What the connection says always wins.
        ("smtp://smtp.example.org:587?disable_tls=true", False, False),
        ("smtp://127.0.0.1:2525?disable_tls=false", False, True),
    ],
)
def test_tls_stays_on_where_it_protects_something(
    monkeypatch: pytest.MonkeyPatch, uri: str, implicit_tls: bool, starttls: bool
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", uri)
    extras = smtp_connection("smtp_default").extra_dejson
    assert (not extras["disable_ssl"], not extras["disable_tls"]) == (implicit_tls, starttls)


def test_a_relay_that_wants_starttls_but_has_none_fails_clearly(
    smtp_server: tuple[Recorder, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _recorder, port = smtp_server
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", f"smtp://127.0.0.1:{port}?disable_tls=false")
    with pytest.raises(DeliveryError, match="STARTTLS"):
        send_email("smtp_default", ["a@example.org"], "s", "<p>x</p>")


@pytest.mark.parametrize("value", ["not-an-address", "a@example.org,b@example.org"])
def test_a_bad_sender_variable_is_refused_at_load(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CLAUDE_COMPLIANCE_REPORT_EMAIL_FROM", value)
    with pytest.raises(SettingsError, match="CLAUDE_COMPLIANCE_REPORT_EMAIL_FROM"):
        ReportConfig.from_env()
