"""Singapore NRIC and FIN numbers."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector
from scanners.model import Category
from scanners.validators import sg_nric

# ICA: S/T (citizens), F/G/M (foreigners), seven digits, a check letter.
_NRIC = r"\b(?P<value>[STFGM]\d{7}[A-Z])\b"

DETECTOR = identifier_detector(
    id="sg-nric",
    category=Category.NATIONAL_ID,
    description="Singapore NRIC and FIN numbers",
    patterns=(Pattern(name="nric", regex=_NRIC, confidence=0.85, requires_context=True),),
    context=(
        "nric",
        "fin no",
        "fin number",
        "ic number",
        "ic no",
        "identity card",
        "singapore",
        "singpass",
    ),
    validator=sg_nric.is_valid,
    true_positives=("NRIC: T3916619J", "my NRIC is T5396500D", "Singapore IC no. S1123348A"),
    false_positives=("NRIC: T3916619A", "part T3916619J", "NRIC S0000000A"),
)
