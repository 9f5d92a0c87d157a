"""Spanish national identity numbers (DNI / NIF), eight digits and a check letter."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Real Decreto 1553/2005: eight digits and a mod-23 check letter.
_DNI = r"\b(?P<value>\d{8}-?[A-HJ-NP-TV-Z])\b"

DETECTOR = identifier_detector(
    id="es-dni",
    category=Category.NATIONAL_ID,
    description="Spanish national identity numbers (DNI / NIF), eight digits and a check letter",
    patterns=(Pattern(name="dni", regex=_DNI, confidence=0.8, requires_context=True),),
    context=(
        "dni",
        "d.n.i.",
        "nif",
        "documento nacional de identidad",
        "documento de identidad",
        "número de identidad",
        "identidad",
        "titular",
    ),
    validator=stdnum_validator("stdnum.es.dni"),
    true_positives=(
        "DNI 68922193W",
        "mi NIF es 38725855-L",
        "Adjunto el DNI del titular (90490826V)",
    ),
    false_positives=("DNI 68922193A", "pedido 68922193W", "DNI 00000000T"),
)
