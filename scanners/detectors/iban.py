"""International Bank Account Numbers (IBAN), validated by ISO 13616 mod 97 and the BBAN shape."""

from __future__ import annotations

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category
from scanners.validators.util import clean

# ISO 13616-1: country code, two check digits, up to 30 BBAN characters; written compact or
# in groups of four (the last group shorter).
_IS_VALID = stdnum_validator("stdnum.iban")
_IBAN = r"\b(?P<value>[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b"


def _check(candidate: Candidate) -> float | None:
    """Valid as matched, or after dropping trailing groups the grouped form swallowed (an
    upper-case word or a BIC right after the number)."""
    value = candidate.value
    while True:
        compact = clean(value)
        if len(set(compact[4:])) > 1 and _IS_VALID(compact):
            break
        cut = value.rfind(" ")
        if cut <= 4:
            return None
        value = value[:cut]
    candidate.end = candidate.start + len(value)
    right = candidate.text[candidate.end : candidate.end + 1]
    left = candidate.text[candidate.start - 1 : candidate.start]
    if right.isalnum() or right == "_" or left.isalnum() or left == "_":
        return None
    return candidate.pattern.confidence


_GERMAN = "DE44 4531 1841 7252 6806 71"

DETECTOR: Detector = identifier_detector(
    id="iban",
    category=Category.BANK_ACCOUNT,
    description="International Bank Account Number (IBAN, mod-97 valid)",
    patterns=(Pattern(name="iban", regex=_IBAN, confidence=0.9),),
    context=("iban", "bank", "bic", "swift", "konto", "überweisung", "compte", "cuenta", "conto"),
    validator=_IS_VALID,
    check=_check,
    true_positives=(
        f"IBAN: {_GERMAN}",
        "please pay into GB74BARC02321262578010 by Friday",
        "Mon IBAN est FR89 0700 9188 3884 0632 0721 200",
        f"IBAN {_GERMAN} BIC COBADEFFXXX",
        "rekeningnummer NL90ABNA6634636271",
    ),
    false_positives=(
        "IBAN: DE00 0000 0000 0000 0000 00",
        "IBAN DE44 4531 1841 7252 6806 72 bounced",
        "IBAN format is DEkk bbbb bbbb cccc cccc cc",
        "ref XDE44453118417252680671",
    ),
)
