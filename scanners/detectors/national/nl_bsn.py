"""Dutch citizen service numbers (burgerservicenummer, BSN), with a Dutch context word."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Wet algemene bepalingen BSN: nine digits passing the 11-test (elfproef).
_BSN = r"\b(?P<value>\d{9}|\d{4}\.\d{2}\.\d{3})\b"

DETECTOR = identifier_detector(
    id="nl-bsn",
    category=Category.NATIONAL_ID,
    description="Dutch citizen service number (burgerservicenummer, BSN)",
    patterns=(Pattern(name="bsn", regex=_BSN, confidence=0.75, requires_context=True),),
    context=(
        "bsn",
        "burgerservicenummer",
        "sofinummer",
        "sofi-nummer",
        "sofi nummer",
        "persoonsnummer",
        "citizen service number",
    ),
    validator=stdnum_validator("stdnum.nl.bsn"),
    true_positives=(
        "BSN: 821857356",
        "mijn burgerservicenummer is 8659.35.580",
        "naam;bsn\nJan;660701339",
    ),
    false_positives=("BSN 298511532 klopt niet", "order 821857356", "BSN 8218573561 (too long)"),
)
