"""The key store: Compliance Access Keys encrypted at rest, their status and an audit trail.

Only the Fernet ciphertext of a key is stored. Records, reprs and listings carry the key id
and its fingerprint (prefix, last four, hash prefix); `reveal()` is the one way back to the
plaintext, for the sync task that needs it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import InvalidToken, MultiFernet

metadata = sa.MetaData()

keys_table = sa.Table(
    "compliance_keys",
    metadata,
    sa.Column("key_id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("fingerprint", sa.String(120), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("ciphertext", sa.Text, nullable=False),
    sa.Column("scopes", sa.Text, nullable=False, default="[]"),
    sa.Column("organizations", sa.Text, nullable=False, default="[]"),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_validated_at", sa.DateTime(timezone=True)),
    sa.Column("last_sync_at", sa.DateTime(timezone=True)),
    sa.Column("last_sync_status", sa.String(20)),
    sa.Column("last_error", sa.Text),
)

key_events_table = sa.Table(
    "compliance_key_events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key_id", sa.String(40), nullable=False, index=True),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("detail", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

STATUSES = ("active", "sync_error", "revoked")


class KeyStoreError(Exception):
    """A key-store operation failed; the message never contains key material."""


@dataclass(frozen=True, slots=True)
class KeyRecord:
    key_id: str
    name: str
    fingerprint: str
    scopes: tuple[str, ...]
    organizations: tuple[str, ...]
    status: str
    created_at: datetime
    last_validated_at: datetime | None
    last_sync_at: datetime | None
    last_sync_status: str | None
    last_error: str | None

    def as_public_dict(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "name": self.name,
            "fingerprint": self.fingerprint,
            "scopes": list(self.scopes),
            "organizations": list(self.organizations),
            "status": self.status,
            "created_at": _iso(self.created_at),
            "last_validated_at": _iso(self.last_validated_at),
            "last_sync_at": _iso(self.last_sync_at),
            "last_sync_status": self.last_sync_status,
            "last_error": self.last_error,
        }


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
        metadata.create_all(engine)

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
                    status="active",
                    created_at=now,
                    last_validated_at=now,
                )
            )
            self._event(conn, key_id, "registered", actor, f"scopes={','.join(scopes)}")
        return self.get(key_id)

    def get(self, key_id: str) -> KeyRecord:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(keys_table).where(keys_table.c.key_id == key_id)).first()
        if row is None:
            raise KeyStoreError(f"no key with id {key_id!r}")
        return _record(row)

    def find(self, plaintext: str) -> KeyRecord | None:
        """The record of an already registered key, matched by its hash."""
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(keys_table).where(keys_table.c.key_hash == key_hash(plaintext))
            ).first()
        return _record(row) if row is not None else None

    def all(self, *, status: str | None = None) -> list[KeyRecord]:
        query = sa.select(keys_table).order_by(keys_table.c.created_at)
        if status:
            query = query.where(keys_table.c.status == status)
        with self._engine.connect() as conn:
            return [_record(row) for row in conn.execute(query)]

    def active(self) -> list[KeyRecord]:
        """Keys the sync should run for: every key that is not revoked."""
        return [k for k in self.all() if k.status != "revoked"]

    def reveal(self, key_id: str) -> str:
        """The plaintext key, for the client that needs it. Never log or return it."""
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(keys_table.c.ciphertext).where(keys_table.c.key_id == key_id)
            ).first()
        if row is None:
            raise KeyStoreError(f"no key with id {key_id!r}")
        try:
            return self._fernet.decrypt(row.ciphertext.encode()).decode()
        except InvalidToken:
            raise KeyStoreError(
                f"cannot decrypt key {key_id}: the ciphertext was tampered with or the master "
                "key is not one of CLAUDE_COMPLIANCE_MASTER_KEY"
            ) from None

    def revoke(self, key_id: str, *, actor: str) -> KeyRecord:
        self._set(key_id, actor, "revoked", status="revoked")
        return self.get(key_id)

    def record_sync(self, key_id: str, *, ok: bool, error: str | None = None) -> None:
        record = self.get(key_id)
        values: dict[str, Any] = {
            "last_sync_at": datetime.now(UTC),
            "last_sync_status": "ok" if ok else "failed",
            "last_error": None if ok else error,
        }
        if record.status != "revoked":
            values["status"] = "active" if ok else "sync_error"
        self._set(key_id, "sync", "sync_ok" if ok else "sync_failed", detail=error, **values)

    def mark_validated(self, key_id: str, *, actor: str, ok: bool, error: str | None) -> None:
        values: dict[str, Any] = {"last_validated_at": datetime.now(UTC), "last_error": error}
        self._set(key_id, actor, "validated" if ok else "validation_failed", detail=error, **values)

    def rotate_master(self, new_fernet: MultiFernet, *, actor: str) -> int:
        """Re-encrypt every key under the first key of `new_fernet`; returns the count."""
        count = 0
        with self._engine.begin() as conn:
            for row in conn.execute(sa.select(keys_table.c.key_id, keys_table.c.ciphertext)):
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
            for row in conn.execute(query):
                yield dict(row._mapping)

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


def _record(row: sa.Row[Any]) -> KeyRecord:
    return KeyRecord(
        key_id=row.key_id,
        name=row.name,
        fingerprint=row.fingerprint,
        scopes=tuple(json.loads(row.scopes or "[]")),
        organizations=tuple(json.loads(row.organizations or "[]")),
        status=row.status,
        created_at=_utc(row.created_at),
        last_validated_at=_utc_or_none(row.last_validated_at),
        last_sync_at=_utc_or_none(row.last_sync_at),
        last_sync_status=row.last_sync_status,
        last_error=row.last_error,
    )


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _utc_or_none(value: datetime | None) -> datetime | None:
    return _utc(value) if value else None
