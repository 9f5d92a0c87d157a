"""Alembic revisions, oldest first: 0001 keys, 0002 key sync state, 0003 dashboard."""
