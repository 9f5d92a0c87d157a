"""UK National Insurance numbers (NINO): two prefix letters, six digits, a suffix A-D.

There is no check digit; what makes a number invalid are HMRC's allocation rules: the first
letter is never D, F, I, Q, U or V, the second never D, F, I, O, Q, U or V, and the prefixes
BG, GB, KN, NK, NT, TN and ZZ are never issued (they were kept for administrative use). HMRC
manuals print QQ 12 34 56 C as the example, which these rules reject.

>>> validate('AB 12 34 56 C')
'AB123456C'
>>> is_valid('QQ123456C'), is_valid('GB123456A'), is_valid('AB123456E')
(False, False, False)
>>> format('ab123456c')
'AB 12 34 56 C'
>>> validate('AB12345C')
Traceback (most recent call last):
    ...
scanners.validators.exceptions.InvalidLength: The value has an invalid length.
"""

from __future__ import annotations

from scanners.validators.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from scanners.validators.util import clean

__all__ = ["compact", "format", "is_valid", "validate"]

_BAD_FIRST = frozenset("DFIQUV")
_BAD_SECOND = frozenset("DFIOQUV")
_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def compact(number: str) -> str:
    """Drop separators and upper-case."""
    return clean(number).upper()


def validate(number: str) -> str:
    """Return the compact NINO if it could be allocated, else raise a ValidationError."""
    number = compact(number)
    if len(number) != 9:
        raise InvalidLength()
    prefix, digits, suffix = number[:2], number[2:8], number[8]
    if not (prefix.isascii() and prefix.isalpha() and digits.isascii() and digits.isdigit()):
        raise InvalidFormat()
    if suffix not in "ABCD":
        raise InvalidComponent("The suffix is A, B, C or D.")
    if prefix[0] in _BAD_FIRST or prefix[1] in _BAD_SECOND or prefix in _BAD_PREFIXES:
        raise InvalidComponent("The prefix is never allocated.")
    return number


def is_valid(number: str) -> bool:
    """Whether `number` could be an allocated NINO."""
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str) -> str:
    """The presentation HMRC prints: AB 12 34 56 C."""
    number = compact(number)
    return " ".join((number[:2], number[2:4], number[4:6], number[6:8], number[8:]))
