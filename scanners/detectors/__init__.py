"""The registry of built-in detectors, one module per detector."""

from __future__ import annotations

from scanners.detectors import anthropic_api_key, credit_card, email
from scanners.detectors.base import Candidate, Detector, Pattern

__all__ = ["BUILTIN_DETECTORS", "Candidate", "Detector", "Pattern"]

BUILTIN_DETECTORS: tuple[Detector, ...] = (
    anthropic_api_key.DETECTOR,
    credit_card.DETECTOR,
    email.DETECTOR,
)
