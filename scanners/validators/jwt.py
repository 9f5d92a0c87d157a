"""JSON Web Tokens (RFC 7519): three base64url parts whose header and payload are JSON objects.

>>> token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU'
>>> validate(token) == token
True
>>> decode_part('eyJhbGciOiJIUzI1NiJ9')
{'alg': 'HS256'}
>>> is_valid('eyJub3QiOiJhIGp3dCJ9.bm90IGpzb24.x')
False
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from scanners.validators.exceptions import InvalidComponent, InvalidFormat

__all__ = ["compact", "decode_part", "is_valid", "validate"]

_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def compact(token: str) -> str:
    """Strip whitespace and surrounding quotes."""
    return token.strip().strip("\"'")


def decode_part(part: str) -> dict[str, Any]:
    """Decode one base64url segment into a JSON object, or raise InvalidFormat."""
    if not part or not set(part) <= _B64URL or len(part) % 4 == 1:
        raise InvalidFormat()
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        decoded = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidFormat() from error
    if not isinstance(decoded, dict):
        raise InvalidFormat()
    return decoded


def validate(token: str) -> str:
    """Return the token if it is a structurally valid JWS/JWT, else raise."""
    token = compact(token)
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidFormat()
    header = decode_part(parts[0])
    decode_part(parts[1])
    if "alg" not in header and "typ" not in header:
        raise InvalidComponent()
    if parts[2] and not set(parts[2]) <= _B64URL:
        raise InvalidFormat()
    return token


def is_valid(token: str) -> bool:
    """Whether `token` is a JWT whose header and payload decode to JSON objects."""
    try:
        return bool(validate(token))
    except ValueError:
        return False
