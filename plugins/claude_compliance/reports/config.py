"""Configuration of reports, alerts and the SIEM export, read from the environment once.

Like `Settings`, each object is frozen and validated at load time (the error names the
variable). The entry points (CLI commands, DAG tasks) load them and pass them down; nothing
below them reads the environment. Webhook URLs and SIEM tokens are credentials: they are
kept out of `repr()` and every message shows them through `redact_url` only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from claude_compliance.settings import SettingsError, positive_float
from scanners.model import Severity

DEFAULT_DASHBOARD_URL = "http://localhost:8050"
DEFAULT_SMTP_CONN_ID = "smtp_default"
DEFAULT_ELASTIC_INDEX = "claude-compliance-findings"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class SiemKind(StrEnum):
    """The HTTP collectors the export can POST to."""

    SPLUNK_HEC = "splunk_hec"
    ELASTIC = "elastic"


@dataclass(frozen=True, slots=True)
class ReportConfig:
    email_to: tuple[str, ...]
    smtp_conn_id: str
    dashboard_url: str
    chromium: str | None
    """Path of the Chromium binary that prints the PDF; None when none is installed."""
    email_from: str | None = None
    """The sender of reports and alerts; None: the SMTP connection's, else a local default."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ReportConfig:
        env = os.environ if environ is None else environ
        return cls(
            email_to=_addresses(env, "CLAUDE_COMPLIANCE_REPORT_EMAIL_TO"),
            smtp_conn_id=env.get("CLAUDE_COMPLIANCE_SMTP_CONN_ID") or DEFAULT_SMTP_CONN_ID,
            dashboard_url=dashboard_url(env),
            chromium=_chromium(env),
            email_from=email_from(env),
        )


@dataclass(frozen=True, slots=True)
class AlertConfig:
    min_severity: Severity
    webhook_url: str | None = field(repr=False)
    email_to: tuple[str, ...]
    smtp_conn_id: str
    dashboard_url: str
    max_age_hours: float
    """Only findings that occurred this recently alert, so a backfill of old data stays quiet."""
    email_from: str | None = None

    @property
    def has_channel(self) -> bool:
        return bool(self.webhook_url or self.email_to)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AlertConfig:
        env = os.environ if environ is None else environ
        return cls(
            min_severity=_severity(env, "CLAUDE_COMPLIANCE_ALERT_MIN_SEVERITY", Severity.CRITICAL),
            webhook_url=url_setting(env, "CLAUDE_COMPLIANCE_ALERT_WEBHOOK_URL"),
            email_to=_addresses(env, "CLAUDE_COMPLIANCE_ALERT_EMAIL_TO"),
            smtp_conn_id=env.get("CLAUDE_COMPLIANCE_SMTP_CONN_ID") or DEFAULT_SMTP_CONN_ID,
            dashboard_url=dashboard_url(env),
            max_age_hours=positive_float(env, "CLAUDE_COMPLIANCE_ALERT_MAX_AGE_HOURS", 72.0),
            email_from=email_from(env),
        )


@dataclass(frozen=True, slots=True)
class SiemConfig:
    write_files: bool
    url: str | None = field(repr=False)
    kind: SiemKind | None
    token: str | None = field(repr=False)
    index: str | None
    dashboard_url: str
    batch_size: int = 500

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SiemConfig:
        env = os.environ if environ is None else environ
        url = url_setting(env, "CLAUDE_COMPLIANCE_SIEM_URL")
        raw_kind = (env.get("CLAUDE_COMPLIANCE_SIEM_KIND") or "").strip().lower()
        kind: SiemKind | None = None
        if raw_kind:
            try:
                kind = SiemKind(raw_kind)
            except ValueError:
                choices = ", ".join(k.value for k in SiemKind)
                raise SettingsError(
                    f"CLAUDE_COMPLIANCE_SIEM_KIND must be one of {choices}, got {raw_kind!r}"
                ) from None
        if url and kind is None:
            raise SettingsError(
                "CLAUDE_COMPLIANCE_SIEM_KIND must be set (splunk_hec or elastic) "
                "when CLAUDE_COMPLIANCE_SIEM_URL is"
            )
        index = env.get("CLAUDE_COMPLIANCE_SIEM_INDEX") or None
        if kind is SiemKind.ELASTIC and index is None:
            index = DEFAULT_ELASTIC_INDEX
        return cls(
            write_files=_bool(env, "CLAUDE_COMPLIANCE_SIEM_FILES", True),
            url=url,
            kind=kind if url else None,
            token=env.get("CLAUDE_COMPLIANCE_SIEM_TOKEN") or None,
            index=index,
            dashboard_url=dashboard_url(env),
        )


def dashboard_url(env: Mapping[str, str]) -> str:
    return url_setting(env, "CLAUDE_COMPLIANCE_DASHBOARD_URL") or DEFAULT_DASHBOARD_URL


def finding_link(base_url: str, finding_id: str) -> str:
    """The dashboard page of one finding (the one place that knows the route)."""
    return f"{base_url.rstrip('/')}/findings/{finding_id}"


def redact_url(url: str) -> str:
    """Scheme, host and port only: webhook paths and query strings carry credentials."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…"


def url_setting(env: Mapping[str, str], name: str) -> str | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        # The value may hold a credential: name the variable, never echo it.
        raise SettingsError(f"{name} must be an http(s) URL")
    return raw.rstrip("/")


def _addresses(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = env.get(name) or ""
    addresses = tuple(part.strip() for part in raw.replace(";", ",").split(",") if part.strip())
    bad = [a for a in addresses if "@" not in a or any(c.isspace() for c in a)]
    if bad:
        raise SettingsError(f"{name} must be comma-separated email addresses, got {bad[0]!r}")
    return addresses


def email_from(env: Mapping[str, str]) -> str | None:
    """`CLAUDE_COMPLIANCE_REPORT_EMAIL_FROM`: one address, the sender of reports and alerts."""
    addresses = _addresses(env, "CLAUDE_COMPLIANCE_REPORT_EMAIL_FROM")
    if len(addresses) > 1:
        raise SettingsError(
            f"CLAUDE_COMPLIANCE_REPORT_EMAIL_FROM must be one address, got {len(addresses)}"
        )
    return addresses[0] if addresses else None


def _severity(env: Mapping[str, str], name: str, default: Severity) -> Severity:
    raw = (env.get(name) or "").strip().upper()
    if not raw:
        return default
    try:
        severity = Severity(raw)
    except ValueError:
        severity = Severity.NONE
    if severity is Severity.NONE:
        raise SettingsError(f"{name} must be CRITICAL, HIGH, MEDIUM or LOW, got {raw!r}")
    return severity


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _chromium(env: Mapping[str, str]) -> str | None:
    configured = env.get("CLAUDE_COMPLIANCE_CHROMIUM")
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise SettingsError(f"CLAUDE_COMPLIANCE_CHROMIUM: no executable at {configured!r}")
        return found
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass(frozen=True, slots=True)
class DeliveryConfig:
    """What a run delivers after each publish: the SIEM export and the alerts."""

    alerts: AlertConfig
    siem: SiemConfig

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DeliveryConfig:
        return cls(AlertConfig.from_env(environ), SiemConfig.from_env(environ))
