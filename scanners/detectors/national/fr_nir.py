"""French social security numbers (NIR / numéro de sécurité sociale), with its key."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# INSEE NIR: sex, year, month, department (2A/2B for Corsica), commune, order, 2-digit key.
_NIR = r"\b(?P<value>[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2})\b"

DETECTOR = identifier_detector(
    id="fr-nir",
    category=Category.NATIONAL_ID,
    description="French social security numbers (NIR / numéro de sécurité sociale), with its key",
    patterns=(Pattern(name="nir", regex=_NIR, confidence=0.8, requires_context=True),),
    context=(
        "sécurité sociale",
        "securite sociale",
        "sécu",
        "secu",
        "nir",
        "insee",
        "carte vitale",
        "social security",
        "assuré",
    ),
    validator=stdnum_validator("stdnum.fr.nir"),
    true_positives=(
        "numéro de sécurité sociale : 1 57 04 13 123 804 39",
        "mon NIR est 164063394680310",
        "Carte Vitale 2 74 02 69 137 610 05",
    ),
    false_positives=(
        "numéro de sécurité sociale : 1 57 04 13 123 804 38",
        "commande 157041312380439",
        "NIR 1 00 00 00 000 000 00",
    ),
)
