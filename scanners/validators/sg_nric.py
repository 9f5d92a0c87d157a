"""Singapore NRIC and FIN numbers: a prefix letter, seven digits and a check letter.

The check letter comes from the digits weighted 2, 7, 6, 5, 4, 3, 2, plus an offset for the
prefix (T and G: 4, M: 3), modulo 11, through a table that differs for citizens (S, T) and
foreigners (F, G, M) (ICA, as documented by the community since the 1990s).

>>> validate('S1234567D')
'S1234567D'
>>> calc_check_digit('T123456')
Traceback (most recent call last):
    ...
scanners.validators.exceptions.InvalidLength: The value has an invalid length.
>>> calc_check_digit('T1234567'), calc_check_digit('F1234567'), calc_check_digit('G1234567')
('J', 'N', 'X')
>>> is_valid('S1234567A'), is_valid('s1234567d')
(False, True)
"""

from __future__ import annotations

from scanners.validators.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from scanners.validators.util import clean

__all__ = ["calc_check_digit", "compact", "is_valid", "validate"]

_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)
_OFFSET = {"S": 0, "T": 4, "F": 0, "G": 4, "M": 3}
_CITIZEN = "JZIHGFEDCBA"
_FOREIGNER = "XWUTRQPNMLK"
_FOREIGNER_M = "XWUTRQPNJLK"


def compact(number: str) -> str:
    """Drop separators and upper-case."""
    return clean(number).upper()


def calc_check_digit(number: str) -> str:
    """The check letter for a prefix letter and seven digits."""
    number = compact(number)
    if len(number) != 8:
        raise InvalidLength()
    prefix, digits = number[0], number[1:]
    if prefix not in _OFFSET or not (digits.isascii() and digits.isdigit()):
        raise InvalidFormat()
    total = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) + _OFFSET[prefix]
    table = _CITIZEN if prefix in "ST" else _FOREIGNER_M if prefix == "M" else _FOREIGNER
    return table[total % 11]


def validate(number: str) -> str:
    """Return the compact number if its check letter is right, else raise."""
    number = compact(number)
    if len(number) != 9:
        raise InvalidLength()
    if calc_check_digit(number[:8]) != number[8]:
        raise InvalidChecksum()
    return number


def is_valid(number: str) -> bool:
    """Whether `number` is a well-formed NRIC / FIN."""
    try:
        return bool(validate(number))
    except ValueError:
        return False
