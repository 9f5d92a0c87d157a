"""Luhn mod-10 check digit (ISO/IEC 7812-1), used by payment cards and IMEIs.

>>> validate('79927398713')
'79927398713'
>>> is_valid('4111 1111 1111 1111')
True
>>> validate('79927398710')
Traceback (most recent call last):
    ...
scanners.validators.exceptions.InvalidChecksum: The value's checksum or check digit is invalid.
>>> calc_check_digit('7992739871')
'3'
>>> checksum('79927398713')
0
"""

from __future__ import annotations

from scanners.validators.exceptions import InvalidChecksum, InvalidFormat
from scanners.validators.util import clean

__all__ = ["calc_check_digit", "checksum", "compact", "is_valid", "validate"]

# doubled[d] is the Luhn contribution of digit d in a doubled position.
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def compact(number: str) -> str:
    """Drop the separators people put in numbers (spaces, dashes, dots, odd spaces)."""
    return clean(number)


def checksum(number: str) -> int:
    """The Luhn sum of `number` modulo 10 (0 for a valid number)."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = ord(char) - 48
        total += _DOUBLED[digit] if position % 2 else digit
    return total % 10


def calc_check_digit(number: str) -> str:
    """The digit that, appended to `number`, makes it Luhn-valid."""
    return str((10 - checksum(number + "0")) % 10)


def validate(number: str) -> str:
    """Return the compact number if its Luhn check digit is right, else raise."""
    number = compact(number)
    if not number or not number.isascii() or not number.isdigit():
        raise InvalidFormat()
    if checksum(number) != 0:
        raise InvalidChecksum()
    return number


def is_valid(number: str) -> bool:
    """Whether `number` passes the Luhn check."""
    try:
        return bool(validate(number))
    except ValueError:
        return False
