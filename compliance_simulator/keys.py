"""API keys the simulator knows, and how a presented key authenticates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random
import threading
from dataclasses import dataclass

from .ids import BASE62, IdFactory

READ_ACTIVITIES = "read:compliance_activities"
READ_USER_DATA = "read:compliance_user_data"
READ_ORG_DATA = "read:compliance_org_data"
DELETE_USER_DATA = "delete:compliance_user_data"
READ_ORG_AUDIT = "read:org_audit"
ALL_READ_SCOPES = (READ_ACTIVITIES, READ_USER_DATA, READ_ORG_DATA)

COMPLIANCE_PREFIX = "sk-ant-api01-"
ADMIN_PREFIX = "sk-ant-admin01-"


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    """``apikey_01…``: what ``actor.api_key_id`` shows."""
    name: str
    scopes: tuple[str, ...]
    is_active: bool
    fingerprint: str
    """SHA-256 of the plaintext; the plaintext itself is not kept in the registry."""
    is_admin_key: bool
    """An Admin API key (``sk-ant-admin01-``) rather than a Compliance Access Key."""
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SimKeys:
    """Plaintext keys for tests and the CLI (never logged by the simulator)."""

    compliance: str
    activities_only: str
    deactivated: str
    admin: str
    claude_api: str
    unknown: str
    remediation: str
    """Every read scope plus ``delete:compliance_user_data``: the one key that may delete."""

    def as_dict(self) -> dict[str, str]:
        return {
            "compliance": self.compliance,
            "activities_only": self.activities_only,
            "deactivated": self.deactivated,
            "admin": self.admin,
            "claude_api": self.claude_api,
            "unknown": self.unknown,
            "remediation": self.remediation,
        }


class AuthError(Exception):
    """A key that does not authenticate: ``status`` is 404 (no/foreign key) or 401."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _fingerprint(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class KeyRing:
    """The parent organization's keys, looked up by fingerprint."""

    def __init__(self, seed: int, created_at: dt.datetime) -> None:
        self._created_at = created_at
        self._rng = random.Random(f"keys:{seed}")  # noqa: S311 - reproducible synthetic data
        self._ids = IdFactory(f"keys:{seed}")
        self._by_fingerprint: dict[str, ApiKey] = {}
        self._lock = threading.Lock()

    def _plaintext(self, prefix: str) -> str:
        return prefix + "".join(self._rng.choices(BASE62 + "-_", k=93)) + "AA"

    def add(
        self,
        scopes: list[str] | tuple[str, ...],
        active: bool = True,
        *,
        name: str = "",
        prefix: str = COMPLIANCE_PREFIX,
    ) -> str:
        """Register a key; returns its plaintext."""
        with self._lock:
            plaintext = self._plaintext(prefix)
            key = ApiKey(
                id=self._ids.tagged("apikey_"),
                name=name or f"Key {len(self._by_fingerprint) + 1}",
                scopes=tuple(scopes),
                is_active=active,
                fingerprint=_fingerprint(plaintext),
                is_admin_key=prefix == ADMIN_PREFIX,
                created_at=self._created_at + dt.timedelta(hours=len(self._by_fingerprint)),
            )
            self._by_fingerprint[key.fingerprint] = key
            return plaintext

    def deactivate(self, plaintext: str) -> None:
        """Deactivate a key, as an owner deleting it in claude.ai: effective on the next request."""
        with self._lock:
            fingerprint = _fingerprint(plaintext)
            key = self._by_fingerprint[fingerprint]
            self._by_fingerprint[fingerprint] = dataclasses.replace(key, is_active=False)

    def unregistered(self, prefix: str) -> str:
        """A well-formed key the server does not know."""
        with self._lock:
            return self._plaintext(prefix)

    def all(self) -> list[ApiKey]:
        with self._lock:
            return list(self._by_fingerprint.values())

    def authenticate(self, presented: str | None) -> ApiKey:
        """The key behind ``presented``, or AuthError with the API's status and message."""
        if not presented or not presented.startswith((COMPLIANCE_PREFIX, ADMIN_PREFIX)):
            raise AuthError(404, "Not found")
        with self._lock:
            key = self._by_fingerprint.get(_fingerprint(presented))
        if key is None:
            raise AuthError(401, "API key is invalid.")
        if not key.is_active:
            raise AuthError(401, "API key has been deactivated.")
        return key


def standard_keys(ring: KeyRing) -> SimKeys:
    """The fixed set of keys every simulator starts with."""
    return SimKeys(
        compliance=ring.add(ALL_READ_SCOPES, name="Compliance Export Key"),
        activities_only=ring.add((READ_ACTIVITIES,), name="Activity Feed Key"),
        deactivated=ring.add(ALL_READ_SCOPES, active=False, name="Old Export Key"),
        admin=ring.add(("api:admin", READ_ACTIVITIES), name="Admin Key", prefix=ADMIN_PREFIX),
        claude_api=ring.unregistered("sk-ant-api03-"),
        unknown=ring.unregistered(COMPLIANCE_PREFIX),
        # added last, so the keys above keep the plaintexts earlier seeds gave them
        remediation=ring.add((*ALL_READ_SCOPES, DELETE_USER_DATA), name="Remediation Key"),
    )
