"""Errors of reports, alerts and the SIEM export.

    ReportError               a report, alert or export could not be produced
     ├── DeliveryError        a channel (webhook, email, SIEM collector) refused or was unreachable
     └── AlertDeliveryError   (alerts.py) some alerts were not delivered; carries what was

Messages name the channel and a redacted target (scheme, host, port), never a credential.
"""

from __future__ import annotations


class ReportError(RuntimeError):
    """A report, alert or export could not be produced; the message says why."""


class DeliveryError(ReportError):
    """A notification or export did not reach its channel."""

    def __init__(self, channel: str, target: str, reason: str, status: int | None = None) -> None:
        self.channel = channel
        self.target = target
        self.status = status
        detail = f"HTTP {status}: {reason}" if status is not None else reason
        super().__init__(f"{channel} delivery to {target} failed: {detail}")
