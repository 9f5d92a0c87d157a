"""The key store: Compliance Access Keys encrypted at rest, their status and an audit trail.

Only the Fernet ciphertext of a key is stored. Records, reprs and listings carry the key id
and its fingerprint (prefix, last four, hash prefix); `reveal()` is the one way back to the
plaintext, for the sync task that needs it. The tables live in `claude_compliance.state`
and are created by its migrations (`runtime.key_store()` hands over a migrated engine).

Status model: `active` → `sync_error` (the last sync or validation failed; the reason is kept
in `last_error`) → back to `active` on the next success; `revoked` is final: no further syncs
or scans, the data already fetched is kept, and the key still works at Anthropic.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import InvalidToken, MultiFernet

from claude_compliance.lake.text import clean
from claude_compliance.state.schema import key_events_table, key_syncs_table, keys_table

STATUSES = ("active", "sync_error", "revoked")

__all__ = [
    "STATUSES",
    "KeyRecord",
    "KeyStore",
    "KeyStoreError",
    "SyncRecord",
    "fingerprint_of",
    "key_events_table",
    "key_hash",
    "keys_table",
]


class KeyStoreError(Exception):
    """A key-store operation failed; the message never contains key material."""


@dataclass(frozen=True, slots=True)
class KeyRecord:
    key_id: str
    name: str
    fingerprint: str
    scopes: tuple[str, ...]
    organizations: tuple[str, ...]
    organization_names: tuple[str, ...]
    status: str
    created_at: datetime
    created_by: str | None
    last_validated_at: datetime | None
    last_sync_at: datetime | None  # the latest attempt, whatever its outcome
    last_sync_status: str | None
    last_error: str | None
    revoked_at: datetime | None
    revoked_by: str | None
    last_success_at: datetime | None = None  # the latest sync that succeeded

    @property
    def is_revoked(self) -> bool:
        return self.status == "revoked"

    @property
    def last_failure_at(self) -> datetime | None:
        """When the latest sync failed; None when it succeeded (or none ran)."""
        return self.last_sync_at if self.last_sync_status == "failed" else None

    @property
    def parent_organization(self) -> str:
        """What the key reaches: the API names linked organizations, not their parent."""
        names = [n for n in self.organization_names if n] or list(self.organizations)
        if not names:
            return "unknown (no organization scope)"
        return ", ".join(names)

    def as_public_dict(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "name": self.name,
            "fingerprint": self.fingerprint,
            "scopes": list(self.scopes),
            "organizations": list(self.organizations),
            "organization_names": list(self.organization_names),
            "parent_organization": self.parent_organization,
            "status": self.status,
            "created_at": _iso(self.created_at),
            "created_by": self.created_by,
            "last_validated_at": _iso(self.last_validated_at),
            "last_sync_at": _iso(self.last_sync_at),
            "last_sync_status": self.last_sync_status,
            "last_success_at": _iso(self.last_success_at),
            "last_failure_at": _iso(self.last_failure_at),
            "last_error": self.last_error,
            "revoked_at": _iso(self.revoked_at),
            "revoked_by": self.revoked_by,
        }


@dataclass(frozen=True, slots=True)
class SyncRecord:
    key_id: str
    status: str
    error: str | None
    interval_start: datetime | None
    interval_end: datetime | None
    recorded_at: datetime


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def key_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def fingerprint_of(plaintext: str) -> str:
    """`sk-ant-api01-…WXYZ (sha256:1a2b3c4d)`: enough to recognise a key, not to use it."""
    prefix = plaintext[: plaintext.find("-", 7) + 1] if plaintext.startswith("sk-ant-") else ""
    return f"{prefix or plaintext[:3]}…{plaintext[-4:]} (sha256:{key_hash(plaintext)[:8]})"


class KeyStore:
    def __init__(self, engine: sa.Engine, fernet: MultiFernet) -> None:
        self._engine = engine
        self._fernet = fernet

    def __repr__(self) -> str:
        return f"KeyStore(url={self._engine.url.render_as_string(hide_password=True)!r})"

    def add(
        self,
        plaintext: str,
        *,
        name: str,
        scopes: list[str],
        organizations: list[str],
        actor: str,
        organization_names: list[str] | None = None,
    ) -> KeyRecord:
        now = datetime.now(UTC)
        digest = key_hash(plaintext)
        key_id = "ck_" + secrets.token_hex(5)
        with self._engine.begin() as conn:
            existing = conn.execute(
                sa.select(keys_table.c.key_id).where(keys_table.c.key_hash == digest)
            ).first()
            if existing is not None:
                raise KeyStoreError(f"this key is already registered as {existing.key_id}")
            conn.execute(
                keys_table.insert().values(
                    key_id=key_id,
                    name=name,
                    fingerprint=fingerprint_of(plaintext),
                    key_hash=digest,
                    ciphertext=self._fernet.encrypt(plaintext.encode()).decode(),
                    scopes=json.dumps(scopes),
                    organizations=json.dumps(organizations),
                    organization_names=json.dumps(organization_names or []),
                    status="active",
                    created_at=now,
                    created_by=actor,
                    last_validated_at=now,
                )
            )
            self._event(conn, key_id, "registered", actor, f"scopes={','.join(scopes)}")
        return self.get(key_id)

    def get(self, key_id: str) -> KeyRecord:
        with self._engine.connect() as conn:
            row = conn.execute(_select_keys().where(keys_table.c.key_id == key_id)).first()
        if row is None:
            raise KeyStoreError(f"no key with id {key_id!r}")
        return _record(row)

    def find(self, plaintext: str) -> KeyRecord | None:
        """The record of an already registered key, matched by its hash."""
        with self._engine.connect() as conn:
            row = conn.execute(
                _select_keys().where(keys_table.c.key_hash == key_hash(plaintext))
            ).first()
        return _record(row) if row is not None else None

    def all(self, *, status: str | None = None) -> list[KeyRecord]:
        query = _select_keys().order_by(keys_table.c.created_at)
        if status:
            query = query.where(keys_table.c.status == status)
        with self._engine.connect() as conn:
            return [_record(row) for row in conn.execute(query)]

    def active(self) -> list[KeyRecord]:
        """Keys the sync should run for: every key that is not revoked."""
        return [k for k in self.all() if k.status != "revoked"]

    def reveal(self, key_id: str) -> str:
        """The plaintext key, for the client that needs it. Never log or return it.

        Inside an Airflow process the value is also registered with Airflow's secrets
        masker, so a task log that somehow prints it shows `***`.
        """
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(keys_table.c.ciphertext).where(keys_table.c.key_id == key_id)
            ).first()
        if row is None:
            raise KeyStoreError(f"no key with id {key_id!r}")
        try:
            plaintext = self._fernet.decrypt(row.ciphertext.encode()).decode()
        except InvalidToken:
            raise KeyStoreError(
                f"cannot decrypt key {key_id}: the ciphertext was tampered with or the master "
                "key is not one of CLAUDE_COMPLIANCE_MASTER_KEY"
            ) from None
        _mask_in_airflow(plaintext)
        return plaintext

    def revoke(self, key_id: str, *, actor: str) -> KeyRecord:
        """Stop syncing and scanning `key_id`; its data stays. It still works at Anthropic."""
        record = self.get(key_id)
        if record.is_revoked:
            raise KeyStoreError(f"key {key_id} is already revoked")
        self._set(
            key_id,
            actor,
            "revoked",
            status="revoked",
            revoked_at=datetime.now(UTC),
            revoked_by=actor,
        )
        return self.get(key_id)

    def record_sync(
        self,
        key_id: str,
        *,
        ok: bool,
        error: str | None = None,
        interval_start: datetime | None = None,
        interval_end: datetime | None = None,
    ) -> None:
        """The outcome of one sync of `key_id`: sets its status and keeps the history."""
        record = self.get(key_id)
        now = datetime.now(UTC)
        reason = None if ok else self.scrub(key_id, error or "sync failed")
        values: dict[str, Any] = {
            "last_sync_at": now,
            "last_sync_status": "ok" if ok else "failed",
            "last_error": reason,
        }
        if not record.is_revoked:
            values["status"] = "active" if ok else "sync_error"
        with self._engine.begin() as conn:
            conn.execute(
                key_syncs_table.insert().values(
                    key_id=key_id,
                    interval_start=interval_start,
                    interval_end=interval_end,
                    status="ok" if ok else "failed",
                    error=reason,
                    recorded_at=now,
                )
            )
        self._set(key_id, "sync", "sync_ok" if ok else "sync_failed", detail=reason, **values)

    def mark_validated(
        self,
        key_id: str,
        *,
        actor: str,
        ok: bool,
        error: str | None,
        scopes: list[str] | None = None,
        organizations: list[str] | None = None,
        organization_names: list[str] | None = None,
    ) -> KeyRecord:
        """Record a live re-check; a failure puts a non-revoked key in `sync_error`."""
        record = self.get(key_id)
        reason = None if ok else self.scrub(key_id, error or "validation failed")
        values: dict[str, Any] = {"last_validated_at": datetime.now(UTC), "last_error": reason}
        if not record.is_revoked:
            values["status"] = "active" if ok else "sync_error"
        if ok and scopes is not None:
            values["scopes"] = json.dumps(scopes)
        if ok and organizations is not None:
            values["organizations"] = json.dumps(organizations)
            values["organization_names"] = json.dumps(organization_names or [])
        self._set(key_id, actor, "validated" if ok else "validation_failed", reason, **values)
        return self.get(key_id)

    def rotate_master(self, new_fernet: MultiFernet, *, actor: str) -> int:
        """Re-encrypt every key under the first key of `new_fernet`; returns the count."""
        count = 0
        with self._engine.begin() as conn:
            rows = conn.execute(sa.select(keys_table.c.key_id, keys_table.c.ciphertext)).all()
            for row in rows:
                try:
                    rotated = new_fernet.rotate(row.ciphertext.encode()).decode()
                except InvalidToken:
                    raise KeyStoreError(
                        f"cannot decrypt key {row.key_id} with the configured master keys"
                    ) from None
                conn.execute(
                    keys_table.update()
                    .where(keys_table.c.key_id == row.key_id)
                    .values(ciphertext=rotated)
                )
                self._event(conn, row.key_id, "master_rotated", actor, None)
                count += 1
        self._fernet = new_fernet
        return count

    def events(self, key_id: str | None = None) -> Iterator[dict[str, Any]]:
        query = sa.select(key_events_table).order_by(key_events_table.c.event_id)
        if key_id:
            query = query.where(key_events_table.c.key_id == key_id)
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            yield dict(row._mapping)

    def sync_history(self, key_id: str, limit: int = 20) -> list[SyncRecord]:
        """The latest sync outcomes of `key_id`, newest first."""
        query = (
            sa.select(key_syncs_table)
            .where(key_syncs_table.c.key_id == key_id)
            .order_by(key_syncs_table.c.sync_id.desc())
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [
                SyncRecord(
                    key_id=row.key_id,
                    status=row.status,
                    error=row.error,
                    interval_start=row.interval_start,
                    interval_end=row.interval_end,
                    recorded_at=row.recorded_at,
                )
                for row in conn.execute(query)
            ]

    def scrub(self, key_id: str, text: str) -> str:
        """`text` with the key's plaintext (should an error ever carry it) replaced by its
        fingerprint, and text no database can store (a lone surrogate or NUL an API error
        echoed) as U+FFFD."""
        text = clean(text)[0]
        try:
            plaintext = self.reveal(key_id)
        except KeyStoreError:
            return text
        return text.replace(plaintext, self.get(key_id).fingerprint)

    def _set(
        self, key_id: str, actor: str, event: str, detail: str | None = None, **values: Any
    ) -> None:
        with self._engine.begin() as conn:
            result = conn.execute(
                keys_table.update().where(keys_table.c.key_id == key_id).values(**values)
            )
            if result.rowcount == 0:
                raise KeyStoreError(f"no key with id {key_id!r}")
            self._event(conn, key_id, event, actor, detail)

    @staticmethod
    def _event(
        conn: sa.Connection, key_id: str, event: str, actor: str, detail: str | None
    ) -> None:
        conn.execute(
            key_events_table.insert().values(
                key_id=key_id,
                event=event,
                actor=actor,
                detail=detail,
                created_at=datetime.now(UTC),
            )
        )


def _mask_in_airflow(plaintext: str) -> None:
    if "airflow" not in sys.modules:  # never import Airflow just for this
        return
    try:
        from airflow.sdk.log import mask_secret
    except ImportError:  # pragma: no cover - an Airflow without the Task SDK
        return
    mask_secret(plaintext)


def _select_keys() -> sa.Select[Any]:
    """The keys with the time of their latest successful sync, from the sync history (the
    key row keeps only the latest attempt)."""
    last_ok = (
        sa.select(sa.func.max(key_syncs_table.c.recorded_at))
        .where(key_syncs_table.c.key_id == keys_table.c.key_id)
        .where(key_syncs_table.c.status == "ok")
        .scalar_subquery()
        .label("last_success_at")
    )
    return sa.select(keys_table, last_ok)


def _record(row: sa.Row[Any]) -> KeyRecord:
    return KeyRecord(
        key_id=row.key_id,
        name=row.name,
        fingerprint=row.fingerprint,
        scopes=tuple(json.loads(row.scopes or "[]")),
        organizations=tuple(json.loads(row.organizations or "[]")),
        organization_names=tuple(json.loads(row.organization_names or "[]")),
        status=row.status,
        created_at=row.created_at,
        created_by=row.created_by,
        last_validated_at=row.last_validated_at,
        last_sync_at=row.last_sync_at,
        last_sync_status=row.last_sync_status,
        last_error=row.last_error,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
        last_success_at=getattr(row, "last_success_at", None),
    )
