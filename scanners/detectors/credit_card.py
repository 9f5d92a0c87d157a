"""Payment card numbers: issuer prefix and length, Luhn, consistent separators."""

from __future__ import annotations

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.common import touches_digit_run
from scanners.masking import mask_digits
from scanners.model import Category
from scanners.validators import credit_card

# Separators printed inside card numbers: space, dash, no-break, thin, narrow no-break space.
_SEPARATORS = (" ", "-", "\u00a0", "\u2009", "\u202f")


def _grouped(sep: str) -> str:
    s = {" ": " ", "-": "-"}.get(sep, f"\\x{{{ord(sep):04x}}}")
    # 4-4-4-1..4 (13-16 digits), 4-4-4-4-3 (19), and the Amex / Diners 4-6-5 and 4-6-4 forms.
    return rf"\d{{4}}{s}\d{{4}}{s}\d{{4}}{s}\d{{1,4}}(?:{s}\d{{3}})?|\d{{4}}{s}\d{{6}}{s}\d{{4,5}}"


# ISO/IEC 7812 PAN: 12-19 digits, unseparated or in the groups printed on cards.
_REGEX = r"\b(?P<value>\d{12,19}|" + "|".join(_grouped(sep) for sep in _SEPARATORS) + r")\b"

# Words that say the number is something else that also passes Luhn (about 1 in 10 random
# ids does). They veto a match unless a card word is also near.
_OTHER_NUMBERS = (
    "imei",
    "isbn",
    "timestamp",
    "epoch",
    "meid",
    "iccid",
    "tracking",
    "order",
    "invoice",
    "ticket",
    "reference",
    "shipment",
    "transaction id",
    "serial",
)


def _check(candidate: Candidate) -> float | None:
    value = candidate.value
    if not credit_card.is_valid(value):
        return None
    text, start, end = candidate.text, candidate.start, candidate.end
    # Not a slice of a longer run (4111-1111-1111-1111-2222, 0.4111111111111111); commas
    # are field separators in CSV, not digit-group separators here.
    if touches_digit_run(text, start, end, separators=" -.\u00a0\u2009\u202f"):
        return None
    window = (candidate.before(40) + " " + candidate.after(20)).lower()
    if any(word in window for word in _OTHER_NUMBERS) and not candidate.has_context:
        return None
    return candidate.pattern.confidence if not value.isdigit() else 0.7


DETECTOR = Detector(
    id="credit-card",
    category=Category.CREDIT_CARD,
    description="Payment card number (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay)",
    patterns=(Pattern(name="pan", regex=_REGEX, confidence=0.85),),
    context=(
        "card",
        "credit",
        "debit",
        "visa",
        "mastercard",
        "amex",
        "american express",
        "discover",
        "jcb",
        "diners",
        "unionpay",
        "cc",
        "ccn",
        "pan",
        "cvv",
        "cvc",
        "expiry",
        "exp",
        "payment",
        "pay",
        "billing",
        "tarjeta",
        "karte",
        "kreditkarte",
        "carte",
        "cartão",
        "carta",
        "kaart",
    ),
    check=_check,
    normalize=credit_card.compact,
    mask=mask_digits,
    true_positives=(
        "my card is 4111 1111 1111 1111 exp 12/27",
        "Visa: 4111-1111-1111-1111",
        "charge 5555555555554444 please",
        "amex 3782 822463 10005 cvv 1234",
        "mastercard 2223\u00a00000\u00a04841\u00a00010",
        "Discover 6011 1111 1111 1117",
        "JCB: 3530111333300000",
        "diners 3056 930902 5904",
        "unionpay 6200000000000005",
        "visa 13-digit 4222222222222",
        '{"card_number": "4012888888881881"}',
    ),
    false_positives=(
        "card ending 4111 **** **** 1111",
        "XXXX-XXXX-XXXX-1111",
        "ts=1700000000000 ms",
        "IMEI 490154203237518",
        "4111 1111 1111 1112",
        "4111-1111 1111-1111",
        "id 1234567812345670",
        "order 4111-1111-1111-1111-2222",
        "value 0.4111111111111111",
        "41111111111111",
    ),
)
