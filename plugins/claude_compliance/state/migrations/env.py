"""Alembic environment: always run programmatically, on the connection we are handed."""

from __future__ import annotations

from alembic import context

from claude_compliance.state.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `state.db.upgrade` drives the migrations
    raise RuntimeError("run the state DB migrations through claude_compliance.state.db.upgrade")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
