"""Australian Tax File Numbers (TFN)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# ATO: 8 or 9 digits with a weighted mod-11 check, printed 3-3-3.
_TFN = r"\b(?P<value>\d{3} ?\d{3} ?\d{2,3})\b"

DETECTOR = identifier_detector(
    id="au-tfn",
    category=Category.NATIONAL_ID,
    description="Australian Tax File Numbers (TFN)",
    patterns=(Pattern(name="tfn", regex=_TFN, confidence=0.75, requires_context=True),),
    context=("tfn", "tax file number", "tax file no", "ato"),
    validator=stdnum_validator("stdnum.au.tfn"),
    true_positives=("TFN 718 670 865", "my tax file number is 634628586", "ATO TFN: 485 635 711"),
    false_positives=("TFN 718 670 866", "invoice 718 670 865", "TFN 000 000 000"),
)
