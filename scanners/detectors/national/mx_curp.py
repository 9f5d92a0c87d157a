"""Mexican population registry keys (CURP)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# RENAPO: 4 name letters, birth date, sex (H/M), state, 3 consonants, homoclave, check digit.
_CURP = r"\b(?P<value>[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX][A-Z]{5}[0-9A-Z]\d)\b"

DETECTOR = identifier_detector(
    id="mx-curp",
    category=Category.NATIONAL_ID,
    description="Mexican population registry keys (CURP)",
    patterns=(Pattern(name="curp", regex=_CURP, confidence=0.9),),
    context=("curp", "clave única", "registro de población", "renapo"),
    validator=stdnum_validator("stdnum.mx.curp"),
    true_positives=(
        "CURP: FELT570509MNLKHL05",
        "mi CURP es VUHQ540715MPLKMJ07",
        "alumno,curp\nRuth,RUPT890728MPLRPC01",
    ),
    false_positives=("CURP: FELT570509MNLKHL06", "CURP XXXX000000XXXXXX00", "ref FELT570509"),
)
