"""Checks shared by several detectors: entropy, placeholders, digit-run boundaries."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter

__all__ = [
    "HEX_CHARS",
    "MAX_CHECKED",
    "checked_sample",
    "is_placeholder",
    "is_template",
    "shannon_entropy",
    "touches_digit_run",
]

HEX_CHARS = frozenset("0123456789abcdefABCDEF")

# Words that mark an example or a placeholder rather than a live secret.
_PLACEHOLDER_WORDS = re.compile(
    r"x{4,}|\*{3,}|•{2,}|\.\.\.|…|your[_\- ]?|example|placeholder|redacted|replace[_\- ]?me|"
    r"changeme|change[_\- ]me|insert[_\- ]|dummy|sample|fake|"
    # A value that is one bracketed word (<token>, [PASSWORD]), not one holding brackets.
    r"^\W{0,2}(?:<[^<>]*>|\[[^\[\]]*\])\W{0,2}$",
    re.IGNORECASE,
)
# Template syntaxes: ${VAR}, $VAR, {{ x }}, {x}, %(x)s, %VAR%, <% x %>.
_TEMPLATE = re.compile(
    r"^\$\{[^}]*\}?$|^\$[A-Za-z_][A-Za-z0-9_]*$|\{\{.*\}\}|^\{[A-Za-z_][\w.]*\}$|"
    r"%\([A-Za-z_]\w*\)s|^%[A-Za-z_]\w*%$|<%.*%>|^\$\(.*\)$|^#\{.*\}$"
)


# Python `re` only ever runs on bounded input (issue 13: linear scan time); a value longer
# than this is judged by its two ends.
MAX_CHECKED = 512


def checked_sample(value: str) -> str:
    """`value` itself, or its first and last MAX_CHECKED characters when it is longer.

    >>> len(checked_sample("a" * 5000))
    1025
    """
    if len(value) <= 2 * MAX_CHECKED:
        return value
    return value[:MAX_CHECKED] + " " + value[-MAX_CHECKED:]


def shannon_entropy(value: str) -> float:
    """Shannon entropy of `value` in bits per character.

    >>> round(shannon_entropy('aaaa'), 2)
    0.0
    >>> round(shannon_entropy('abcd'), 2)
    2.0
    """
    if not value:
        return 0.0
    length = len(value)
    return sum(n / length * math.log2(length / n) for n in Counter(value).values())


def is_template(value: str) -> bool:
    """Whether `value` is a template or variable reference rather than a literal.

    >>> is_template('${API_KEY}'), is_template('{{ secrets.token }}'), is_template('s3cr3t')
    (True, True, False)
    """
    return bool(_TEMPLATE.search(checked_sample(value)))


def is_placeholder(value: str) -> bool:
    """Whether `value` reads as an example or placeholder (xxxx, YOUR_KEY, <token>, ****).

    >>> is_placeholder('YOUR_API_KEY'), is_placeholder('sk-ant-api03-...'), is_placeholder('q8Zr')
    (True, True, False)
    """
    if _PLACEHOLDER_WORDS.search(checked_sample(value)) or is_template(value):
        return True
    longest_run = 1
    run = 1
    for previous, current in itertools.pairwise(value):
        run = run + 1 if current == previous else 1
        longest_run = max(longest_run, run)
    return longest_run >= 6


def touches_digit_run(text: str, start: int, end: int, separators: str = " -.") -> bool:
    """Whether the span [start, end) continues a longer run of digits or digit groups.

    A digit right next to the span, or a separator followed by a digit, means the span is
    only a slice of a longer number (an id, a timestamp, a phone number, a table row).
    """
    if start > 0:
        left = text[start - 1]
        if left.isdigit():
            return True
        if left in separators and start > 1 and text[start - 2].isdigit():
            return True
    if end < len(text):
        right = text[end]
        if right.isdigit():
            return True
        if right in separators and end + 1 < len(text) and text[end + 1].isdigit():
            return True
    return False
