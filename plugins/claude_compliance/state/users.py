"""Dashboard users (roles viewer < analyst < admin) and their server-side sessions.

A session is a random token in an HttpOnly cookie; the DB keeps only its SHA-256, with the
session's CSRF token, an idle timeout and an absolute lifetime.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from claude_compliance.state.passwords import (
    check_strength,
    hash_password,
    verify_password,
)
from claude_compliance.state.schema import sessions_table, users_table

SESSION_IDLE = timedelta(minutes=60)
SESSION_LIFETIME = timedelta(hours=12)
_TOUCH_EVERY = timedelta(minutes=1)
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"viewer": 0, "analyst": 1, "admin": 2}[self.value]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class UserError(ValueError):
    """A user operation was refused; the message says why."""


@dataclass(frozen=True, slots=True)
class User:
    user_id: int
    username: str
    role: Role
    is_disabled: bool
    created_at: datetime
    created_by: str | None
    last_login_at: datetime | None


@dataclass(frozen=True, slots=True)
class LoginCandidate:
    """An enabled account about to have a password checked."""

    user: User
    password_hash: str

    def __repr__(self) -> str:  # the hash is a secret of the account
        return f"LoginCandidate(user={self.user.username!r})"


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str
    expires_at: datetime

    def __repr__(self) -> str:  # the CSRF token is a secret of the session
        return f"Session(user={self.user.username!r}, expires_at={self.expires_at.isoformat()})"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserStore:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    # -- users ----------------------------------------------------------------------------

    def add(self, username: str, password: str, role: Role | str, *, actor: str) -> User:
        if not USERNAME_RE.match(username):
            raise UserError(
                "a username is 1-100 letters, digits or . _ @ - and starts with a letter or digit"
            )
        role = _role(role)
        try:
            check_strength(password)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        with self._engine.begin() as conn:
            exists = conn.execute(
                sa.select(users_table.c.user_id).where(users_table.c.username == username)
            ).first()
            if exists is not None:
                raise UserError(f"user {username!r} already exists")
            conn.execute(
                users_table.insert().values(
                    username=username,
                    password_hash=hash_password(password),
                    role=role.value,
                    is_disabled=False,
                    created_at=datetime.now(UTC),
                    created_by=actor,
                )
            )
        return self.get(username)

    def get(self, username: str) -> User:
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(users_table).where(users_table.c.username == username)
            ).first()
        if row is None:
            raise UserError(f"no user {username!r}")
        return _user(row)

    def all(self) -> list[User]:
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(users_table).order_by(users_table.c.username)).all()
        return [_user(row) for row in rows]

    def count(self) -> int:
        with self._engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(users_table)).scalar_one()
            )

    def set_role(self, username: str, role: Role | str) -> User:
        self._update(username, role=_role(role).value)
        return self.get(username)

    def set_disabled(self, username: str, is_disabled: bool) -> User:
        user = self._update(username, is_disabled=is_disabled)
        if is_disabled:
            self.end_sessions_of(user.user_id)
        return self.get(username)

    def set_password(self, username: str, password: str) -> User:
        try:
            check_strength(password)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        user = self._update(username, password_hash=hash_password(password))
        self.end_sessions_of(user.user_id)
        return self.get(username)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password matches and the account is enabled, else None."""
        candidate = self.login_candidate(username)
        return self.check_password(candidate, password) if candidate else None

    def login_candidate(self, username: str) -> LoginCandidate | None:
        """The enabled account named `username` with its stored hash, or None.

        Unknown and disabled usernames are refused here, before any hashing: a bogus sign-in
        must not cost a 32 MiB scrypt (a burst of them exhausted the server's memory). The
        trade-off is timing: an unknown name is answered faster than a wrong password, so
        usernames can be told apart. They are not secrets here (admins create them, the audit
        log shows them), and the client's throttle bounds how fast anyone can probe.
        """
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(users_table).where(users_table.c.username == username)
            ).first()
        if row is None or row.is_disabled:
            return None
        return LoginCandidate(user=_user(row), password_hash=row.password_hash)

    def check_password(self, candidate: LoginCandidate, password: str) -> User | None:
        """The user when `password` matches (one full hash: callers bound how many run at
        once), recording the sign-in; else None."""
        if not verify_password(password, candidate.password_hash):
            return None
        with self._engine.begin() as conn:
            conn.execute(
                users_table.update()
                .where(users_table.c.user_id == candidate.user.user_id)
                .values(last_login_at=datetime.now(UTC))
            )
        return candidate.user

    def _update(self, username: str, **values: Any) -> User:
        user = self.get(username)
        with self._engine.begin() as conn:
            conn.execute(
                users_table.update().where(users_table.c.user_id == user.user_id).values(**values)
            )
        return user

    # -- sessions -------------------------------------------------------------------------

    def create_session(self, user: User) -> tuple[str, Session]:
        """A new session for `user`; returns the cookie token (shown nowhere else)."""
        token = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        expires_at = now + SESSION_LIFETIME
        with self._engine.begin() as conn:
            conn.execute(sessions_table.delete().where(sessions_table.c.expires_at < now))
            conn.execute(
                sessions_table.insert().values(
                    session_hash=_hash_token(token),
                    user_id=user.user_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=expires_at,
                )
            )
        return token, Session(user=user, csrf_token=csrf_token, expires_at=expires_at)

    def session(self, token: str) -> Session | None:
        """The live session of a cookie token, or None (unknown, expired, idle, disabled)."""
        if not token or len(token) > 200:
            return None
        digest = _hash_token(token)
        query = (
            sa.select(sessions_table, users_table)
            .join(users_table, users_table.c.user_id == sessions_table.c.user_id)
            .where(sessions_table.c.session_hash == digest)
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        now = datetime.now(UTC)
        expires_at = row.expires_at
        last_seen = row.last_seen_at
        if row.is_disabled or expires_at <= now or now - last_seen > SESSION_IDLE:
            self.end_session(token)
            return None
        if now - last_seen > _TOUCH_EVERY:
            with self._engine.begin() as conn:
                conn.execute(
                    sessions_table.update()
                    .where(sessions_table.c.session_hash == digest)
                    .values(last_seen_at=now)
                )
        return Session(user=_user(row), csrf_token=row.csrf_token, expires_at=expires_at)

    def end_session(self, token: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                sessions_table.delete().where(sessions_table.c.session_hash == _hash_token(token))
            )

    def end_sessions_of(self, user_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(sessions_table.delete().where(sessions_table.c.user_id == user_id))


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise UserError(f"unknown role {value!r}: viewer, analyst or admin") from None


def _user(row: sa.Row[Any]) -> User:
    return User(
        user_id=row.user_id,
        username=row.username,
        role=Role(row.role),
        is_disabled=bool(row.is_disabled),
        created_at=row.created_at,
        created_by=row.created_by,
        last_login_at=row.last_login_at,
    )
