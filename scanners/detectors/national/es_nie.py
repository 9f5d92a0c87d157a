"""Spanish foreigner identity numbers (NIE), X/Y/Z, seven digits, a check letter."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Orden INT/2058/2008: X, Y or Z, seven digits, mod-23 check letter.
_NIE = r"\b(?P<value>[XYZ]-?\d{7}-?[A-HJ-NP-TV-Z])\b"

DETECTOR = identifier_detector(
    id="es-nie",
    category=Category.NATIONAL_ID,
    description="Spanish foreigner identity numbers (NIE), X/Y/Z, seven digits, a check letter",
    patterns=(Pattern(name="nie", regex=_NIE, confidence=0.85, requires_context=True),),
    context=("nie", "n.i.e.", "nif", "extranjero", "extranjería", "tie", "identidad"),
    validator=stdnum_validator("stdnum.es.nie"),
    true_positives=("mi NIE es Y7678408X", "NIE: X-8601895-X", "tarjeta TIE Z6999283C"),
    false_positives=("mi NIE es Y7678408A", "ref Y7678408X", "NIE X0000000T"),
)
