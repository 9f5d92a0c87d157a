"""GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_): a base62 CRC32 checksum in the last 6 characters.

GitHub's token format (github.blog, 2021-04-05 "Behind GitHub's new authentication token
formats"): prefix, 30 random base62 characters, then the CRC32 of those 30 characters in
base62 (digits, upper case, lower case), left-padded with zeros to 6 characters. npm tokens
(npm_) use the same construction.

>>> calc_check_digits('0' * 30)
'2C8GjS'
>>> validate('ghp_' + '0' * 30 + '2C8GjS')
'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'
>>> validate('ghp_' + '0' * 30 + '2C8GjT')
Traceback (most recent call last):
    ...
scanners.validators.exceptions.InvalidChecksum: ...
>>> is_valid('ghx_' + '0' * 30 + '2C8GjS')
False
"""

from __future__ import annotations

import zlib

from scanners.validators.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)

__all__ = ["ALPHABET", "PREFIXES", "calc_check_digits", "compact", "is_valid", "validate"]

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_")
_INDEX = {char: i for i, char in enumerate(ALPHABET)}


def compact(token: str) -> str:
    """Strip surrounding whitespace and quotes."""
    return token.strip().strip("\"'`")


def _base62(number: int) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, 62)
        digits = ALPHABET[remainder] + digits
    return digits.rjust(6, "0")


def calc_check_digits(random_part: str) -> str:
    """The 6-character base62 CRC32 checksum of the random part."""
    return _base62(zlib.crc32(random_part.encode("ascii")))


def validate(token: str) -> str:
    """Return the token if its prefix, length and checksum are right, else raise."""
    token = compact(token)
    if token[:4] not in PREFIXES:
        raise InvalidComponent()
    body = token[4:]
    if len(body) != 36:
        raise InvalidLength()
    if not body.isascii() or not all(char in _INDEX for char in body):
        raise InvalidFormat()
    if calc_check_digits(body[:30]) != body[30:]:
        raise InvalidChecksum()
    return token


def is_valid(token: str) -> bool:
    """Whether `token` is a well-formed, checksum-valid GitHub (or npm) token."""
    try:
        return bool(validate(token))
    except ValueError:
        return False
