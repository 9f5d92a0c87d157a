"""Alembic migrations of the state DB (run by `claude_compliance.state.db.upgrade`)."""
