"""Tagged opaque identifiers in the Compliance API's style (``claude_chat_01…``)."""

from __future__ import annotations

import random
import uuid

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(number: int, width: int = 0) -> str:
    """Encode a non-negative integer in base62 (0-9A-Za-z), left-padded with '0'."""
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = BASE62[rest] + digits
    return digits.rjust(width, "0") or "0"


class IdFactory:
    """Deterministic id source: the same seed yields the same sequence of ids."""

    def __init__(self, seed: int | str) -> None:
        self._rng = random.Random(f"ids:{seed}")  # noqa: S311 - reproducible synthetic data

    def tagged(self, prefix: str) -> str:
        """``<prefix>01`` + 22 base62 characters, like ``claude_chat_01XyDMpzjS89pFZXqSFUBDr6``."""
        return prefix + "01" + "".join(self._rng.choices(BASE62, k=22))

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
