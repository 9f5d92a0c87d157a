"""Dashboard accounts and sessions, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from claude_compliance.state.db import make_engine, upgrade
from claude_compliance.state.passwords import hash_password, verify_password
from claude_compliance.state.schema import sessions_table
from claude_compliance.state.users import Role, UserError, UserStore

PASSWORD = "correct horse battery"


@pytest.fixture
def users(state_url: str) -> UserStore:
    engine = make_engine(state_url)
    upgrade(engine)
    return UserStore(engine)


def test_passwords_are_scrypt_hashed_salted_and_verified(real_scrypt: None) -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("scrypt$32768$8$3$") and first != second and PASSWORD not in first
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "!", first)
    assert not verify_password(PASSWORD, "md5$nonsense")


def test_add_authenticate_and_roles(users: UserStore) -> None:
    user = users.add("alice", PASSWORD, "analyst", actor="cli:root")
    assert user.role is Role.ANALYST and user.created_by == "cli:root"
    assert users.authenticate("alice", PASSWORD) is not None
    assert users.authenticate("alice", "wrong password!") is None
    assert users.authenticate("nobody", PASSWORD) is None
    assert Role.ADMIN.allows(Role.ANALYST) and not Role.VIEWER.allows(Role.ANALYST)
    with pytest.raises(UserError, match="already exists"):
        users.add("alice", PASSWORD, "viewer", actor="t")
    with pytest.raises(UserError, match="at least 10"):
        users.add("bob", "short", "viewer", actor="t")
    with pytest.raises(UserError, match="unknown role"):
        users.add("bob", PASSWORD, "root", actor="t")
    with pytest.raises(UserError, match="username"):
        users.add("bob smith", PASSWORD, "viewer", actor="t")


def test_sessions_are_stored_hashed_and_end_on_logout_disable_and_password_change(
    users: UserStore,
) -> None:
    user = users.add("alice", PASSWORD, "admin", actor="t")
    token, session = users.create_session(user)
    assert users.session(token) is not None
    assert token not in repr(session) and session.csrf_token not in repr(session)
    with users._engine.connect() as conn:  # type: ignore[attr-defined]
        stored = [r.session_hash for r in conn.execute(sa.select(sessions_table))]
    assert token not in stored and len(stored) == 1
    users.end_session(token)
    assert users.session(token) is None

    token, _ = users.create_session(user)
    users.set_disabled("alice", True)
    assert users.session(token) is None
    assert users.authenticate("alice", PASSWORD) is None
    users.set_disabled("alice", False)
    token, _ = users.create_session(user)
    users.set_password("alice", "another good password")
    assert users.session(token) is None
    assert users.authenticate("alice", "another good password") is not None
    assert users.session("") is None and users.session("x" * 500) is None


def test_idle_and_expired_sessions_are_refused(users: UserStore) -> None:
    user = users.add("alice", PASSWORD, "viewer", actor="t")
    idle, _ = users.create_session(user)
    expired, _ = users.create_session(user)
    engine = users._engine  # type: ignore[attr-defined]
    long_ago = datetime.now(UTC) - timedelta(hours=3)
    with engine.begin() as conn:
        rows = list(conn.execute(sa.select(sessions_table.c.session_hash)))
        import hashlib

        idle_hash = hashlib.sha256(idle.encode()).hexdigest()
        conn.execute(
            sessions_table.update()
            .where(sessions_table.c.session_hash == idle_hash)
            .values(last_seen_at=long_ago)
        )
        conn.execute(
            sessions_table.update()
            .where(sessions_table.c.session_hash != idle_hash)
            .values(expires_at=long_ago)
        )
    assert len(rows) == 2
    assert users.session(idle) is None
    assert users.session(expired) is None
