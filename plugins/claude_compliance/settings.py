"""Settings: the environment, read and validated once into a frozen, printable object.

Secrets never live here: the Compliance keys come from the key store and the master and
fingerprint secrets from `claude_compliance.secrets`. Every variable read is listed in
`.env.example`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

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
    # The organization's country (ISO 3166 alpha-2): how phone numbers in national format
    # are read when the text does not say (scanners.load_engine's `region`).
    default_region: str = "US"

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
        env = os.environ if environ is None else environ
        home = Path(env.get("CLAUDE_COMPLIANCE_HOME") or "./var").expanduser().resolve()
        api_url = (env.get("CLAUDE_COMPLIANCE_API_URL") or DEFAULT_API_URL).rstrip("/")
        parts = urlsplit(api_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(
                f"CLAUDE_COMPLIANCE_API_URL must be an http(s) URL, got {api_url!r}"
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
            default_region=_region(env, "CLAUDE_COMPLIANCE_DEFAULT_REGION"),
        )

    @classmethod
    def load(cls) -> Settings:
        """Settings from the environment, with the home's folders created."""
        settings = cls.from_env()
        settings.ensure_dirs()
        return settings

    def ensure_dirs(self) -> None:
        for path in (self.home, self.lake_dir, self.warehouse_dir, self.reports_dir):
            path.mkdir(parents=True, exist_ok=True)


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
