"""Danish personal identification numbers (CPR-nummer)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# CPR-kontoret: birth date DDMMYY, dash, four digits (no check digit since 2007, so
# context is required).
_CPR = r"\b(?P<value>\d{6}-?\d{4})\b"

DETECTOR = identifier_detector(
    id="dk-cpr",
    category=Category.NATIONAL_ID,
    description="Danish personal identification numbers (CPR-nummer)",
    patterns=(Pattern(name="cpr", regex=_CPR, confidence=0.75, requires_context=True),),
    context=("cpr", "cpr-nummer", "cpr-nr", "cpr nummer", "personnummer", "sundhedskort"),
    validator=stdnum_validator("stdnum.dk.cpr"),
    true_positives=("CPR-nummer 280495-9946", "mit cpr-nr er 2204834066", "CPR: 250578-2417"),
    false_positives=("CPR-nummer 320495-9946", "order 280495-9946", "CPR 000000-0000"),
)
