"""Alerted fingerprints per channel and records exported per SIEM sink (reports package).

The tables are described in `claude_compliance.state.schema`; `reports.deliveries` uses them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alert_deliveries",
        sa.Column("fingerprint", sa.String(128), primary_key=True),
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("finding_id", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("claimed_at", TS, nullable=False),
        sa.Column("delivered_at", TS),
    )
    op.create_table(
        "siem_exports",
        sa.Column("sink", sa.String(64), primary_key=True),
        sa.Column("finding_id", sa.String(64), primary_key=True),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("exported_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("siem_exports")
    op.drop_table("alert_deliveries")
