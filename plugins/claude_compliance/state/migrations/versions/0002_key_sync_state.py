"""Key records keep organization names, who registered and revoked them; sync history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("compliance_keys") as batch:
        batch.add_column(
            sa.Column("organization_names", sa.Text, nullable=False, server_default="[]")
        )
        batch.add_column(sa.Column("created_by", sa.String(200)))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("revoked_by", sa.String(200)))
    op.create_table(
        "compliance_key_syncs",
        sa.Column("sync_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key_id", sa.String(40), nullable=False),
        sa.Column("interval_start", sa.DateTime(timezone=True)),
        sa.Column("interval_end", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_compliance_key_syncs_key_recorded",
        "compliance_key_syncs",
        ["key_id", "recorded_at"],
    )
    # Who registered a key was only in its event trail so far.
    op.execute(
        "update compliance_keys set created_by = (select min(actor) from compliance_key_events"
        " where compliance_key_events.key_id = compliance_keys.key_id"
        " and compliance_key_events.event = 'registered')"
    )


def downgrade() -> None:
    op.drop_index("ix_compliance_key_syncs_key_recorded", table_name="compliance_key_syncs")
    op.drop_table("compliance_key_syncs")
    with op.batch_alter_table("compliance_keys") as batch:
        batch.drop_column("revoked_by")
        batch.drop_column("revoked_at")
        batch.drop_column("created_by")
        batch.drop_column("organization_names")
