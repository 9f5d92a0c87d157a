"""Small helpers shared by the validators."""

from __future__ import annotations

__all__ = ["SEPARATORS", "clean"]

# Separators people type or paste inside numbers: space, dash, dot, slash, en dash,
# no-break space, thin / narrow no-break / figure spaces.
SEPARATORS = " -./\u2013\u00a0\u2009\u202f\u2007"
_DROP = str.maketrans("", "", SEPARATORS)


def clean(number: str) -> str:
    """Remove the usual separators and surrounding whitespace.

    >>> clean(' 4111-1111\u00a01111 1111 ')
    '4111111111111111'
    """
    return number.translate(_DROP).strip()
