"""Bytes to text: which encoding, the lenient fallback, and text that is safe to store.

Text is decoded by its byte order mark (UTF-8, UTF-16, UTF-32), else as BOM-less UTF-16 when
every other byte is NUL, else as strict UTF-8, else, when the bytes look like text in a legacy
single-byte code page (no NUL, few control bytes), as cp1252 with latin-1 for the five bytes
cp1252 leaves undefined. Whatever comes out is cleaned:
NUL and lone surrogates (which no Parquet writer can encode) become U+FFFD.
"""

from __future__ import annotations

import codecs
import re

# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SAMPLE_BYTES = 64 << 10
# Bytes that are never in text: C0 controls other than tab, LF, VT, FF, CR and ESC.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_UNSAFE = re.compile("[\x00\ud800-\udfff]")  # NUL and surrogate code points (never valid)


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte order mark at the start of `data` names, if any."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _cp1252_fallback(data: bytes) -> str:
    return data.decode("cp1252", errors="surrogateescape_latin1")


def _latin1_for_undefined(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    chunk = error.object[error.start : error.end]
    return bytes(chunk).decode("latin-1"), error.end


codecs.register_error("surrogateescape_latin1", _latin1_for_undefined)


def utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when BOM-less bytes are mostly-Latin UTF-16 text (one byte
    of each pair NUL, the other almost never, and the decoded sample printable), else None.
    Windows tools write such files; text in other scripts cannot be told from binary."""
    sample = data[: SAMPLE_BYTES & ~1]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd * 10 >= pairs * 6 and even * 10 < pairs:
        encoding = "utf-16-le"
    elif even * 10 >= pairs * 6 and odd * 10 < pairs:
        encoding = "utf-16-be"
    else:
        return None
    text = sample.decode(encoding, errors="replace")
    printable = sum(1 for char in text if char.isprintable() or char in "\t\n\r\f\v")
    return encoding if printable * 100 >= len(text) * 95 else None


def looks_like_text(data: bytes) -> bool:
    """Whether bytes without a BOM are text: valid UTF-8, a legacy code page's text (no NUL,
    under 5 % control bytes in the first 64 KiB), or BOM-less UTF-16."""
    sample = data[:SAMPLE_BYTES]
    if b"\x00" in sample:
        return utf16_without_bom(data) is not None
    controls = sum(sample.count(bytes([b])) for b in _CONTROL)
    if controls * 20 > len(sample):
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A sample cut inside a multi-byte character is still UTF-8.
        if not (len(sample) == SAMPLE_BYTES and error.start >= len(sample) - 3):
            return _mostly_printable(sample)
    return True


def _mostly_printable(sample: bytes) -> bool:
    text = _cp1252_fallback(sample)
    printable = sum(1 for char in text if char.isprintable() or char in "\t\n\r\f\v")
    return printable * 100 >= len(text) * 95


def clean(text: str) -> str:
    """`text` with NUL and lone surrogates replaced by U+FFFD (same length, same offsets)."""
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")  # the fast test for surrogates: the codec refuses them
    except UnicodeEncodeError:
        return _UNSAFE.sub("\ufffd", text)
    return text


def decode(data: bytes) -> tuple[str, str]:
    """The text of bytes already judged text, and the codec that read it. Never raises."""
    encoding = bom_encoding(data)
    if encoding is not None:
        body = data[_bom_length(encoding) :]
        return clean(body.decode(encoding, errors="replace")), encoding
    if b"\x00" in data[:SAMPLE_BYTES]:
        encoding = utf16_without_bom(data)
        if encoding is not None:
            return clean(data.decode(encoding, errors="replace")), encoding
    try:
        return clean(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        return clean(_cp1252_fallback(data)), "cp1252"


def _bom_length(encoding: str) -> int:
    return 4 if encoding.startswith("utf-32") else 3 if encoding == "utf-8" else 2
