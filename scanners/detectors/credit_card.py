"""Payment card numbers: issuer prefix and length, Luhn, consistent separators."""

from __future__ import annotations

from scanners.detectors.base import Candidate, ContextWords, Detector, Pattern
from scanners.detectors.common import touches_digit_run
from scanners.masking import mask_digits
from scanners.model import Category
from scanners.validators import credit_card

# Separators printed inside card numbers: space, dash, no-break, thin, narrow no-break space.
_SEPARATORS = (" ", "-", "\u00a0", "\u2009", "\u202f")


def _grouped(sep: str) -> str:
    s = {" ": " ", "-": "-"}.get(sep, f"\\x{{{ord(sep):04x}}}")
    # 4-4-4-1..4 (13-16 digits), 4-4-4-4-3 (19), and the Amex / Diners 4-6-5 and 4-6-4 forms;
    # the first group starts with an issuer digit (2-6).
    head = r"[2-6]\d{3}"
    return rf"{head}{s}\d{{4}}{s}\d{{4}}{s}\d{{1,4}}(?:{s}\d{{3}})?|{head}{s}\d{{6}}{s}\d{{4,5}}"


# ISO/IEC 7812 PAN without separators, by issuer prefix and length (so that 13-digit
# millisecond timestamps and other ids never reach the validator): Visa, Mastercard,
# Amex, Discover / UnionPay, JCB, Diners.
_PLAIN = (
    r"4\d{12}(?:\d{3}|\d{6})?|(?:5[1-5]|2[2-7])\d{14}|3[47]\d{13}|6\d{15,18}|35\d{14,17}"
    r"|3[0689]\d{12,17}"
)
_REGEX = r"\b(?P<value>" + _PLAIN + "|" + "|".join(_grouped(sep) for sep in _SEPARATORS) + r")\b"

# Words that say the number is something else that also passes Luhn (about 1 in 10 random
# ids does). They veto a match unless a card word is also near.
_OTHER_NUMBERS = ContextWords(
    (
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
        "order_id",
        "orderid",
        "order_no",
        "order_number",
        "tracking_id",
        "invoice_id",
        "ticket_id",
        "serial_number",
        # GS1 article numbers (EAN-13 / JAN / UPC / GTIN) can pass Luhn as 13-digit Visa.
        "ean",
        "jan",
        "upc",
        "gtin",
        "barcode",
        "product code",
    )
)


def _check(candidate: Candidate) -> float | None:
    value = candidate.value
    if not credit_card.is_valid(value):
        return None
    text, start, end = candidate.text, candidate.start, candidate.end
    # Not a slice of a longer run (4111-1111-1111-1111-2222, 0.4111111111111111): a digit
    # joined by the card's own separator (or a dot) continues it; "job 79828 4111-..." does not.
    separator = next((ch for ch in value if not ch.isdigit()), "")
    if touches_digit_run(text, start, end, separators="." + separator):
        return None
    if _OTHER_NUMBERS.search(candidate.before(40) + " " + candidate.after(20)):
        if not candidate.has_context:
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
        "JAN barcode 4902771005124 on the box",
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
