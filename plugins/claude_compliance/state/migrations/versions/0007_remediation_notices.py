"""Remediation notices: when the user whose input leaked was told of a confirmed removal.

`notified_at` is claimed before sending (an update from null, so two runs never both send)
and released if every channel failed; `notification` says what went out, or why not.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("remediations") as batch:
        batch.add_column(sa.Column("notified_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("notification", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("remediations") as batch:
        batch.drop_column("notification")
        batch.drop_column("notified_at")
