"""Settings: the environment, read and validated once into a frozen, printable object.

Secrets never live here: the Compliance keys come from the key store and the master and
fingerprint secrets from `claude_compliance.secrets`. Every variable read is listed in
`.env.example`.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from claude_compliance import filemodes

if TYPE_CHECKING:
    from claude_compliance.lake.fs import LakeDir

DEFAULT_API_URL = "https://api.anthropic.com"


class SettingsError(ValueError):
    """A configuration value is invalid; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    api_url: str
    state_db_url: str
    rules_path: Path | None
    file_size_cap_bytes: int
    request_timeout_s: float
    activity_lag_s: float = 90.0
    activity_overlap_s: float = 600.0
    lake_uri: str | None = None
    warehouse_group_readable: bool = False
    trusted_proxies: tuple[str, ...] = ()
    lock_timeout_s: float = 300.0
    # The organization's country (ISO 3166 alpha-2): how phone numbers in national format
    # are read when the text does not say (scanners.load_engine's `region`).
    default_region: str = "US"
    remediation_single_approver: bool = False
    """Relax the two-person rule: the requester may approve their own removal request.
    For a team of one; every approval still lands in the audit log with its approver."""

    @property
    def lake_dir(self) -> LakeDir:
        """The lake root: `$CLAUDE_COMPLIANCE_HOME/lake`, or `CLAUDE_COMPLIANCE_LAKE_URI`
        (a folder or an object-storage URI such as `s3://bucket/prefix`)."""
        if not self.lake_uri:
            return self.home / "lake"
        # Imported here: pyarrow is a second of start-up that `scan` does not need.
        from claude_compliance.lake.fs import open_lake

        return open_lake(self.lake_uri)

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def build_db_path(self) -> Path:
        return self.warehouse_dir / "build.duckdb"

    @property
    def published_db_path(self) -> Path:
        return self.warehouse_dir / "compliance.duckdb"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of this process, which from now on creates owner-only files.

        Every process that touches the home (CLI, dashboard, DAG tasks) starts here, so this
        is where the umask is set (`filemodes`): its children inherit it.
        """
        filemodes.restrict_umask()
        env = os.environ if environ is None else environ
        home = Path(env.get("CLAUDE_COMPLIANCE_HOME") or "./var").expanduser().resolve()
        api_url = (env.get("CLAUDE_COMPLIANCE_API_URL") or DEFAULT_API_URL).rstrip("/")
        parts = urlsplit(api_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(
                f"CLAUDE_COMPLIANCE_API_URL must be an http(s) URL, got {api_url!r}"
            )
        insecure_hosts = {
            h.strip().lower()
            for h in (env.get("CLAUDE_COMPLIANCE_API_INSECURE_HOSTS") or "").split(",")
            if h.strip()
        }
        host = (parts.hostname or "").lower()
        if parts.scheme == "http" and not (is_loopback_host(host) or host in insecure_hosts):
            raise SettingsError(
                "CLAUDE_COMPLIANCE_API_URL must use https: the Compliance key travels in a "
                f"header, and plain http is allowed only on loopback (got {host!r}; a trial "
                "simulator on a private network can be named in "
                "CLAUDE_COMPLIANCE_API_INSECURE_HOSTS)"
            )
        state_db_url = env.get("CLAUDE_COMPLIANCE_STATE_DB") or f"sqlite:///{home / 'state.db'}"
        rules = env.get("CLAUDE_COMPLIANCE_RULES")
        return cls(
            home=home,
            api_url=api_url,
            state_db_url=state_db_url,
            rules_path=Path(rules).expanduser().resolve() if rules else None,
            file_size_cap_bytes=_positive_int(
                env, "CLAUDE_COMPLIANCE_FILE_SIZE_CAP_BYTES", 10 * 1024 * 1024
            ),
            request_timeout_s=positive_float(env, "CLAUDE_COMPLIANCE_REQUEST_TIMEOUT_S", 60.0),
            activity_lag_s=positive_float(env, "CLAUDE_COMPLIANCE_ACTIVITY_LAG_S", 90.0),
            activity_overlap_s=positive_float(env, "CLAUDE_COMPLIANCE_ACTIVITY_OVERLAP_S", 600.0),
            lake_uri=env.get("CLAUDE_COMPLIANCE_LAKE_URI") or None,
            warehouse_group_readable=_boolean(env, "CLAUDE_COMPLIANCE_WAREHOUSE_GROUP_READ"),
            trusted_proxies=_networks(env, "CLAUDE_COMPLIANCE_TRUSTED_PROXIES"),
            lock_timeout_s=_non_negative_float(env, "CLAUDE_COMPLIANCE_LOCK_TIMEOUT_S", 300.0),
            default_region=_region(env, "CLAUDE_COMPLIANCE_DEFAULT_REGION"),
            remediation_single_approver=_boolean(
                env, "CLAUDE_COMPLIANCE_REMEDIATION_SINGLE_APPROVER"
            ),
        )

    @classmethod
    def load(cls) -> Settings:
        """Settings from the environment, with the home's folders created."""
        settings = cls.from_env()
        settings.ensure_dirs()
        return settings

    def ensure_dirs(self) -> None:
        """The home's folders, owner-only (0700); with a shared warehouse, the group may
        pass through the home (0710) and read the warehouse folder (0750)."""
        shared = self.warehouse_group_readable
        filemodes.ensure_dir(self.home, filemodes.SHARED_HOME if shared else filemodes.PRIVATE_DIR)
        lake_dir = self.lake_dir
        if isinstance(lake_dir, Path):
            filemodes.ensure_dir(lake_dir)
        else:
            lake_dir.mkdir(parents=True, exist_ok=True)
        filemodes.ensure_dir(
            self.warehouse_dir, filemodes.SHARED_DIR if shared else filemodes.PRIVATE_DIR
        )
        filemodes.ensure_dir(self.reports_dir)


def is_loopback_host(host: str) -> bool:
    """`localhost`, 127.0.0.0/8 or ::1: where plain http cannot leave the machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _boolean(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or CIDR networks, normalized (`10.0.0.0/8`)."""
    networks = []
    for part in (env.get(name) or "").split(","):
        if not part.strip():
            continue
        try:
            networks.append(str(ipaddress.ip_network(part.strip(), strict=False)))
        except ValueError:
            raise SettingsError(
                f"{name} must list IP addresses or networks (e.g. 10.0.0.5,10.1.0.0/16), "
                f"got {part.strip()!r}"
            ) from None
    return tuple(networks)


def _region(env: Mapping[str, str], name: str) -> str:
    raw = (env.get(name) or "US").strip().upper()
    if len(raw) != 2 or not raw.isascii() or not raw.isalpha():
        raise SettingsError(f"{name} must be an ISO 3166 alpha-2 country code, got {raw!r}")
    return raw


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def _non_negative_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not value >= 0 or value == float("inf"):
        raise SettingsError(f"{name} must be a number of seconds >= 0, got {raw!r}")
    return value


def positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number from the environment, `default` when unset or empty."""
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value
