"""Italian tax codes (codice fiscale): name letters, birth date and place, a check letter."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# DM 23/12/1976: 6 letters, year, month letter, day (+40 for women), place, check letter;
# digits may be replaced by LMNPQRSTUV (omocodia).
_CF = r"\b(?P<value>[A-Z]{6}[0-9LMNP-V]{2}[ABCDEHLMPRST][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z])\b"

DETECTOR = identifier_detector(
    id="it-codice-fiscale",
    category=Category.NATIONAL_ID,
    description="Italian tax code (codice fiscale), with its check letter",
    patterns=(Pattern(name="cf", regex=_CF, confidence=0.9),),
    context=(
        "codice fiscale",
        "cod. fiscale",
        "c.f.",
        "cf",
        "tessera sanitaria",
        "fiscal code",
        "partita iva",
    ),
    validator=stdnum_validator("stdnum.it.codicefiscale"),
    true_positives=(
        "codice fiscale: RFMDRP73H68C792W",
        "Il mio CF è FVPRZG57E61A238P",
        "Nome: Elena\nCodice Fiscale: DHMLRM53E55A934J",
    ),
    false_positives=(
        "codice fiscale: RFMDRP73H68C792A",
        "SKU ABCDEF12G34H567I",
        "codice fiscale: XXXXXX00X00X000X",
    ),
)
