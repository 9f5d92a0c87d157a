"""The shape shared by checksum-validated identifiers (national ids, tax and bank numbers).

Each identifier detector is data: its regexes, its context words (in the country's own
languages), and a validator from python-stdnum (or scanners.validators, in the same shape).
The check here is what they all need: the match must not be a slice of a longer number or
word, it must pass its validator, and filler values (one repeated digit) never count.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from functools import cache

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.masking import BULLET
from scanners.model import Category
from scanners.validators.util import clean

__all__ = ["identifier_check", "identifier_detector", "mask_identifier", "stdnum_validator"]

_RUN_SEPARATORS = "-./"
# A space then more digits continues a grouped number (a card number's next group).
_GROUP_SEPARATORS = " \u00a0"


def mask_identifier(value: str) -> str:
    """Bullets for every letter and digit but the last two; separators stay.

    >>> mask_identifier('DE89 3704 0044 0532 0130 00')
    '•••• •••• •••• •••• •••• 00'
    >>> mask_identifier('AB 12 34 56 C')
    '•• •• •• •6 C'
    """
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    hidden = set(positions[: max(0, len(positions) - 2)])
    return "".join(BULLET if i in hidden else ch for i, ch in enumerate(value))


def stdnum_validator(module: str) -> Callable[[str], bool]:
    """The `is_valid` of a python-stdnum module, imported on first use.

    Importing stdnum costs a tenth of a second that `claude-compliance scan` of a text
    without any identifier need not pay.

    >>> is_valid = stdnum_validator("stdnum.nl.bsn")
    >>> is_valid("111222333"), is_valid("111222334")
    (True, False)
    """

    @cache
    def load() -> Callable[[str], bool]:
        checker: Callable[[str], bool] = importlib.import_module(module).is_valid
        return checker

    def is_valid(number: str) -> bool:
        return bool(load()(number))

    is_valid.__qualname__ = f"stdnum_validator({module!r})"
    return is_valid


def _normalize(value: str) -> str:
    return clean(value).upper()


def _embedded(candidate: Candidate) -> bool:
    """Whether the match continues into letters, digits or digit groups around it."""
    text, start, end = candidate.text, candidate.start, candidate.end
    left = text[start - 1] if start else ""
    right = text[end] if end < len(text) else ""
    # Latin letters and digits only: Japanese, Chinese and Korean write a number straight
    # after a kana or hanzi ("個人番号は1234…").
    if (left.isascii() and left.isalnum()) or (right.isascii() and right.isalnum()):
        return True
    if left == "_" or right == "_":
        return True
    if left in _RUN_SEPARATORS and start > 1 and text[start - 2].isalnum():
        return True
    if right in _RUN_SEPARATORS and end + 1 < len(text) and text[end + 1].isalnum():
        return True
    if left in _GROUP_SEPARATORS and start > 1 and text[start - 2].isdigit():
        return True
    return right in _GROUP_SEPARATORS and end + 1 < len(text) and text[end + 1].isdigit()


def identifier_check(validator: Callable[[str], bool]) -> Callable[[Candidate], float | None]:
    """The check of an identifier detector: boundaries, context when required, filler
    values, then the validator."""

    def check(candidate: Candidate) -> float | None:
        if _embedded(candidate):
            return None
        if candidate.pattern.requires_context and not candidate.has_context:
            return None
        compact = clean(candidate.value)
        digits = [ch for ch in compact if ch.isdigit()]
        if len(set(digits)) <= 1 and len(digits) > 3:
            return None
        if not validator(candidate.value):
            return None
        return candidate.pattern.confidence

    return check


def identifier_detector(
    *,
    id: str,
    category: Category,
    description: str,
    patterns: tuple[Pattern, ...],
    context: tuple[str, ...],
    validator: Callable[[str], bool],
    true_positives: tuple[str, ...],
    false_positives: tuple[str, ...],
    check: Callable[[Candidate], float | None] | None = None,
    priority: int = 0,
) -> Detector:
    """A detector of a checksum-validated identifier, masked to its last two characters.

    Patterns that require context are gated by the context words (see Pattern.gate): the
    engine then looks for "PESEL" or "Steuer-ID" rather than for every run of digits.
    """
    gated = tuple(
        dataclasses.replace(pattern, gate=context)
        if pattern.requires_context and not pattern.gate
        else pattern
        for pattern in patterns
    )
    return Detector(
        id=id,
        category=category,
        description=description,
        patterns=gated,
        context=context,
        check=check or identifier_check(validator),
        normalize=_normalize,
        mask=mask_identifier,
        context_boost=0.1,
        priority=priority,
        true_positives=true_positives,
        false_positives=false_positives,
    )
