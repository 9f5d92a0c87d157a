"""Phone numbers, validated by libphonenumber (default region US); bare digits need context."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from scanners.detectors.base import Candidate, ContextWords, Detector, Pattern
from scanners.detectors.common import touches_digit_run
from scanners.masking import mask_digits
from scanners.model import Category

# E.123 international notation: +CC then 6-14 more digits in groups (space, dot, dash, parens).
_INTERNATIONAL = (
    r"(?P<value>\+[1-9]\d{0,2}(?:[ .\-\x{00A0}]?\(?\d{1,4}\)?){1,2}"
    r"(?:[ .\-\x{00A0}]?\d{2,5}){1,4})\b"
)
# NANP presentation: (NXX) NXX-XXXX, NXX-NXX-XXXX, NXX.NXX.XXXX, NXX NXX XXXX, 1-NXX-...
_NANP = (
    r"(?P<value>(?:\b1[ .\-])?(?:\(\d{3}\) ?|\b\d{3}[ .\-])\d{3}[ .\-]\d{4})\b"
    r"(?P<ext> ?(?:x|ext\.?) ?\d{1,5})?"
)
# Unformatted national numbers: 10 or 11 digits, only beside a phone word (requires_context).
_BARE = r"\b(?P<value>1?\d{10})\b"

_RUN_SEPARATORS = "-./:"
# Words that say a digit group is another kind of number; they veto unless a phone word is near.
_NOT_PHONE = ContextWords(
    ("isbn", "uuid", "epoch", "timestamp", "order", "invoice", "serial", "sku")
)


@lru_cache(maxsize=4096)
def _parse(value: str) -> str | None:
    """The E.164 form of a valid number (region US by default), else None.

    Cached: the check and the fingerprint both need it, and repeated numbers (signatures,
    pasted tables) are common.
    """
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _e164(value: str) -> str:
    return _parse(value) or value


def _check(candidate: Candidate) -> float | None:
    value = candidate.value
    text, start, end = candidate.text, candidate.start, candidate.end
    if touches_digit_run(text, start, end, _RUN_SEPARATORS):
        return None
    left = text[start - 1] if start else ""
    right = text[end] if end < len(text) else ""
    # Slices of UUIDs, hex ids, versions and decimals.
    if left.isalnum() or left == "_" or right == "_" or (right.isalpha() and right.isascii()):
        return None
    if right == "-" and candidate.after(2)[1:].isalnum():
        return None
    if not value.startswith("+") and _NOT_PHONE.search(
        candidate.before(30) + " " + candidate.after(15)
    ):
        if not candidate.has_context:
            return None
    if _parse(value) is None:
        return None
    digits = sum(ch.isdigit() for ch in value)
    if not value.startswith("+") and digits not in (10, 11):
        return None
    return candidate.pattern.confidence


def _mask(value: str) -> str:
    keep_first = 0
    if value.startswith("+"):
        code = value[1:].split(" ", 1)[0].split("-", 1)[0].split("(", 1)[0]
        keep_first = min(len(code), 3)
    return mask_digits(value, keep_first=keep_first, keep_last=2)


DETECTOR = Detector(
    id="phone-number",
    category=Category.PHONE,
    description="Telephone number (libphonenumber-valid; bare digits need a phone word)",
    patterns=(
        Pattern(name="international", regex=_INTERNATIONAL, confidence=0.8),
        Pattern(name="nanp", regex=_NANP, confidence=0.75),
        Pattern(name="bare", regex=_BARE, confidence=0.6, requires_context=True),
    ),
    context=(
        "phone",
        "tel",
        "telephone",
        "mobile",
        "cell",
        "call",
        "text me",
        "sms",
        "whatsapp",
        "fax",
        "contact",
        "number",
        "reach",
        "teléfono",
        "telefono",
        "móvil",
        "celular",
        "téléphone",
        "portable",
        "telefon",
        "handy",
        "telefone",
        "電話",
    ),
    check=_check,
    normalize=_e164,
    mask=_mask,
    true_positives=(
        "call me at (415) 555-0123 tomorrow",
        "my cell is 212-555-0199",
        "Phone: +44 20 7946 0958",
        "WhatsApp +49 30 901820",
        "tel 415.555.0142",
        "phone: 4155550123",
        "Reach me on +1 (617) 555-0175 ext 12",
        "mobile 1-800-555-0199",
    ),
    false_positives=(
        "uuid 123e4567-e89b-12d3-a456-426614174000",
        "released 2024-05-17 at 10:30",
        "ISBN 978-0-306-40615-7",
        "ts 1712345678 in the log",
        "id 41555501234567 in the table",
        "build 4155550123 passed",
        "version 415.555.0123.4",
        "ratio 0.415 555 0123",
    ),
)
