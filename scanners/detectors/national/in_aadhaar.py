"""Indian Aadhaar numbers (UIDAI), twelve digits with a Verhoeff check digit."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# UIDAI: 12 digits, first not 0 or 1, Verhoeff check digit, printed 4-4-4.
_AADHAAR = r"\b(?P<value>[2-9]\d{3}[ -]?\d{4}[ -]?\d{4})\b"

DETECTOR = identifier_detector(
    id="in-aadhaar",
    category=Category.NATIONAL_ID,
    description="Indian Aadhaar numbers (UIDAI), twelve digits with a Verhoeff check digit",
    patterns=(Pattern(name="aadhaar", regex=_AADHAAR, confidence=0.8, requires_context=True),),
    context=("aadhaar", "aadhar", "adhaar", "uidai", "uid", "आधार", "enrolment"),
    validator=stdnum_validator("stdnum.in_.aadhaar"),
    true_positives=(
        "Aadhaar: 8056 4724 6140",
        "my aadhar number is 532417737211",
        "UIDAI no. 5198-3609-0911",
    ),
    false_positives=(
        "Aadhaar: 8056 4724 6141",
        "tracking 8056 4724 6140",
        "Aadhaar 2222 2222 2222",
    ),
)
