"""Email through Airflow's SMTP provider, with defaults that work on a plain local relay.

The server comes from the Airflow connection `CLAUDE_COMPLIANCE_SMTP_CONN_ID` (default
`smtp_default`: its metadata DB, a secrets backend, or `AIRFLOW_CONN_SMTP_DEFAULT`); with no
such connection, `smtp_default` is `smtp://localhost:25`. The provider's own defaults
(implicit TLS on every port, then STARTTLS, and a sender only from a `from_email` extra) fail
against exactly that relay, so unless the connection's extras say otherwise:

- implicit TLS (`SMTP_SSL`) only on port 465, its registered port (RFC 8314);
- STARTTLS everywhere except on loopback, where nothing travels over a network;
- the sender is `CLAUDE_COMPLIANCE_REPORT_EMAIL_FROM`, else the connection's `from_email`,
  else `claude-compliance@localhost`.
"""

from __future__ import annotations

import ipaddress
import json
import smtplib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claude_compliance.reports.errors import DeliveryError, ReportError

if TYPE_CHECKING:
    from airflow.sdk import Connection

DEFAULT_CONN_ID = "smtp_default"
DEFAULT_SERVER = ("localhost", 25)
DEFAULT_SENDER = "claude-compliance@localhost"
IMPLICIT_TLS_PORT = 465


def send_email(
    conn_id: str,
    to: Sequence[str],
    subject: str,
    html: str,
    files: Sequence[Path] = (),
    *,
    sender: str | None = None,
) -> None:
    """Send one HTML email, with attachments, through the Airflow connection `conn_id`."""
    try:
        from airflow.providers.smtp.hooks.smtp import SmtpHook
        from airflow.sdk.exceptions import AirflowException
    except ImportError:
        raise ReportError("email needs apache-airflow-providers-smtp installed") from None
    target = f"smtp connection {conn_id!r}"
    try:
        connection = smtp_connection(conn_id)
        extras = connection.extra_dejson
        from_email = sender or extras.get("from_email") or DEFAULT_SENDER

        class Hook(SmtpHook):
            """The provider's hook on the connection resolved above."""

            @classmethod
            def get_connection(cls, _conn_id: str) -> Connection:
                return connection

        with Hook(smtp_conn_id=conn_id) as hook:
            hook.send_email_smtp(
                to=list(to),
                subject=subject,
                html_content=html,
                files=[str(path) for path in files],
                from_email=from_email,
            )
    except (AirflowException, smtplib.SMTPException, OSError) as exc:
        raise DeliveryError("email", target, str(exc).strip() or type(exc).__name__) from None


def smtp_connection(conn_id: str) -> Connection:
    """The Airflow connection `conn_id` with the TLS defaults above filled in."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        found = Connection.get(conn_id)
    except AirflowNotFoundException:
        if conn_id != DEFAULT_CONN_ID:
            raise
        host, port = DEFAULT_SERVER
        found = Connection(conn_id=conn_id, conn_type="smtp", host=host, port=port)
    extras = dict(found.extra_dejson)
    for name in ("disable_ssl", "disable_tls"):
        if isinstance(extras.get(name), str):
            # A URI's query gives "false" as a string, which the provider would read as true.
            extras[name] = extras[name].strip().lower() in ("1", "true", "yes", "on")
    port = found.port or DEFAULT_SERVER[1]
    extras.setdefault("disable_ssl", port != IMPLICIT_TLS_PORT)
    extras.setdefault("disable_tls", port == IMPLICIT_TLS_PORT or is_loopback(found.host or ""))
    return Connection(
        conn_id=found.conn_id,
        conn_type=found.conn_type,
        host=found.host,
        login=found.login,
        password=found.password,
        port=port,
        schema=found.schema,
        extra=json.dumps(extras),
    )


def is_loopback(host: str) -> bool:
    """`localhost`, 127.0.0.0/8 or ::1.

    >>> [is_loopback(h) for h in ("localhost", "127.0.0.2", "::1", "smtp.example.org")]
    [True, True, True, False]
    """
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
