"""Key operations shared by the CLI and the dashboard's JSON API.

register → format check, live validation, encrypted storage (nothing stored on failure);
validate → a live re-check recorded on the key; revoke → stop syncing (the key keeps working
at Anthropic); rotate_master → re-encrypt every key under a new master key. Every function
takes an `actor` for the key's event trail and never returns or raises key material.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from claude_compliance import runtime
from claude_compliance.api import RetryPolicy
from claude_compliance.keys.master import (
    MASTER_KEY_FILE_VAR,
    MASTER_KEY_VAR,
    fernet_of,
    new_master_key,
    write_local_master_keys,
)
from claude_compliance.keys.store import KeyRecord, KeyStoreError, fingerprint_of
from claude_compliance.keys.validation import KeyRejected, check_format, validate_live
from claude_compliance.settings import Settings

# Validation should answer within seconds: retry a transient failure once, briefly.
QUICK_RETRY = RetryPolicy(max_attempts=2, backoff_initial_s=0.5, backoff_max_s=2.0)

REVOKE_NOTICE = (
    "Revoking stops future syncs and scans with this key; data already fetched is kept. "
    "It does not disable the key at Anthropic: delete it in claude.ai > Organization "
    "settings > API to do that."
)

__all__ = [
    "QUICK_RETRY",
    "REVOKE_NOTICE",
    "KeyRejected",
    "KeyRevoked",
    "KeyStoreError",
    "MasterKeyError",
    "Registered",
    "Rotation",
    "check_name",
    "register",
    "revoke",
    "rotate_master",
    "validate",
]


class KeyRevoked(KeyStoreError):
    """The key is revoked: it is neither validated nor used again."""


class MasterKeyError(ValueError):
    """The master key cannot be rotated as configured; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Registered:
    record: KeyRecord
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rotation:
    rotated: int
    source: str
    message: str


def check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise KeyRejected("a key needs a name (e.g. the organization it belongs to)")
    if len(cleaned) > 200:
        raise KeyRejected("a key name is at most 200 characters")
    return cleaned


def register(
    settings: Settings,
    plaintext: str,
    *,
    name: str,
    actor: str,
    replaces: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Registered:
    """Validate `plaintext` live and store it encrypted; with `replaces`, revoke that key.

    Raises KeyRejected (format, refusal by the API, unreachable API) or KeyStoreError
    (already registered, unknown key to replace) and stores nothing in either case.
    """
    plaintext = plaintext.strip()
    name = check_name(name)
    check_format(plaintext)
    store = runtime.key_store(settings)
    existing = store.find(plaintext)
    if existing is not None:
        raise KeyStoreError(f"this key is already registered as {existing.key_id}")
    if replaces is not None and store.get(replaces).is_revoked:
        raise KeyStoreError(f"key {replaces} is already revoked: nothing to replace")
    with runtime.client(
        settings,
        plaintext,
        key_label=fingerprint_of(plaintext),
        retry=QUICK_RETRY,
        transport=transport,
    ) as api:
        validation = validate_live(api)
    record = store.add(
        plaintext,
        name=name,
        scopes=list(validation.families),
        organizations=list(validation.organization_uuids),
        organization_names=list(validation.organization_names),
        actor=actor,
    )
    warnings: list[str] = []
    if "user_data" not in validation.families:
        warnings.append(
            "this key cannot read chats, files or projects (read:compliance_user_data): "
            "only the activity feed and directory will sync, and nothing will be scanned"
        )
    if replaces is not None:
        store.revoke(replaces, actor=f"{actor} (replaced by {record.key_id})")
    else:
        warnings.extend(_overlaps(store.active(), record))
    return Registered(record=store.get(record.key_id), warnings=tuple(warnings))


def _overlaps(active: list[KeyRecord], new: KeyRecord) -> list[str]:
    """One parent organization, one key: say so when another key already reaches its orgs."""
    mine = set(new.organizations)
    notes = []
    for other in active:
        shared = mine & set(other.organizations)
        if other.key_id != new.key_id and shared:
            notes.append(
                f"key {other.key_id} ({other.name}) already syncs {len(shared)} of these "
                "organizations: their findings will be counted twice until one is revoked"
            )
    return notes


def validate(
    settings: Settings,
    key_id: str,
    *,
    actor: str,
    transport: httpx.BaseTransport | None = None,
) -> KeyRecord:
    """Re-check a stored key live; the outcome is recorded, a refusal also raised.

    A revoked key is refused without a call: it is out of use here, and calling it "valid"
    would read as back in service.
    """
    store = runtime.key_store(settings)
    record = store.get(key_id)
    if record.is_revoked:
        when = f"{record.revoked_at:%Y-%m-%d %H:%M} UTC" if record.revoked_at else "earlier"
        raise KeyRevoked(
            f"key {key_id} is revoked ({when} by {record.revoked_by or 'unknown'}): it is not "
            "validated or used; register the key again with `keys add` to use it"
        )
    try:
        with runtime.client(
            settings,
            store.reveal(key_id),
            key_label=f"{key_id} {record.fingerprint}",
            retry=QUICK_RETRY,
            transport=transport,
        ) as api:
            validation = validate_live(api)
    except KeyRejected as exc:
        store.mark_validated(key_id, actor=actor, ok=False, error=str(exc))
        raise KeyRejected(f"{key_id}: {exc}") from None
    return store.mark_validated(
        key_id,
        actor=actor,
        ok=True,
        error=None,
        scopes=list(validation.families),
        organizations=list(validation.organization_uuids),
        organization_names=list(validation.organization_names),
    )


def revoke(settings: Settings, key_id: str, *, actor: str) -> KeyRecord:
    """Stop syncing and scanning `key_id`; see REVOKE_NOTICE for what it does not do."""
    return runtime.key_store(settings).revoke(key_id, actor=actor)


def rotate_master(settings: Settings, *, actor: str) -> Rotation:
    """Re-encrypt every key under a new master key.

    Local `master.key`: a new key is generated and written durably first in the file,
    before any ciphertext uses it, with every current key after it; then the keys are
    re-encrypted in one transaction; then the file keeps the new key and the previous one
    (for processes that read the file mid-rotation). A failure or a crash at any step
    leaves a file that decrypts every stored key. From the environment or a secret file,
    which this process cannot change, the operator puts the new key first (`new,old`) and
    restarts; this then re-encrypts under it, after which the old one can be dropped.
    """
    source = runtime.master_keys(settings)
    store = runtime.key_store(settings)
    if source.kind == "local_file":
        assert source.path is not None
        new_key = new_master_key()
        write_local_master_keys(source.path, [new_key, *source.keys])
        rotated = store.rotate_master(fernet_of((new_key, *source.keys)), actor=actor)
        if len(source.keys) > 1:  # drop the keys older than the previous one
            write_local_master_keys(source.path, [new_key, source.keys[0]])
        return Rotation(
            rotated,
            source.describe,
            f"re-encrypted {rotated} key(s) under a new master key in {source.path} "
            "(the previous key is kept second in the file until the next rotation)",
        )
    if len(source.keys) < 2:
        where = MASTER_KEY_VAR if source.kind == "env" else MASTER_KEY_FILE_VAR
        raise MasterKeyError(
            f"the master key comes from {source.describe}, which this command cannot change: "
            f"put a new Fernet key first in {where} (new,old; generate one with "
            '`python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"`), restart every process, then run '
            "keys rotate-master again"
        )
    rotated = store.rotate_master(fernet_of(source.keys), actor=actor)
    return Rotation(
        rotated,
        source.describe,
        f"re-encrypted {rotated} key(s) under the first key of {source.describe}; "
        "the older keys after it can now be removed",
    )
