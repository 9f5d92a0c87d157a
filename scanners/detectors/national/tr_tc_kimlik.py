"""Turkish identification numbers (T.C. Kimlik No)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Nüfus ve Vatandaşlık İşleri: 11 digits, first not 0, two check digits.
_TCKN = r"\b(?P<value>[1-9]\d{10})\b"

DETECTOR = identifier_detector(
    id="tr-tc-kimlik",
    category=Category.NATIONAL_ID,
    description="Turkish identification numbers (T.C. Kimlik No)",
    patterns=(Pattern(name="tckn", regex=_TCKN, confidence=0.8, requires_context=True),),
    context=(
        "tc kimlik",
        "t.c. kimlik",
        "kimlik no",
        "kimlik numarası",
        "kimlik numaram",
        "tckn",
        "tc no",
        "t.c. no",
    ),
    validator=stdnum_validator("stdnum.tr.tckimlik"),
    true_positives=("TC Kimlik No: 75215059914", "kimlik numaram 90387166314", "TCKN 95757321560"),
    false_positives=("TC Kimlik No: 75215059915", "sipariş 75215059914", "TCKN 11111111111"),
)
