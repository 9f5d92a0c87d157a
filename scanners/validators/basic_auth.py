"""HTTP Basic credentials (RFC 7617): base64 of `user-id ":" password`.

>>> validate('YWRtaW46czNjcjN0IQ==')
('admin', 's3cr3t!')
>>> is_valid('dXNlcm5hbWVvbmx5')  # 'usernameonly' has no colon
False
>>> encode('alice', 'pa:ss')
'YWxpY2U6cGE6c3M='
"""

from __future__ import annotations

import base64
import binascii

from scanners.validators.exceptions import InvalidComponent, InvalidFormat

__all__ = ["compact", "encode", "is_valid", "validate"]


def compact(credentials: str) -> str:
    """Strip whitespace and quotes."""
    return credentials.strip().strip("\"'")


def encode(user: str, password: str) -> str:
    """The Basic token for `user` and `password`."""
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def validate(credentials: str) -> tuple[str, str]:
    """Decode to (user, password) if it is printable `user:pass` with a password, else raise."""
    credentials = compact(credentials)
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidFormat() from error
    user, colon, password = decoded.partition(":")
    if not colon or not password or not decoded.isprintable():
        raise InvalidComponent()
    return user, password


def is_valid(credentials: str) -> bool:
    """Whether `credentials` decodes to `user:pass` with a non-empty password."""
    try:
        return bool(validate(credentials))
    except ValueError:
        return False
