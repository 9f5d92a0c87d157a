"""Polish national identification numbers (PESEL)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Ustawa o ewidencji ludności: birth date (month +20/+40/... for the century), serial,
# sex, check digit.
_PESEL = r"\b(?P<value>\d{11})\b"

DETECTOR = identifier_detector(
    id="pl-pesel",
    category=Category.NATIONAL_ID,
    description="Polish national identification numbers (PESEL)",
    patterns=(Pattern(name="pesel", regex=_PESEL, confidence=0.8, requires_context=True),),
    context=("pesel", "numer pesel", "nr pesel"),
    validator=stdnum_validator("stdnum.pl.pesel"),
    true_positives=(
        "PESEL: 71012668403",
        "mój numer PESEL to 60040618056",
        "imie,pesel\nAnna,87062208588",
    ),
    false_positives=(
        "PESEL 58100983378 nie przechodzi walidacji",
        "zamówienie 71012668403",
        "PESEL 00000000000",
    ),
)
