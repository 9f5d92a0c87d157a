"""UK National Insurance numbers (NINO), with an English context word."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector
from scanners.model import Category
from scanners.validators import gb_nino

# HMRC NIM39110: two prefix letters, six digits in pairs, suffix A-D.
_NINO = r"\b(?P<value>[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D])\b"

DETECTOR = identifier_detector(
    id="gb-nino",
    category=Category.NATIONAL_ID,
    description="UK National Insurance numbers (NINO), with an English context word",
    patterns=(Pattern(name="nino", regex=_NINO, confidence=0.8, requires_context=True),),
    context=(
        "national insurance",
        "ni number",
        "ni no",
        "nino",
        "nin",
        "insurance number",
        "hmrc",
        "payroll",
    ),
    validator=gb_nino.is_valid,
    true_positives=(
        "my National Insurance number is CT 22 35 96 B",
        "NINO: NY742134C",
        "employee,ni_number\nTom Lee,AK 67 64 90 B",
    ),
    false_positives=(
        "NINO QQ 12 34 56 C is the HMRC example",
        "national insurance number GB 12 34 56 A",
        "part CT 22 35 96 B in stock",
    ),
)
