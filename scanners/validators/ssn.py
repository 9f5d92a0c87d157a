"""US Social Security Numbers (SSN) under the post-2011 randomized assignment rules.

Since 25 June 2011 the SSA assigns numbers randomly, so the old area/group tables no longer
apply (they would reject valid numbers). What remains invalid: area 000, 666 and 900-999,
group 00, serial 0000, plus numbers that were publicised and voided (078-05-1120 from the
Woolworth wallet insert, 219-09-9999 from an SSA pamphlet) and the well-known 123-45-6789.
We also reject all-same-digit numbers, which are filler rather than data.

>>> validate('536-90-4399')
'536904399'
>>> format('536904399')
'536-90-4399'
>>> validate('666-12-3456')
Traceback (most recent call last):
    ...
scanners.validators.exceptions.InvalidComponent: ...
>>> validate('078-05-1120')
Traceback (most recent call last):
    ...
scanners.validators.exceptions.InvalidComponent: ...
>>> is_valid('536-00-4399'), is_valid('912-34-5678'), is_valid('53690439')
(False, False, False)
"""

from __future__ import annotations

from scanners.validators.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from scanners.validators.util import clean

__all__ = ["BLOCKLIST", "compact", "format", "is_valid", "validate"]

# Numbers printed in advertising or documentation and voided or never issued by the SSA.
BLOCKLIST = frozenset({"078051120", "219099999", "123456789"})


def compact(number: str) -> str:
    """Drop separators (dash, space, dot, en dash)."""
    return clean(number)


def validate(number: str) -> str:
    """Return the compact SSN if it could be issued, else raise a ValidationError."""
    number = compact(number)
    if not number.isascii() or not number.isdigit():
        raise InvalidFormat()
    if len(number) != 9:
        raise InvalidLength()
    area, group, serial = number[:3], number[3:5], number[5:]
    if area in ("000", "666") or area[0] == "9":
        raise InvalidComponent("The area number is never assigned.")
    if group == "00":
        raise InvalidComponent("The group number is never assigned.")
    if serial == "0000":
        raise InvalidComponent("The serial number is never assigned.")
    if number in BLOCKLIST or len(set(number)) == 1:
        raise InvalidComponent("The number is a publicised or filler value.")
    return number


def is_valid(number: str) -> bool:
    """Whether `number` could be an issued SSN."""
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str, separator: str = "-") -> str:
    """Reformat to the usual ddd-dd-dddd presentation."""
    number = compact(number)
    return separator.join((number[:3], number[3:5], number[5:]))
