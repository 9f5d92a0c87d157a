"""Indian Permanent Account Numbers (PAN), the income-tax identifier."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Income Tax Department: 3 letters, holder type (P, C, H, F, A, T, B, L, J, G), initial,
# 4 digits, check letter.
_PAN = r"\b(?P<value>[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z])\b"

DETECTOR = identifier_detector(
    id="in-pan",
    category=Category.NATIONAL_ID,
    description="Indian Permanent Account Numbers (PAN), the income-tax identifier",
    patterns=(Pattern(name="pan", regex=_PAN, confidence=0.8, requires_context=True),),
    context=(
        "pan",
        "pan card",
        "pan no",
        "permanent account number",
        "income tax",
        "itr",
        "tds",
        "पैन",
    ),
    validator=stdnum_validator("stdnum.in_.pan"),
    true_positives=(
        "PAN card QSNFJ9821T",
        "PAN: LHWHF5048W for the TDS form",
        "Permanent Account Number VXUTU4290W",
    ),
    false_positives=("PAN format AAAAA9999A", "model QSNFJ9821T in stock", "PAN: ABCDE1234"),
)
