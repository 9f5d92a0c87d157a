"""Swiss social security numbers (AHV / AVS, 756.xxxx.xxxx.xx)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# ZAS: 756 (Switzerland), nine digits, EAN-13 check digit, printed 756.dddd.dddd.dd.
_FORMATTED = r"\b(?P<value>756\.\d{4}\.\d{4}\.\d{2})\b"
# the same 13 digits unformatted (only beside an AHV word).
_BARE = r"\b(?P<value>756\d{10})\b"

DETECTOR = identifier_detector(
    id="ch-ahv",
    category=Category.NATIONAL_ID,
    description="Swiss social security numbers (AHV / AVS, 756.xxxx.xxxx.xx)",
    patterns=(
        Pattern(name="formatted", regex=_FORMATTED, confidence=0.85),
        Pattern(name="bare", regex=_BARE, confidence=0.75, requires_context=True),
    ),
    context=(
        "ahv",
        "avs",
        "ahv-nummer",
        "ahv-nr",
        "numéro avs",
        "numero avs",
        "sozialversicherungsnummer",
        "versichertennummer",
    ),
    validator=stdnum_validator("stdnum.ch.ssn"),
    true_positives=(
        "AHV-Nummer 756.8603.0131.39",
        "numéro AVS: 756.3720.0675.08",
        "AHV 7569820375789",
    ),
    false_positives=("AHV-Nummer 756.8603.0131.38", "order 7568603013139", "AHV 756.0000.0000.00"),
)
