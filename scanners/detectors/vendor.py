"""Helpers for vendor API key detectors: one shared check and mask for prefix-style keys."""

from __future__ import annotations

from collections.abc import Callable

from scanners.detectors.base import Candidate
from scanners.detectors.common import is_placeholder, shannon_entropy
from scanners.masking import mask_middle

__all__ = ["following_char_ok", "prefix_mask", "vendor_check"]

_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def following_char_ok(candidate: Candidate, extra: str = "") -> bool:
    """Whether the match is not glued to more token characters (a slice of a longer blob)."""
    after = candidate.after(1)
    before = candidate.before(1)
    allowed = _TOKEN_CHARS | frozenset(extra)
    return not (after and after in allowed) and not (before and before in _TOKEN_CHARS)


def vendor_check(
    *, body_group: str = "value", min_entropy: float = 3.0, glue_check: bool = True
) -> Callable[[Candidate], float | None]:
    """A check for vendor-prefixed keys: no placeholder, enough entropy, not glued to a blob."""

    def check(candidate: Candidate) -> float | None:
        body = candidate.groups.get(body_group) or candidate.value
        if is_placeholder(body) or shannon_entropy(body) < min_entropy:
            return None
        if glue_check and not following_char_ok(candidate):
            return None
        return candidate.pattern.confidence

    return check


def prefix_mask(keep: int) -> Callable[[str], str]:
    """A mask keeping the public vendor prefix (first `keep` characters) and the last 4."""

    def mask(value: str) -> str:
        return mask_middle(value, 0, 4, public=keep)

    return mask
