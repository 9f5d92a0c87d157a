"""What was already sent: alerted fingerprints per channel, and records exported per SIEM sink.

Both tables are part of the state DB's one metadata (`state.schema`, created by migration
0004). An alert is claimed before it
is sent and confirmed after, so two overlapping runs never send the same fingerprint twice,
and a failed send releases its claim for the next run to retry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from claude_compliance.state.db import in_batches
from claude_compliance.state.schema import alert_deliveries_table, siem_exports_table

CLAIM_TTL = timedelta(minutes=30)
"""A claim older than this whose send never finished (a killed worker) may be taken again."""


class AlertLedger:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def delivered(self, channel: str, fingerprints: Iterable[str]) -> set[str]:
        """The fingerprints among these already delivered (or being delivered) on `channel`."""
        wanted = sorted(set(fingerprints))
        table = alert_deliveries_table
        found: set[str] = set()
        with self._engine.connect() as conn:
            for chunk in in_batches(wanted):
                rows = conn.execute(
                    sa.select(table.c.fingerprint).where(
                        table.c.channel == channel, table.c.fingerprint.in_(chunk)
                    )
                ).all()
                found.update(row.fingerprint for row in rows)
        return found

    def claim(
        self, channel: str, alerts: Mapping[str, tuple[str, str, str]], *, now: datetime
    ) -> list[str]:
        """Claim fingerprints for `channel`; returns those this caller won.

        `alerts` maps fingerprint → (finding_id, severity, category).
        """
        table = alert_deliveries_table
        won: list[str] = []
        with self._engine.begin() as conn:
            conn.execute(
                table.delete().where(
                    table.c.channel == channel,
                    table.c.delivered_at.is_(None),
                    table.c.claimed_at < now - CLAIM_TTL,
                )
            )
        for fingerprint, (finding_id, severity, category) in sorted(alerts.items()):
            try:
                with self._engine.begin() as conn:
                    conn.execute(
                        table.insert().values(
                            fingerprint=fingerprint,
                            channel=channel,
                            finding_id=finding_id,
                            severity=severity,
                            category=category,
                            claimed_at=now,
                        )
                    )
            except sa.exc.IntegrityError:
                continue  # another run holds or delivered it
            won.append(fingerprint)
        return won

    def confirm(self, channel: str, fingerprints: Sequence[str], *, now: datetime) -> None:
        table = alert_deliveries_table
        with self._engine.begin() as conn:
            for chunk in in_batches(sorted(fingerprints)):
                conn.execute(
                    table.update()
                    .where(table.c.channel == channel, table.c.fingerprint.in_(chunk))
                    .values(delivered_at=now)
                )

    def release(self, channel: str, fingerprints: Sequence[str]) -> None:
        table = alert_deliveries_table
        with self._engine.begin() as conn:
            for chunk in in_batches(sorted(fingerprints)):
                conn.execute(
                    table.delete().where(
                        table.c.channel == channel,
                        table.c.fingerprint.in_(chunk),
                        table.c.delivered_at.is_(None),
                    )
                )


class ExportLedger:
    """Per SIEM sink, the hash of the last record sent for each finding."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def hashes(self, sink: str, finding_ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(finding_ids))
        table = siem_exports_table
        found: dict[str, str] = {}
        with self._engine.connect() as conn:
            for chunk in in_batches(wanted):
                rows = conn.execute(
                    sa.select(table.c.finding_id, table.c.record_hash).where(
                        table.c.sink == sink, table.c.finding_id.in_(chunk)
                    )
                ).all()
                found.update({row.finding_id: row.record_hash for row in rows})
        return found

    def record(self, sink: str, hashes: Mapping[str, str], *, now: datetime | None = None) -> None:
        if not hashes:
            return
        moment = now or datetime.now(UTC)
        table = siem_exports_table
        ids = sorted(hashes)
        with self._engine.begin() as conn:
            for chunk in in_batches(ids):
                conn.execute(
                    table.delete().where(table.c.sink == sink, table.c.finding_id.in_(chunk))
                )
            conn.execute(
                table.insert(),
                [
                    {
                        "sink": sink,
                        "finding_id": fid,
                        "record_hash": hashes[fid],
                        "exported_at": moment,
                    }
                    for fid in ids
                ],
            )
