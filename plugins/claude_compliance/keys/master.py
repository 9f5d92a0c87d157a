"""Installation secrets: the Fernet master key(s) and the findings fingerprint secret.

The master keys come, in this order, from `CLAUDE_COMPLIANCE_MASTER_KEY` (comma-separated,
newest first), from the file named by `CLAUDE_COMPLIANCE_MASTER_KEY_FILE` (how
docker-compose passes it as a secret: `/run/secrets/…`), or locally from
`$CLAUDE_COMPLIANCE_HOME/master.key`, generated once with mode 0600 and a warning so a first
run just works. The fingerprint secret follows the same pattern with its own variable.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet

from claude_compliance.settings import Settings, SettingsError

log = logging.getLogger(__name__)

MASTER_KEY_VAR = "CLAUDE_COMPLIANCE_MASTER_KEY"
MASTER_KEY_FILE_VAR = "CLAUDE_COMPLIANCE_MASTER_KEY_FILE"
FINGERPRINT_KEY_VAR = "CLAUDE_COMPLIANCE_FINGERPRINT_KEY"


@dataclass(frozen=True, slots=True)
class MasterKeySource:
    """Where the master keys come from: `env`, `secret_file` (read-only) or `local_file`."""

    kind: str
    path: Path | None
    keys: tuple[str, ...]

    def __repr__(self) -> str:  # never show key material
        return f"MasterKeySource(kind={self.kind!r}, path={self.path!r}, keys={len(self.keys)})"

    @property
    def describe(self) -> str:
        if self.kind == "env":
            return MASTER_KEY_VAR
        return (
            f"{MASTER_KEY_FILE_VAR} ({self.path})" if self.kind == "secret_file" else str(self.path)
        )


def master_source(settings: Settings, environ: Mapping[str, str] | None = None) -> MasterKeySource:
    """The configured master keys and where they came from (generating the local file)."""
    env = os.environ if environ is None else environ
    raw = env.get(MASTER_KEY_VAR)
    if raw and _split(raw):
        return MasterKeySource("env", None, _split(raw))
    secret_file = env.get(MASTER_KEY_FILE_VAR)
    if secret_file:
        path = Path(secret_file).expanduser()
        try:
            keys = _split(path.read_text())
        except OSError as exc:
            raise SettingsError(
                f"{MASTER_KEY_FILE_VAR} names {path}, which cannot be read: {exc.strerror}"
            ) from None
        if not keys:
            raise SettingsError(f"{MASTER_KEY_FILE_VAR} names {path}, which is empty")
        return MasterKeySource("secret_file", path, keys)
    path = settings.home / "master.key"
    value = _read_or_create(path, lambda: Fernet.generate_key().decode(), MASTER_KEY_VAR)
    return MasterKeySource("local_file", path, _split(value))


def master_fernet(settings: Settings, environ: Mapping[str, str] | None = None) -> MultiFernet:
    """The MultiFernet of the configured master keys; the first one encrypts."""
    return fernet_of(master_source(settings, environ).keys)


def fernet_of(keys: tuple[str, ...] | list[str]) -> MultiFernet:
    fernets = []
    for index, key in enumerate(keys):
        try:
            fernets.append(Fernet(key.encode()))
        except (ValueError, TypeError):
            raise SettingsError(
                f"{MASTER_KEY_VAR} entry {index + 1} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)"
            ) from None
    if not fernets:
        raise SettingsError(f"{MASTER_KEY_VAR} holds no key")
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


def write_local_master_keys(path: Path, keys: list[str]) -> None:
    """Replace the local master key file atomically, mode 0600 from the first byte."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(",".join(keys) + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _split(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _read_or_create(path: Path, make: Callable[[], str], variable: str) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_text().strip()
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
