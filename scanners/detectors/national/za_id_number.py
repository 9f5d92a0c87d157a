"""South African identity numbers."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Identification Act 68 of 1997: YYMMDD, gender serial, citizenship, 8 or 9, Luhn check digit.
_ID = r"\b(?P<value>\d{6} ?\d{4} ?\d{3})\b"

DETECTOR = identifier_detector(
    id="za-id-number",
    category=Category.NATIONAL_ID,
    description="South African identity numbers",
    patterns=(Pattern(name="id", regex=_ID, confidence=0.8, requires_context=True),),
    context=(
        "id number",
        "identity number",
        "id no",
        "sa id",
        "rsa id",
        "south africa",
        "south african",
        "identiteitsnommer",
        "id-nommer",
        "home affairs",
    ),
    validator=stdnum_validator("stdnum.za.idnr"),
    true_positives=(
        "ID number: 8706129911081 (South Africa)",
        "SA ID 920726 5007 080",
        "identity number 9810248606082",
    ),
    false_positives=("ID number: 8706129911082", "order 8706129911081", "SA ID 0000000000000"),
)
