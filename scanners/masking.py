"""Masked previews: enough of a value to recognise it, never the value itself.

>>> mask_digits('4111 1111 1111 1111')
'4111 •••• •••• 1111'
>>> mask_middle('sk-ant-api03-abcdefghijklmnopqrstuvwxyzk2AA', 13, 4)
'sk-ant-api03-…k2AA'
>>> mask_email('jane@example.com')
'j•••@example.com'
>>> mask_all('hunter2')
'•••••••'
"""

from __future__ import annotations

__all__ = ["BULLET", "ELLIPSIS", "mask_all", "mask_digits", "mask_email", "mask_middle"]

BULLET = "•"
ELLIPSIS = "…"


def mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    """Keep `keep_start` leading and `keep_end` trailing characters around an ellipsis.

    Short values keep less so that at least half of the value is hidden.
    """
    budget = len(value) // 2
    keep_start = min(keep_start, budget)
    keep_end = min(keep_end, max(0, budget - keep_start))
    tail = value[len(value) - keep_end :] if keep_end else ""
    return value[:keep_start] + ELLIPSIS + tail


def mask_digits(value: str, keep_first: int = 4, keep_last: int = 4) -> str:
    """Replace digits with bullets except the first and last few; separators stay."""
    positions = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(positions) <= keep_first + keep_last:
        keep_first, keep_last = 0, min(keep_last, len(positions) // 3)
    hidden = set(positions[keep_first : len(positions) - keep_last])
    return "".join(BULLET if i in hidden else ch for i, ch in enumerate(value))


def mask_email(value: str) -> str:
    """First character of the local part, bullets, then the domain."""
    local, _, domain = value.rpartition("@")
    return local[:1] + BULLET * 3 + "@" + domain


def mask_all(value: str) -> str:
    """Bullets for every character (short secrets such as passwords)."""
    return BULLET * max(len(value), 3)
