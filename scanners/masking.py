"""Masked previews: enough of a value to recognise it, never the value itself.

The policy (issue 13): at most 4 characters of a secret of 24 characters or fewer are ever
visible (and never more than half of it), never more than a quarter of a longer one. A known
public prefix (`sk-ant-api03-`, `ghp_`, `AKIA`, `xoxb-`, PEM armor) is not secret and is shown
beside that budget. When the budget is short, the end of a value is kept before its start.

>>> mask_digits('4111 1111 1111 1111')
'•••• •••• •••• 1111'
>>> mask_middle('sk-ant-api03-abcdefghijklmnopqrstuvwxyzk2AA', 0, 4, public=13)
'sk-ant-api03-…k2AA'
>>> mask_middle('Zx9QmR2tLp8sVw7K', 4, 4)
'…Vw7K'
>>> mask_middle('Zx9QmR2tLp8sVw7KZx9QmR2tLp8sVw7K', 4, 4)
'Zx9Q…Vw7K'
>>> mask_email('jane@example.com')
'j•••@example.com'
>>> mask_all('hunter2')
'•••••••'
"""

from __future__ import annotations

__all__ = [
    "BULLET",
    "ELLIPSIS",
    "mask_all",
    "mask_digits",
    "mask_email",
    "mask_middle",
    "visible_budget",
]

BULLET = "•"
ELLIPSIS = "…"


def visible_budget(length: int) -> int:
    """How many characters of a secret of `length` characters a preview may show.

    >>> [visible_budget(n) for n in (1, 4, 8, 9, 16, 24, 25, 40, 100)]
    [0, 2, 4, 4, 4, 4, 6, 10, 25]
    """
    if length <= 24:
        return min(4, length // 2)
    return length // 4


def _split_budget(budget: int, keep_start: int, keep_end: int) -> tuple[int, int]:
    """The leading and trailing counts to show: the end first, then the start."""
    end = min(keep_end, budget)
    start = min(keep_start, budget - end)
    return start, end


def mask_middle(value: str, keep_start: int, keep_end: int, *, public: int = 0) -> str:
    """The `public` prefix, then up to `keep_start` leading and `keep_end` trailing characters
    of the rest around an ellipsis, within the visible budget of the rest."""
    public = max(0, min(public, len(value)))
    prefix, secret = value[:public], value[public:]
    keep_start, keep_end = _split_budget(visible_budget(len(secret)), keep_start, keep_end)
    tail = secret[len(secret) - keep_end :] if keep_end else ""
    return prefix + secret[:keep_start] + ELLIPSIS + tail


def mask_digits(value: str, keep_first: int = 4, keep_last: int = 4) -> str:
    """Replace digits with bullets except the first and last few; separators stay."""
    positions = [i for i, ch in enumerate(value) if ch.isdigit()]
    keep_first, keep_last = _split_budget(visible_budget(len(positions)), keep_first, keep_last)
    hidden = set(positions[keep_first : len(positions) - keep_last])
    return "".join(BULLET if i in hidden else ch for i, ch in enumerate(value))


def mask_email(value: str) -> str:
    """First character of the local part, bullets, then the domain."""
    local, _, domain = value.rpartition("@")
    return local[:1] + BULLET * 3 + "@" + domain


def mask_all(value: str) -> str:
    """Bullets for every character (short secrets such as passwords)."""
    return BULLET * max(len(value), 3)
