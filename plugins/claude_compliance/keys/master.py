"""Installation secrets: the Fernet master key(s) and the findings fingerprint secret.

Both come from the environment when set; locally, when unset, each is generated once into
`$CLAUDE_COMPLIANCE_HOME` with mode 0600 and a warning, so a first run just works.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet

from claude_compliance.settings import Settings, SettingsError

log = logging.getLogger(__name__)

MASTER_KEY_VAR = "CLAUDE_COMPLIANCE_MASTER_KEY"
FINGERPRINT_KEY_VAR = "CLAUDE_COMPLIANCE_FINGERPRINT_KEY"


def master_fernet(settings: Settings, environ: Mapping[str, str] | None = None) -> MultiFernet:
    """The MultiFernet of the configured master keys; the first one encrypts."""
    keys = _master_key_strings(settings, os.environ if environ is None else environ)
    fernets = []
    for index, key in enumerate(keys):
        try:
            fernets.append(Fernet(key.encode()))
        except (ValueError, TypeError):
            raise SettingsError(
                f"{MASTER_KEY_VAR} entry {index + 1} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)"
            ) from None
    return MultiFernet(fernets)


def fingerprint_secret(settings: Settings, environ: Mapping[str, str] | None = None) -> bytes:
    """The HMAC secret that keys finding fingerprints; stable for the installation's life."""
    env = os.environ if environ is None else environ
    raw = env.get(FINGERPRINT_KEY_VAR)
    if raw:
        if len(raw) < 32:
            raise SettingsError(f"{FINGERPRINT_KEY_VAR} must be at least 32 characters")
        return raw.encode()
    path = settings.home / "fingerprint.key"
    return _read_or_create(path, lambda: secrets.token_urlsafe(48), FINGERPRINT_KEY_VAR).encode()


def _master_key_strings(settings: Settings, env: Mapping[str, str]) -> list[str]:
    raw = env.get(MASTER_KEY_VAR)
    if raw:
        keys = [part.strip() for part in raw.split(",") if part.strip()]
        if keys:
            return keys
    path = settings.home / "master.key"
    value = _read_or_create(path, lambda: Fernet.generate_key().decode(), MASTER_KEY_VAR)
    return [part.strip() for part in value.split(",") if part.strip()]


def _read_or_create(path: Path, make: Callable[[], str], variable: str) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    log.warning(
        "%s is not set: generated %s (mode 0600). Back it up; set %s in production.",
        variable,
        path,
        variable,
    )
    return value


def new_master_key() -> str:
    """A fresh Fernet key, for `keys rotate-master`."""
    return Fernet.generate_key().decode()


def is_fernet_key(value: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(value.encode())) == 32
    except (ValueError, TypeError):
        return False
