"""Norwegian national identity numbers (fødselsnummer)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Skatteetaten: birth date DDMMYY, three-digit individual number, two mod-11 check digits.
_FNR = r"\b(?P<value>\d{6} ?\d{5})\b"

DETECTOR = identifier_detector(
    id="no-fodselsnummer",
    category=Category.NATIONAL_ID,
    description="Norwegian national identity numbers (fødselsnummer)",
    patterns=(Pattern(name="fnr", regex=_FNR, confidence=0.8, requires_context=True),),
    context=(
        "fødselsnummer",
        "fodselsnummer",
        "personnummer",
        "fnr",
        "f.nr",
        "identitetsnummer",
        "national identity number",
    ),
    validator=stdnum_validator("stdnum.no.fodselsnummer"),
    true_positives=(
        "fødselsnummer 07018665543",
        "mitt fødselsnummer er 200498 33300",
        "fnr: 17018019507",
    ),
    false_positives=("fødselsnummer 07018665544", "ordre 07018665543", "fnr 00000000000"),
)
