"""IPv4 and IPv6 addresses, checked with the standard library's `ipaddress`.

>>> validate('192.168.0.1')
'192.168.0.1'
>>> validate('2001:DB8:0:0:0:0:0:1')
'2001:db8::1'
>>> is_valid('256.1.1.1'), is_valid('01.2.3.4'), is_valid('12:30:45')
(False, False, False)
"""

from __future__ import annotations

import ipaddress

from scanners.validators.exceptions import InvalidFormat

__all__ = ["compact", "is_valid", "validate"]


def compact(address: str) -> str:
    """Strip whitespace and IPv6 brackets."""
    return address.strip().strip("[]")


def validate(address: str) -> str:
    """Return the canonical (compressed, lower-case) address, or raise InvalidFormat."""
    address = compact(address)
    try:
        return ipaddress.ip_address(address).compressed
    except ValueError as error:
        raise InvalidFormat() from error


def is_valid(address: str) -> bool:
    """Whether `address` is a valid IPv4 or IPv6 address."""
    try:
        return bool(validate(address))
    except ValueError:
        return False
