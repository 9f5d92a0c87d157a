"""The header of the delimited-text column a match sits in (CSV, TSV, semicolon, pipe).

A value in a table is labelled by its column's header, however many rows away it is: an
`ssn` column of bare nine-digit numbers is as clear as "SSN: 536904399". Detectors get the
header as extra context (Candidate.has_context) when the window around the match has none.

>>> text = "name,ssn,dob\\nJane,536904399,1984-03-12\\nOmar,626720936,1979-11-02"
>>> start = text.index("626720936")
>>> column_header(text, start, start + 9)
'ssn'
>>> text = 'id;nom;"Social Security"\\n1;Martin;371388976'
>>> column_header(text, text.index("371"), text.index("371") + 9)
'Social Security'
>>> column_header("my ssn is 536904399", 10, 19) is None
True
"""

from __future__ import annotations

import re

__all__ = ["column_header", "header_words"]

# A lower-case letter or digit followed by an upper-case one: a camelCase word break.
_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

_DELIMITERS = ",;\t|"
# How far up a table is followed to its header (lines); beyond it the match is unlabelled.
_MAX_ROWS = 500
# Longer lines are not table rows; the bound keeps every lookup linear in the window, not
# in the text (one-line megabyte inputs).
_MAX_LINE = 4096


def _fields(line: str, delimiter: str) -> list[str]:
    return [field.strip().strip("\"'").strip() for field in line.split(delimiter)]


def column_header(text: str, start: int, end: int) -> str | None:
    """The header cell above the field holding text[start:end], or None outside a table.

    The table is the run of lines, ending at the match's line, that split into the same
    number of fields (at least two) on one delimiter; its first line is the header. Quoted
    delimiters are not handled (a quoted cell with a comma ends the table early: no header,
    so no context, which only costs recall).
    """
    newline = text.rfind("\n", max(0, start - _MAX_LINE), start)
    if newline < 0:
        return None  # the first line is a header itself, or not a table
    line_start = newline + 1
    line_end = text.find("\n", end, end + _MAX_LINE)
    if line_end < 0 and len(text) > end + _MAX_LINE:
        return None
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    for delimiter in _DELIMITERS:
        count = line.count(delimiter)
        if not count:
            continue
        index = line.count(delimiter, 0, start - line_start)
        if line.count(delimiter, start - line_start, end - line_start):
            continue
        header: str | None = None
        cursor = line_start - 1
        for _ in range(_MAX_ROWS):
            if cursor <= 0:
                break
            previous_start = text.rfind("\n", max(0, cursor - _MAX_LINE), cursor) + 1
            previous = text[previous_start:cursor]
            if previous.count(delimiter) != count:
                break
            header = previous
            cursor = previous_start - 1
        if header is not None:
            return _fields(header, delimiter)[index] or None
    return None


def header_words(header: str) -> str:
    """A header with its joining punctuation and camelCase humps as spaces, so
    `social_security_number` and `SocialSecurityNo` read as words.

    >>> header_words("social_security_number"), header_words("SSN-Last.Full")
    ('social security number', 'SSN Last Full')
    >>> header_words("SocialSecurityNo"), header_words("ssnLast4"), header_words("SSN")
    ('Social Security No', 'ssn Last4', 'SSN')
    """
    spaced = _HUMP.sub(" ", header)
    return spaced.replace("_", " ").replace("-", " ").replace(".", " ")
