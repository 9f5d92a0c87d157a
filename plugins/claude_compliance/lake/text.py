"""Text every writer can encode: lone surrogates and NULs become U+FFFD, and are counted.

A string decoded from the API's JSON may hold a lone surrogate (`"\\ud83d"` is valid JSON but
not Unicode): UTF-8 cannot encode it, so Arrow, Parquet, files and database drivers all
refuse it, and one such value used to abort its whole interval. NUL does encode, and Parquet
and DuckDB keep it, but the readers of what we publish do not: in HTML it is a parse error,
an e-mail body sent 7bit may not carry it, CSV consumers and PostgreSQL `text` reject it. It
means nothing in a chat, a name or a document, so the lake replaces it once here rather than
each output on its own. One code point becomes one, so offsets into a text do not move.

A high surrogate directly followed by a low one is a pair that was split into two code
points (text built by concatenation): it is rejoined into the character it encodes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

REPLACEMENT = "\ufffd"

# Group 1, a high then a low surrogate, is rejoined; any other surrogate (or NUL) is replaced.
_SURROGATES = re.compile("([\ud800-\udbff][\udc00-\udfff])|[\ud800-\udfff]")
_UNSAFE = re.compile("([\ud800-\udbff][\udc00-\udfff])|[\ud800-\udfff\x00]")
_NUL_BYTE = re.compile(b"\x00")


def _replace(pattern: re.Pattern[str], text: str) -> tuple[str, int]:
    replaced = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal replaced
        pair = match.group(1)
        if pair:
            return pair.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        replaced += 1
        return REPLACEMENT

    return pattern.sub(fix, text), replaced


def clean(text: str) -> tuple[str, int]:
    """`text` with lone surrogates and NULs replaced by U+FFFD, and how many were.

    >>> clean("a\\ud83db\\x00")
    ('a\\ufffdb\\ufffd', 2)
    >>> clean("\\ud83d\\ude00 \\ude00")
    ('😀 \\ufffd', 1)
    """
    # The common case, checked at C speed: `isascii` is a flag lookup, and ASCII text
    # holds no surrogate.
    if "\x00" not in text and (text.isascii() or _encodes(text)):
        return text, 0
    return _replace(_UNSAFE, text)


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def utf8(text: str) -> bytes:
    """The UTF-8 bytes of `text`, lone surrogates as U+FFFD (NUL is kept: bytes hold it).

    For a value written outside the lake tables, such as the content cache.

    >>> utf8("x\\udc80")
    b'x\\xef\\xbf\\xbd'
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _replace(_SURROGATES, text)[0].encode("utf-8")


def clean_value(value: Any) -> tuple[Any, int]:
    """A row value with every string inside it cleaned (lists and mappings walked)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list | tuple):
        items = [clean_value(item) for item in value]
        return [item for item, _ in items], sum(n for _, n in items)
    if isinstance(value, Mapping):
        entries = {key: clean_value(item) for key, item in value.items()}
        return {key: item for key, (item, _) in entries.items()}, sum(
            n for _, n in entries.values()
        )
    return value, 0


def to_arrow(
    rows: Sequence[Mapping[str, Any]] | pa.Table, schema: pa.Schema
) -> tuple[pa.Table, dict[str, int]]:
    """The rows as an Arrow table with clean text, and how many characters each column lost.

    Clean text pays no per-value Python cost: the conversion is tried as it is (a lone
    surrogate makes Arrow raise) and NULs are counted by Arrow compute; only a column that
    holds one of them is cleaned value by value. Columns without replacements are not listed.
    """
    replaced: dict[str, int] = {}
    if isinstance(rows, pa.Table):
        table = rows
    else:
        rows = list(rows)
        try:
            table = pa.Table.from_pylist(rows, schema=schema)
        except UnicodeEncodeError:
            table = _from_columns(rows, schema, replaced)
    return _without_nul(table, replaced), replaced


def _from_columns(
    rows: Sequence[Mapping[str, Any]], schema: pa.Schema, replaced: dict[str, int]
) -> pa.Table:
    arrays = []
    for field in schema:
        values = [row.get(field.name) for row in rows]
        try:
            arrays.append(pa.array(values, type=field.type))
        except UnicodeEncodeError:
            cleaned = [clean_value(value) for value in values]
            arrays.append(pa.array([value for value, _ in cleaned], type=field.type))
            _add(replaced, field.name, sum(n for _, n in cleaned))
    return pa.Table.from_arrays(arrays, schema=schema)


def _without_nul(table: pa.Table, replaced: dict[str, int]) -> pa.Table:
    for index, field in enumerate(table.schema):
        strings = _strings_of(table.column(index), field.type)
        if strings is None or not _may_hold_nul(strings):
            continue
        count = pc.sum(pc.count_substring(strings, "\x00")).as_py() or 0
        if not count:
            continue
        column = table.column(index)
        if _is_string(field.type):
            fixed = pc.replace_substring(column, "\x00", REPLACEMENT)
        else:
            values = [clean_value(value)[0] for value in column.to_pylist()]
            fixed = pa.chunked_array([pa.array(values, type=field.type)])
        table = table.set_column(index, field, fixed)
        _add(replaced, field.name, count)
    return table


def _strings_of(column: pa.ChunkedArray, kind: pa.DataType) -> pa.ChunkedArray | None:
    """The strings a column holds, flat: itself, or the items of a list of strings."""
    if _is_string(kind):
        return column
    if (pa.types.is_list(kind) or pa.types.is_large_list(kind)) and _is_string(kind.value_type):
        return pc.list_flatten(column)
    return None


def _may_hold_nul(strings: pa.ChunkedArray) -> bool:
    """Whether a NUL byte is in the strings' data buffers: a byte scan, several times
    faster than counting per value. A sliced chunk's buffer may hold bytes outside the
    slice, so a yes is only a maybe; the exact count settles it."""
    for chunk in strings.chunks:
        data = chunk.buffers()[2]
        if data is not None and _NUL_BYTE.search(memoryview(data)):
            return True
    return False


def _is_string(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _add(replaced: dict[str, int], column: str, count: int) -> None:
    if count:
        replaced[column] = replaced.get(column, 0) + count
