"""Typed validation errors shared by every validator (the python-stdnum hierarchy).

ValidationError (ValueError)
 ├── InvalidFormat      characters or structure are wrong
 ├── InvalidChecksum    the check digit or checksum does not match
 ├── InvalidLength      too short or too long
 └── InvalidComponent   a part (issuer prefix, area number, ...) is not allowed
"""

from __future__ import annotations

__all__ = [
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "ValidationError",
]


class ValidationError(ValueError):
    """Top of the hierarchy: the value is not valid."""

    message = "The value is not valid."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class InvalidFormat(ValidationError):
    """The value has characters or a structure that is not allowed."""

    message = "The value has an invalid format."


class InvalidChecksum(ValidationError):
    """The check digit or checksum does not match."""

    message = "The value's checksum or check digit is invalid."


class InvalidLength(ValidationError):
    """The value is too short or too long."""

    message = "The value has an invalid length."


class InvalidComponent(ValidationError):
    """A component of the value (prefix, area, group, ...) is not allowed."""

    message = "One of the parts of the value is invalid or unknown."
