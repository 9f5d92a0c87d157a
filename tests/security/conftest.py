from __future__ import annotations

from tests.state.databases import pg_database, state_url

__all__ = ["pg_database", "state_url"]
