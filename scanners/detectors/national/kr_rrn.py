"""South Korean resident registration numbers (주민등록번호, RRN)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Resident Registration Act: YYMMDD, dash, sex/century digit, place, serial, check digit.
_FORMATTED = r"\b(?P<value>\d{6}-[1-8]\d{6})\b"
# the same 13 digits unformatted (only beside an RRN word).
_BARE = r"\b(?P<value>\d{6}[1-8]\d{6})\b"

DETECTOR = identifier_detector(
    id="kr-rrn",
    category=Category.NATIONAL_ID,
    description="South Korean resident registration numbers (주민등록번호, RRN)",
    patterns=(
        Pattern(name="formatted", regex=_FORMATTED, confidence=0.85),
        Pattern(name="bare", regex=_BARE, confidence=0.7, requires_context=True),
    ),
    context=(
        "주민등록번호",
        "주민번호",
        "rrn",
        "resident registration",
        "resident registration number",
    ),
    validator=stdnum_validator("stdnum.kr.rrn"),
    true_positives=(
        "주민등록번호 810919-1560128",
        "RRN: 8703171804000",
        "주민번호: 661212-1039372",
    ),
    false_positives=("주민등록번호 810919-1560129", "order 8109191560128", "RRN 000000-1000000"),
)
