"""Canadian Social Insurance Numbers (SIN / NAS)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# ESDC: nine digits, Luhn check digit, printed 3-3-3.
_SIN = r"\b(?P<value>\d{3}[ -]?\d{3}[ -]?\d{3})\b"

DETECTOR = identifier_detector(
    id="ca-sin",
    category=Category.NATIONAL_ID,
    description="Canadian Social Insurance Numbers (SIN / NAS)",
    patterns=(Pattern(name="sin", regex=_SIN, confidence=0.75, requires_context=True),),
    context=(
        "sin",
        "social insurance",
        "social insurance number",
        "numéro d'assurance sociale",
        "assurance sociale",
        "nas",
    ),
    validator=stdnum_validator("stdnum.ca.sin"),
    true_positives=(
        "my SIN is 106 273 832",
        "Social Insurance Number: 611-864-554",
        "numéro d'assurance sociale 466134194",
    ),
    false_positives=("my SIN is 106 273 833", "order 106 273 832", "SIN 000 000 000"),
)
