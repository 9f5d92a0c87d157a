"""German tax identification numbers (Steuer-ID / IdNr), beside a German tax word."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# BZSt: 11 digits, ISO 7064 mod 11,10 check digit; printed whole or 2-3-3-3.
_IDNR = r"\b(?P<value>\d{2} ?\d{3} ?\d{3} ?\d{3})\b"

DETECTOR = identifier_detector(
    id="de-steuer-id",
    category=Category.NATIONAL_ID,
    description="German tax identification numbers (Steuer-ID / IdNr), beside a German tax word",
    patterns=(Pattern(name="idnr", regex=_IDNR, confidence=0.75, requires_context=True),),
    context=(
        "steuer-id",
        "steuer id",
        "steuerid",
        "steuer-idnr",
        "steueridentifikationsnummer",
        "steuerliche identifikationsnummer",
        "identifikationsnummer",
        "idnr",
        "tax id",
        "finanzamt",
        "elster",
    ),
    validator=stdnum_validator("stdnum.de.idnr"),
    true_positives=(
        "Meine Steuer-ID ist 87221693542",
        "Steueridentifikationsnummer: 62 390 254 784",
        "name,steuer_id\nLukas,87465198206",
    ),
    false_positives=(
        "Steuer-ID: 27340983383 (ungültig)",
        "Bestellnummer 87221693542",
        "Steuer-ID 11111111111",
    ),
)
