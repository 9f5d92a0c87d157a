"""Payment card numbers (PAN): Luhn check plus an issuer prefix with a length that issuer uses.

The issuer table follows the issuers' published IIN ranges (ISO/IEC 7812 BIN ranges as
listed by the card networks): Visa 4 (13/16/19), Mastercard 51-55 and 2221-2720 (16),
American Express 34/37 (15), Discover 6011/644-649/65 (16-19), JCB 3528-3589 (16-19),
Diners Club 300-305/36/38-39 (14-19), UnionPay 62 (16-19).

>>> validate('4111 1111 1111 1111')
'4111111111111111'
>>> issuer('378282246310005')
'amex'
>>> issuer('5555555555554444')
'mastercard'
>>> validate('4111 1111 1111 1112')
Traceback (most recent call last):
    ...
scanners.validators.exceptions.InvalidChecksum: The value's checksum or check digit is invalid.
>>> validate('1234567812345670')
Traceback (most recent call last):
    ...
scanners.validators.exceptions.InvalidComponent: ...
>>> validate('41111111111111')  # a Visa prefix, but Visa has no 14-digit cards
Traceback (most recent call last):
    ...
scanners.validators.exceptions.InvalidLength: The value has an invalid length.
>>> calc_check_digit('411111111111111')
'1'
"""

from __future__ import annotations

from scanners.validators import luhn
from scanners.validators.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from scanners.validators.util import clean

__all__ = ["ISSUERS", "calc_check_digit", "compact", "is_valid", "issuer", "validate"]

# (issuer, lowest prefix, highest prefix, allowed lengths); prefixes compare on the same
# number of leading digits as the bounds have.
ISSUERS: tuple[tuple[str, str, str, frozenset[int]], ...] = (
    ("visa", "4", "4", frozenset({13, 16, 19})),
    ("mastercard", "51", "55", frozenset({16})),
    ("mastercard", "2221", "2720", frozenset({16})),
    ("amex", "34", "34", frozenset({15})),
    ("amex", "37", "37", frozenset({15})),
    ("discover", "6011", "6011", frozenset(range(16, 20))),
    ("discover", "644", "649", frozenset(range(16, 20))),
    ("discover", "65", "65", frozenset(range(16, 20))),
    ("jcb", "3528", "3589", frozenset(range(16, 20))),
    ("diners", "300", "305", frozenset(range(14, 20))),
    ("diners", "36", "36", frozenset(range(14, 20))),
    ("diners", "38", "39", frozenset(range(14, 20))),
    ("unionpay", "62", "62", frozenset(range(16, 20))),
)


def compact(number: str) -> str:
    """Drop spaces, dashes and the other separators printed in card numbers."""
    return clean(number)


def _issuers_for_prefix(number: str) -> list[tuple[str, frozenset[int]]]:
    found = []
    for name, low, high, lengths in ISSUERS:
        head = number[: len(low)]
        if len(head) == len(low) and low <= head <= high:
            found.append((name, lengths))
    return found


def issuer(number: str) -> str | None:
    """The issuer whose prefix and length fit `number`, or None."""
    number = compact(number)
    for name, lengths in _issuers_for_prefix(number):
        if len(number) in lengths:
            return name
    return None


def calc_check_digit(number: str) -> str:
    """The Luhn digit that completes a card number without its last digit."""
    return luhn.calc_check_digit(compact(number))


def validate(number: str) -> str:
    """Return the compact card number if it is plausible, else raise a ValidationError."""
    number = compact(number)
    if not number.isascii() or not number.isdigit():
        raise InvalidFormat()
    if not 12 <= len(number) <= 19:
        raise InvalidLength()
    candidates = _issuers_for_prefix(number)
    if not candidates:
        raise InvalidComponent()
    if not any(len(number) in lengths for _, lengths in candidates):
        raise InvalidLength()
    if luhn.checksum(number) != 0:
        raise InvalidChecksum()
    return number


def is_valid(number: str) -> bool:
    """Whether `number` is a plausible payment card number."""
    try:
        return bool(validate(number))
    except ValueError:
        return False
