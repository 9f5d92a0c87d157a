"""Every table of the state DB, as SQLAlchemy Core metadata (the migrations create them).

The Alembic revisions in `migrations/versions/` are the source of truth for how a database
gets to this shape; a test compares the migrated schema against this metadata, so the two
cannot drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is written and read as an aware UTC datetime on every dialect.

    SQLite keeps no offset (it hands back naive values, and would store an aware non-UTC
    value's wall clock as is); PostgreSQL hands back the session's zone. Normalising here,
    once, spares every store its own `_utc` fix-up.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return as_utc(value) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return as_utc(value) if value is not None else None


def as_utc(value: datetime) -> datetime:
    """`value` in UTC; a naive value is taken to be UTC already (what SQLite stores)."""
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


TS = UTCDateTime()

# -- Compliance Access Keys ---------------------------------------------------------------

keys_table = sa.Table(
    "compliance_keys",
    metadata,
    sa.Column("key_id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("fingerprint", sa.String(120), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("ciphertext", sa.Text, nullable=False),
    sa.Column("scopes", sa.Text, nullable=False, default="[]"),
    sa.Column("organizations", sa.Text, nullable=False, default="[]"),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("last_validated_at", TS),
    sa.Column("last_sync_at", TS),
    sa.Column("last_sync_status", sa.String(20)),
    sa.Column("last_error", sa.Text),
    # revision 0002
    sa.Column("organization_names", sa.Text, nullable=False, server_default="[]"),
    sa.Column("created_by", sa.String(200)),
    sa.Column("revoked_at", TS),
    sa.Column("revoked_by", sa.String(200)),
)

key_events_table = sa.Table(
    "compliance_key_events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key_id", sa.String(40), nullable=False, index=True),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("detail", sa.Text),
    sa.Column("created_at", TS, nullable=False),
)

key_syncs_table = sa.Table(
    "compliance_key_syncs",
    metadata,
    sa.Column("sync_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key_id", sa.String(40), nullable=False),
    sa.Column("interval_start", TS),
    sa.Column("interval_end", TS),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("recorded_at", TS, nullable=False),
    sa.Index("ix_compliance_key_syncs_key_recorded", "key_id", "recorded_at"),
)

# -- Dashboard users, sessions, audit -----------------------------------------------------

users_table = sa.Table(
    "dashboard_users",
    metadata,
    sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("is_disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("created_by", sa.String(200)),
    sa.Column("last_login_at", TS),
)

sessions_table = sa.Table(
    "dashboard_sessions",
    metadata,
    # sha256 of the cookie token: a dump of this table does not yield a usable session
    sa.Column("session_hash", sa.String(64), primary_key=True),
    sa.Column(
        "user_id",
        sa.Integer,
        sa.ForeignKey("dashboard_users.user_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("last_seen_at", TS, nullable=False),
    sa.Column("expires_at", TS, nullable=False),
)

audit_table = sa.Table(
    "audit_log",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", TS, nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(60), nullable=False, index=True),
    sa.Column("target", sa.String(300)),
    sa.Column("detail", sa.Text),
)

# Failed sign-ins, shared by every dashboard process (see `state.throttle`). `scope` is
# "ip" (subject: the client address, IPv6 by /64), "account" (subject: the username) or
# "pair" (subject: username + newline + client address).
login_throttle_table = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("scope", sa.String(10), primary_key=True),
    sa.Column("subject", sa.String(200), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", TS, nullable=False, index=True),
)

# -- Triage and suppressions --------------------------------------------------------------

triage_table = sa.Table(
    "finding_triage",
    metadata,
    sa.Column("finding_id", sa.String(64), primary_key=True),
    sa.Column("fingerprint", sa.String(128)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

triage_events_table = sa.Table(
    "finding_triage_events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("finding_id", sa.String(64), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("created_at", TS, nullable=False),
)

suppressions_table = sa.Table(
    "suppressions",
    metadata,
    sa.Column("suppression_id", sa.Integer, primary_key=True, autoincrement=True),
    # "fingerprint": one value everywhere; "detector_user": one detector for one user
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

# -- Alerts and SIEM export: what was already sent (see `reports.deliveries`) --------------

# An alert is claimed before it is sent and confirmed after (`delivered_at`), per channel.
alert_deliveries_table = sa.Table(
    "alert_deliveries",
    metadata,
    sa.Column("fingerprint", sa.String(128), primary_key=True),
    sa.Column("channel", sa.String(20), primary_key=True),
    sa.Column("finding_id", sa.String(64), nullable=False),
    sa.Column("severity", sa.String(10), nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("claimed_at", TS, nullable=False),
    sa.Column("delivered_at", TS),
)

# Per SIEM sink, the hash of the last record sent for each finding.
siem_exports_table = sa.Table(
    "siem_exports",
    metadata,
    sa.Column("sink", sa.String(64), primary_key=True),
    sa.Column("finding_id", sa.String(64), primary_key=True),
    sa.Column("record_hash", sa.String(64), nullable=False),
    sa.Column("exported_at", TS, nullable=False),
)

# -- Remediation (deletion at the source through the Compliance API) ----------------------

# One row per request, carrying its whole history: requested → approved / rejected →
# executed (or failed) → confirmed by a later sync. Every step is also an audit-log entry.
# No column holds a matched value: the chat name is the masked one, findings go by id.
remediations_table = sa.Table(
    "remediations",
    metadata,
    sa.Column("request_id", sa.String(40), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("key_id", sa.String(40), nullable=False),
    # "chat", "file" (a chat upload or project file), "project_document" or "project"
    sa.Column("object_kind", sa.String(20), nullable=False),
    sa.Column("object_id", sa.String(120), nullable=False, index=True),
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
    # The notice to the user whose input leaked (optional): claimed, then sent or released.
    sa.Column("notified_at", TS),
    sa.Column("notification", sa.Text),
)
