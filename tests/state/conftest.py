from __future__ import annotations

import pytest

from tests.state.databases import pg_database, state_url

__all__ = ["pg_database", "state_url"]


@pytest.fixture
def real_scrypt() -> None:
    """Request this to hash at the production cost (see `cheap_scrypt`)."""


@pytest.fixture(autouse=True)
def cheap_scrypt(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Account tests hash many passwords: use a low scrypt cost, except where the cost is
    what the test is about (it requests `real_scrypt`). Stored hashes carry their parameters."""
    if "real_scrypt" not in request.fixturenames:
        monkeypatch.setattr("claude_compliance.state.passwords.N", 2**10)
        monkeypatch.setattr("claude_compliance.state.passwords.P", 1)
