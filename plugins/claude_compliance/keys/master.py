"""Installation secrets: the Fernet master key(s) and the findings fingerprint secret.

The master keys come, in this order, from `CLAUDE_COMPLIANCE_MASTER_KEY` (comma-separated,
newest first), from the file named by `CLAUDE_COMPLIANCE_MASTER_KEY_FILE` (how
docker-compose passes it as a secret: `/run/secrets/…`), or locally from
`$CLAUDE_COMPLIANCE_HOME/master.key`, generated once with mode 0600 and a warning so a first
run just works. The fingerprint secret follows the same pattern with its own variable.

A local secret file is written whole or not at all (temporary file, fsync, rename, fsync of
the folder), so a crash never leaves an empty key. It is generated only on a home that has
nothing it protects: a missing `master.key` while the state DB holds keys, or a missing
`fingerprint.key` while the lake holds findings, is a refusal that names the file to restore,
because a new secret would silently orphan every key or change every fingerprint.
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


class MissingSecretError(SettingsError):
    """A local secret file is gone, or damaged, while data depends on it."""


# What depends on a secret: None when nothing does (a new secret is harmless), else a phrase
# for the refusal such as "3 encrypted key(s) in the state DB".
InUse = Callable[[], str | None]


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


def master_source(
    settings: Settings,
    environ: Mapping[str, str] | None = None,
    *,
    in_use: InUse | None = None,
) -> MasterKeySource:
    """The configured master keys and where they came from (generating the local file
    when it is missing and `in_use` says nothing depends on it)."""
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
    value = _read_or_create(
        path, lambda: Fernet.generate_key().decode(), MASTER_KEY_VAR, in_use, _master_problem
    )
    return MasterKeySource("local_file", path, _split(value))


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


def fingerprint_secret(
    settings: Settings,
    environ: Mapping[str, str] | None = None,
    *,
    in_use: InUse | None = None,
) -> bytes:
    """The HMAC secret that keys finding fingerprints; stable for the installation's life."""
    env = os.environ if environ is None else environ
    raw = env.get(FINGERPRINT_KEY_VAR)
    if raw:
        if len(raw) < MIN_FINGERPRINT_CHARS:
            raise SettingsError(
                f"{FINGERPRINT_KEY_VAR} must be at least {MIN_FINGERPRINT_CHARS} characters"
            )
        return raw.encode()
    path = settings.home / "fingerprint.key"
    return _read_or_create(
        path, lambda: secrets.token_urlsafe(48), FINGERPRINT_KEY_VAR, in_use, _fingerprint_problem
    ).encode()


MIN_FINGERPRINT_CHARS = 32


def write_local_master_keys(path: Path, keys: list[str]) -> None:
    """Replace the local master key file atomically and durably, mode 0600 from the first
    byte: when this returns, the keys survive a crash or a power loss."""
    write_secret_file(path, ",".join(keys) + "\n", replace=True)


def write_secret_file(path: Path, text: str, *, replace: bool) -> bool:
    """Write `text` to `path` whole or not at all: a 0600 temporary file beside it, fsynced,
    then renamed (or, with `replace=False`, linked, so a file another process created first
    is kept), then the folder fsynced so the new name itself is durable. Returns whether
    this call's text is now at `path` (False: `replace=False` and the file existed)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            data = text.encode()
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, path)
            written = True
        else:
            try:
                os.link(tmp, path)
                written = True
            except FileExistsError:
                written = False
        _fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return written


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _split(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _master_problem(value: str) -> str | None:
    keys = _split(value)
    if not keys:
        return "it is empty"
    bad = [str(i + 1) for i, key in enumerate(keys) if not is_fernet_key(key)]
    if bad:
        return f"entry {', '.join(bad)} is not a Fernet key (32 url-safe base64-encoded bytes)"
    return None


def _fingerprint_problem(value: str) -> str | None:
    if not value:
        return "it is empty"
    if len(value) < MIN_FINGERPRINT_CHARS:
        return f"it holds {len(value)} characters, fewer than {MIN_FINGERPRINT_CHARS}"
    return None


def _read_or_create(
    path: Path,
    make: Callable[[], str],
    variable: str,
    in_use: InUse | None,
    problem_of: Callable[[str], str | None],
) -> str:
    if not path.exists():
        dependents = in_use() if in_use is not None else None
        if dependents:
            raise MissingSecretError(
                f"{path} is missing, but {dependents} depend on it: a new one would silently "
                f"make them unusable. Restore {path.name} from your backup of {path} (the "
                f"first-run warning asked for one), or set {variable} to the secret in use"
            )
        if write_secret_file(path, make() + "\n", replace=False):
            log.warning(
                "%s is not set: generated %s (mode 0600). Back it up; set %s in production.",
                variable,
                path,
                variable,
            )
    value = _read_secret(path)
    problem = problem_of(value)
    if problem is not None:
        # Never regenerate over it: an unreadable secret may still be the only copy.
        raise MissingSecretError(
            f"{path} cannot be used: {problem}. Restore it from your backup of {path}, or set "
            f"{variable}; if nothing was ever stored under it, delete the file to generate a "
            "new one"
        )
    return value


def _read_secret(path: Path) -> str:
    try:
        return path.read_text().strip()
    except UnicodeDecodeError:
        return "\x00"  # garbage: reported as not a key, never shown
    except OSError as exc:
        raise MissingSecretError(f"{path} cannot be read: {exc.strerror}") from None


def new_master_key() -> str:
    """A fresh Fernet key, for `keys rotate-master`."""
    return Fernet.generate_key().decode()


def is_fernet_key(value: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(value.encode())) == 32
    except (ValueError, TypeError):
        return False
