"""Dashboard users and sessions, triage decisions, suppression rules and the audit log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dashboard_users",
        sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("is_disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(200)),
        sa.Column("last_login_at", TS),
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("dashboard_users.user_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_index("ix_dashboard_sessions_user_id", "dashboard_sessions", ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target", sa.String(300)),
        sa.Column("detail", sa.Text),
    )
    op.create_index("ix_audit_log_created_at", "audit_log", ["created_at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.create_table(
        "finding_triage",
        sa.Column("finding_id", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.String(128)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "finding_triage_events",
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("finding_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_finding_triage_events_finding_id", "finding_triage_events", ["finding_id"])
    op.create_table(
        "suppressions",
        sa.Column("suppression_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("fingerprint", sa.String(128)),
        sa.Column("detector", sa.String(100)),
        sa.Column("user_id", sa.String(100)),
        sa.Column("note", sa.Text),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("removed_by", sa.String(200)),
        sa.Column("removed_at", TS),
    )


def downgrade() -> None:
    op.drop_table("suppressions")
    op.drop_index("ix_finding_triage_events_finding_id", table_name="finding_triage_events")
    op.drop_table("finding_triage_events")
    op.drop_table("finding_triage")
    op.drop_index("ix_audit_log_action", table_name="audit_log")
    op.drop_index("ix_audit_log_created_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_dashboard_sessions_user_id", table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
    op.drop_table("dashboard_users")
