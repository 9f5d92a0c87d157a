"""Belgian national register numbers (rijksregisternummer / numéro national)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Rijksregister: birth date YYMMDD, 3-digit order, mod-97 check; printed YY.MM.DD-XXX.CC.
_NN = r"\b(?P<value>\d{2}\.?\d{2}\.?\d{2}[- ]?\d{3}\.?\d{2})\b"

DETECTOR = identifier_detector(
    id="be-national-number",
    category=Category.NATIONAL_ID,
    description="Belgian national register numbers (rijksregisternummer / numéro national)",
    patterns=(Pattern(name="nn", regex=_NN, confidence=0.8, requires_context=True),),
    context=(
        "rijksregisternummer",
        "rijksregister",
        "nationaal nummer",
        "insz",
        "numéro national",
        "numéro de registre national",
        "registre national",
        "niss",
        "national number",
        "national register",
    ),
    validator=stdnum_validator("stdnum.be.nn"),
    true_positives=(
        "rijksregisternummer 91.01.02-336.67",
        "numéro national: 89050904438",
        "INSZ 74.11.12-273.28",
    ),
    false_positives=(
        "rijksregisternummer 91.01.02-336.68",
        "factuur 91.01.02-336.67",
        "numéro national 00.00.00-000.00",
    ),
)
