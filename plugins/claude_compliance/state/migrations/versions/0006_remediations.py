"""Remediation requests: deletion at the source, with approval and proof.

The table is described in `claude_compliance.state.schema` and `claude_compliance.remediation`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "remediations",
        sa.Column("request_id", sa.String(40), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("key_id", sa.String(40), nullable=False),
        sa.Column("object_kind", sa.String(20), nullable=False),
        sa.Column("object_id", sa.String(120), nullable=False),
        sa.Column("chat_id", sa.String(120)),
        sa.Column("project_id", sa.String(120)),
        sa.Column("masked_name", sa.Text),
        sa.Column("message_count", sa.Integer),
        sa.Column("file_count", sa.Integer),
        sa.Column("owner_user_id", sa.String(100)),
        sa.Column("owner_email", sa.String(320)),
        sa.Column("finding_ids", sa.Text, nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", TS),
        sa.Column("decision_note", sa.Text),
        sa.Column("executed_by", sa.String(200)),
        sa.Column("executed_at", TS),
        sa.Column("executed_key_id", sa.String(40)),
        sa.Column("api_status", sa.Integer),
        sa.Column("api_request_id", sa.String(120)),
        sa.Column("outcome", sa.String(30)),
        sa.Column("error", sa.Text),
        sa.Column("confirmed_at", TS),
        sa.Column("confirmation", sa.Text),
    )
    op.create_index("ix_remediations_status", "remediations", ["status"])
    op.create_index("ix_remediations_object_id", "remediations", ["object_id"])


def downgrade() -> None:
    op.drop_index("ix_remediations_object_id", table_name="remediations")
    op.drop_index("ix_remediations_status", table_name="remediations")
    op.drop_table("remediations")
