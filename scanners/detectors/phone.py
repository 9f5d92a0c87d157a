"""Phone numbers, validated by libphonenumber; national formats read in the text's region.

`+CC` numbers are read as written. NANP-shaped and bare numbers are read as US numbers, then
in the organization's region. Other national formats (`020 7946 0958`, `090-1234-5678`,
`06 12 34 56 78`) are read in the regions the text itself points at (scanners.detectors.
phone_regions: +CC numbers nearby, country, city and language words), then in the
organization's region, which needs a phone word beside the number: a UK organization's
`part 020-7946-0958` is a part number.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

from scanners.detectors.base import Candidate, Check, ContextWords, Detector, Pattern
from scanners.detectors.common import touches_digit_run
from scanners.detectors.phone_regions import REGION_CUES, text_regions
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
# Other national formats (ITU-T E.123 national notation): an optional trunk 0 and area code,
# possibly in parentheses, then two to four digit groups; 8-13 digits in all (checked).
# Two or more groups after the first, or one of five or more digits: "05-17" is no number.
_GROUPS = r"(?:(?:[ .\-]\d{2,8}){2,4}|[ .\-]\d{5,8})"
_NATIONAL = r"(?P<value>(?:\(0\d{1,4}\)|\b0\d{1,5})" + _GROUPS + r")\b"
# The same without a trunk 0 (Spain, Italian mobiles, Brazil's "(11) 9…"): more common
# shapes (amounts, ids), so its gate leaves out "call" (see _NATIONAL_GATE).
_NATIONAL_NO_TRUNK = r"(?P<value>(?:\(\d{1,2}\)|\b[1-9]\d{1,5})" + _GROUPS + r")\b"
# NANP shapes are the nanp pattern's (read as US, then in the region).
_NANP_SHAPE = re.compile(r"^\d{3}[ .\-]\d{3}[ .\-]\d{4}$")
# Dates are digit groups too.
_DATE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
# How far around a national number its country cues are looked for.
_CUE_WINDOW = 400

_RUN_SEPARATORS = "-./:"
# Words that say a digit group is another kind of number; they veto unless a phone word is near.
_NOT_PHONE = ContextWords(
    (
        "isbn",
        "uuid",
        "epoch",
        "timestamp",
        "order",
        "invoice",
        "serial",
        "sku",
        "part",
        "part number",
        "p/n",
        "teilenummer",
        "po number",
        "purchase order",
        "version",
        "firmware",
        "build",
        "seriennummer",
    )
)

_AFTER_PLUS = re.compile(r"\+\d{1,3}[ .\-\u00a0]?\(?$")


@lru_cache(maxsize=4096)
def _parse(value: str, region: str = "US") -> str | None:
    """The E.164 form of a number valid in `region`'s numbering plan (any, with +CC), else None.

    Cached: the check and the fingerprint both need it, and repeated numbers (signatures,
    pasted tables) are common.
    """
    import phonenumbers  # here, not at module level: a tenth of a second of `scan` start-up

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _e164(value: str) -> str:
    return _parse(value) or value


def _check_for(region: str) -> Check:
    """The check of a phone detector whose organization sits in `region`."""

    def check(candidate: Candidate) -> float | None:
        value = candidate.value
        text, start, end = candidate.text, candidate.start, candidate.end
        if touches_digit_run(text, start, end, _RUN_SEPARATORS):
            return None
        left = text[start - 1] if start else ""
        right = text[end] if end < len(text) else ""
        # Slices of UUIDs, hex ids, versions and decimals (Latin letters and digits only:
        # Japanese and Chinese write numbers straight after a kana or a hanzi).
        if (left.isascii() and left.isalnum()) or left == "_" or right == "_":
            return None
        if right.isalpha() and right.isascii():
            return None
        if right == "-" and candidate.after(2)[1:].isalnum():
            return None
        digits = sum(map(str.isdigit, value))
        is_national = candidate.pattern.name.startswith("national")
        if is_national and (not 8 <= digits <= 13 or _DATE.match(value)):
            return None
        # A valid NANP number in NANP shape is the nanp pattern's finding.
        if is_national and _NANP_SHAPE.match(value) and _parse(value) is not None:
            return None
        window = candidate.before(30) + " " + candidate.after(15)
        if not value.startswith("+") and _NOT_PHONE.search(window):
            if not _STRONG_CONTEXT.search(window):
                return None
        if is_national:
            return _national(candidate, region)
        if not value.startswith("+"):
            if digits not in (10, 11):
                return None
            if _parse(value) is None and (region == "US" or _parse(value, region) is None):
                return None
        elif _parse(value) is None:
            return None
        return candidate.pattern.confidence

    return check


def _national(candidate: Candidate, region: str) -> float | None:
    value, text, start = candidate.value, candidate.text, candidate.start
    # The national-looking tail of an international number is the international match's.
    if _AFTER_PLUS.search(text[max(0, start - 6) : start]):
        return None
    # Windows aligned to _CUE_WINDOW: the numbers of one passage share one (cached) window.
    bucket = start // _CUE_WINDOW * _CUE_WINDOW
    window = text[max(0, bucket - _CUE_WINDOW) : bucket + 2 * _CUE_WINDOW]
    for cue in text_regions(window):
        if _parse(value, cue) is not None:
            return candidate.pattern.confidence
    near = candidate.before() + " " + candidate.after()
    if _STRONG_CONTEXT.search(near) and _parse(value, region) is not None:
        return candidate.pattern.confidence - 0.05
    return None


def detector_for(region: str) -> Detector:
    """The phone detector of an organization in `region` (ISO 3166 alpha-2, e.g. GB).

    >>> detector_for("GB").id
    'phone-number'
    >>> detector_for("XX")
    Traceback (most recent call last):
        ...
    ValueError: unknown phone region 'XX' (an ISO 3166 alpha-2 code libphonenumber knows)
    """
    import phonenumbers

    region = region.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(
            f"unknown phone region {region!r} (an ISO 3166 alpha-2 code libphonenumber knows)"
        )
    return dataclasses.replace(DETECTOR, check=_check_for(region))


def _mask(value: str) -> str:
    keep_first = 0
    if value.startswith("+"):
        code = value[1:].split(" ", 1)[0].split("-", 1)[0].split("(", 1)[0]
        keep_first = min(len(code), 3)
    return mask_digits(value, keep_first=keep_first, keep_last=2)


# Phone words; the weak ones (number, contact, reach) also name other things, so they never
# outweigh a word for another kind of number, nor make a national number alone.
_CONTEXT = (
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
)
_WEAK_CONTEXT = frozenset({"number", "contact", "reach"})
# A phone word, a country cue, or a +CC number (+1 … +9) anywhere in the text. "call" is
# left out: English-speaking countries' national numbers start with the trunk 0.
_NATIONAL_GATE = (
    *(word for word in _CONTEXT if word not in _WEAK_CONTEXT and word != "call"),
    *(word for words in REGION_CUES.values() for word in words),
    *(f"+{digit}" for digit in range(1, 10)),
)
_TRUNK_GATE = (*_NATIONAL_GATE, "call")

DETECTOR = Detector(
    id="phone-number",
    category=Category.PHONE,
    description="Telephone number (libphonenumber-valid; bare digits need a phone word)",
    patterns=(
        Pattern(name="international", regex=_INTERNATIONAL, confidence=0.8),
        Pattern(name="nanp", regex=_NANP, confidence=0.75),
        Pattern(name="bare", regex=_BARE, confidence=0.6, requires_context=True),
        # Only where something says phone or which country (see the gates).
        Pattern(name="national", regex=_NATIONAL, confidence=0.75, gate=_TRUNK_GATE),
        Pattern(
            name="national-no-trunk",
            regex=_NATIONAL_NO_TRUNK,
            confidence=0.75,
            gate=_NATIONAL_GATE,
        ),
    ),
    context=_CONTEXT,
    check=_check_for("US"),
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
        "our London office is on 020 7946 0321",
        "携帯は 090-3412-5678 です",
        "Main: +49 89 2019 0, Durchwahl: 030 901820",
        "mon portable : 06 12 34 56 78, je suis à Paris",
        "meu celular é (21) 98765-4321 no Rio de Janeiro",
        "大阪オフィスの電話番号は06-6345-1234です",
        "Rotterdam kantoor, telefoon 010 234 5678",
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
        "part number 020-7946-0958 is the left hinge",
        "PO number 4155550123, net 30",
        "released 17.05.2024 in London",
    ),
)
_STRONG_CONTEXT = ContextWords(tuple(w for w in _CONTEXT if w not in _WEAK_CONTEXT))
