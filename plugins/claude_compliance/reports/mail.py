"""Email through Airflow's SMTP provider (the connection holds host, credentials, sender)."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from pathlib import Path

from claude_compliance.reports.errors import DeliveryError, ReportError


def send_email(
    conn_id: str,
    to: Sequence[str],
    subject: str,
    html: str,
    files: Sequence[Path] = (),
) -> None:
    """Send one HTML email, with attachments, through the Airflow connection `conn_id`.

    The connection comes from Airflow (its metadata DB, a secrets backend, or an
    `AIRFLOW_CONN_<ID>` variable) and must name the sender in its `from_email` extra.
    """
    try:
        from airflow.providers.smtp.hooks.smtp import SmtpHook
        from airflow.sdk.exceptions import AirflowException
    except ImportError:
        raise ReportError("email needs apache-airflow-providers-smtp installed") from None
    target = f"smtp connection {conn_id!r}"
    try:
        with SmtpHook(smtp_conn_id=conn_id) as hook:
            hook.send_email_smtp(
                to=list(to),
                subject=subject,
                html_content=html,
                files=[str(path) for path in files],
            )
    except (AirflowException, smtplib.SMTPException, OSError) as exc:
        raise DeliveryError("email", target, str(exc).strip() or type(exc).__name__) from None
