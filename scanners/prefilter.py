"""Prefilter patterns: cheaper supersets of detector regexes for the RE2 Set.

The Set only has to say which patterns *may* match a text; the exact regex then runs on the
few texts that pass. Counted repetitions are what make a Set's DFA big and slow to build
(`[^\\s"]{1,200}` is two hundred NFA states, multiplied across patterns), so the prefilter
form drops every upper bound: `X{m,n}` becomes `X{m,}`. Dropping a maximum only ever
accepts more strings, so a text the exact regex matches always passes the prefilter. Minimums
stay: they are what keeps an 8-digit order id away from a 13-digit card pattern.

>>> relax(r"\\b\\d{3}-\\d{2}-\\d{4}\\b")
'\\\\b\\\\d{3}-\\\\d{2}-\\\\d{4}\\\\b'
>>> relax(r"key=[^\\s]{1,200}")
'key=[^\\\\s]{1,}'
>>> relax(r"sk-[A-Za-z0-9]{40}x{20,30}")
'sk-[A-Za-z0-9]{40}x{20,}'
>>> relax(r"[{1,2}]\\x{2013}\\p{L}{2,5}")
'[{1,2}]\\\\x{2013}\\\\p{L}{2,}'
"""

from __future__ import annotations

import re

__all__ = ["relax"]

_COUNTED = re.compile(r"\{(\d+)(,(\d*))?\}")
_BRACED_ESCAPES = frozenset("xpP")


def relax(pattern: str) -> str:
    """A superset of `pattern` with the upper bound of every counted repetition dropped."""
    out: list[str] = []
    index, length = 0, len(pattern)
    in_class = False
    while index < length:
        char = pattern[index]
        if char == "\\" and index + 1 < length:
            following = pattern[index + 1]
            end = index + 2
            if following in _BRACED_ESCAPES and end < length and pattern[end] == "{":
                closing = pattern.find("}", end)
                end = closing + 1 if closing >= 0 else length
            out.append(pattern[index:end])
            index = end
            continue
        if in_class:
            if char == "]":
                in_class = False
            out.append(char)
            index += 1
            continue
        if char == "[":
            in_class = True
            out.append(char)
            index += 1
            # A "]" first in a class (after an optional "^") is a literal.
            if index < length and pattern[index] == "^":
                out.append("^")
                index += 1
            if index < length and pattern[index] == "]":
                out.append("]")
                index += 1
            continue
        if char == "{":
            counted = _COUNTED.match(pattern, index)
            if counted:
                low, upper = counted.group(1), counted.group(2)
                out.append(f"{{{low},}}" if upper else counted.group(0))
                index = counted.end()
                continue
        out.append(char)
        index += 1
    return "".join(out)
