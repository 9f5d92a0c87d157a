"""Swedish personal identity numbers (personnummer, samordningsnummer)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Skatteverket SKV 704: (CC)YYMMDD, - or + (over 100), three digits and a Luhn check digit.
_PNR = r"\b(?P<value>(?:19|20)?\d{6}[-+]?\d{4})\b"

DETECTOR = identifier_detector(
    id="se-personnummer",
    category=Category.NATIONAL_ID,
    description="Swedish personal identity numbers (personnummer, samordningsnummer)",
    patterns=(Pattern(name="pnr", regex=_PNR, confidence=0.8, requires_context=True),),
    context=(
        "personnummer",
        "personnr",
        "pnr",
        "person nummer",
        "samordningsnummer",
        "personal identity number",
        "swedish id",
    ),
    validator=stdnum_validator("stdnum.se.personnummer"),
    true_positives=(
        "personnummer 650804-2683",
        "Mitt personnummer är 7311254572",
        "personnummer: 19951123-1921",
        "pnr: 730411-1839",
    ),
    false_positives=("personnummer 650804-2684", "order 650804-2683", "personnummer 000000-0000"),
)
