"""Finnish personal identity codes (henkilötunnus, HETU)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Väestötietojärjestelmä: DDMMYY, century sign, individual number, mod-31 check character.
_HETU = r"(?i:\b(?P<value>\d{6}[-+ABCDEFUVWXY]\d{3}[0-9A-FHJ-NPR-Y]))\b"

DETECTOR = identifier_detector(
    id="fi-hetu",
    category=Category.NATIONAL_ID,
    description="Finnish personal identity codes (henkilötunnus, HETU)",
    patterns=(Pattern(name="hetu", regex=_HETU, confidence=0.85, requires_context=True),),
    context=(
        "henkilötunnus",
        "hetu",
        "henkilötunnukseni",
        "personbeteckning",
        "sosiaaliturvatunnus",
        "personal identity code",
    ),
    validator=stdnum_validator("stdnum.fi.hetu"),
    true_positives=(
        "henkilötunnus 150185-5450",
        "HETU: 150185-5450",
        "minun henkilötunnukseni on 150185-5450",
    ),
    false_positives=("henkilötunnus 150185-5451", "tilaus 150185-5450", "hetu 000000-0000"),
)
