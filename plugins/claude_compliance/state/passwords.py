"""Password hashing with scrypt (stdlib): `scrypt$n$r$p$salt$hash`, compared in constant time.

>>> stored = hash_password("correct horse battery staple")
>>> verify_password("correct horse battery staple", stored)
True
>>> verify_password("Tr0ub4dor&3", stored)
False
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# One of OWASP's equivalent scrypt minimums (Password Storage Cheat Sheet): N=2^15 (32 MiB),
# r=8, p=3. The parameters are stored with each hash, so raising them later only affects new
# hashes.
N, R, P = 2**15, 8, 3
MIN_PASSWORD_LENGTH = 10


class PasswordError(ValueError):
    """A password that cannot be accepted (the message says why, never the password)."""


def check_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password or "\n" in password:
        raise PasswordError("a password cannot start or end with whitespace")


def hash_password(
    password: str, *, n: int | None = None, r: int | None = None, p: int | None = None
) -> str:
    """`scrypt$n$r$p$salt$hash` (the module's N, R, P unless given)."""
    n, r, p = n or N, r or R, p or P
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, n, r, p)
    return "$".join(["scrypt", str(n), str(r), str(p), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.urlsafe_b64decode(digest)
        actual = _scrypt(password, base64.urlsafe_b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()
