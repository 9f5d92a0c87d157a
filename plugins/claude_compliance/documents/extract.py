"""Extract a document's text from its bytes: the one entry point the sync and the scan call."""

from __future__ import annotations

import atexit
import threading

from claude_compliance.documents.formats import PARSED, DocumentFormat, _detect
from claude_compliance.documents.model import Extraction, Limits, SkipReason
from claude_compliance.documents.sandbox import Sandbox
from claude_compliance.documents.text import clean, decode

DEFAULT_LIMITS = Limits()
# Decoded text with more replacement characters than this share is not text after all.
_MAX_REPLACED_SHARE = 0.10


class Extractor:
    """Extracts documents, parsing the non-text ones in its own worker process.

    Use one per thread that extracts in parallel; `close()` (or `with`) stops the worker.
    """

    def __init__(self) -> None:
        self.sandbox = Sandbox()

    def extract(self, data: bytes, *, limits: Limits | None = None) -> Extraction:
        limits = limits or DEFAULT_LIMITS
        kind = _detect(data)
        if kind == DocumentFormat.TEXT:
            return extract_text(data)
        if kind == DocumentFormat.IMAGE:
            return Extraction(None, kind.value, None, SkipReason.IMAGE.value)
        if kind == DocumentFormat.OLE:
            return _compound_file(data)
        if kind in PARSED:
            return self.sandbox.parse(data, kind, limits)
        return Extraction(None, kind.value, None, SkipReason.BINARY.value)

    def close(self) -> None:
        self.sandbox.close()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def extract_text(data: bytes) -> Extraction:
    """Bytes detected as text, decoded in process (no worker)."""
    text, codec = decode(data)
    if text and text.count("\ufffd") > len(text) * _MAX_REPLACED_SHARE:
        return Extraction(None, DocumentFormat.TEXT.value, codec, SkipReason.DECODE_ERROR.value)
    return Extraction(clean(text), DocumentFormat.TEXT.value, codec)


def _compound_file(data: bytes) -> Extraction:
    """A CFB container: encrypted OOXML when it holds an `EncryptionInfo` stream (its
    directory entry name, UTF-16LE, at the start of a 128-byte entry), else a legacy Office
    binary we do not parse."""
    name = "EncryptionInfo".encode("utf-16-le")
    position = data.find(name)
    while position != -1:
        if position >= 512 and (position - 512) % 128 == 0:
            return Extraction(None, DocumentFormat.OLE.value, None, SkipReason.ENCRYPTED.value)
        position = data.find(name, position + 1)
    return Extraction(None, DocumentFormat.OLE.value, None, SkipReason.BINARY.value)


_shared: Extractor | None = None
_shared_lock = threading.Lock()


def extract(data: bytes, *, limits: Limits | None = None) -> Extraction:
    """The text of a file's bytes, its detected format, the extractor, and where each part of
    the text came from; or None and the skip reason. Never raises for bad input."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Extractor()
        extractor = _shared
    return extractor.extract(data, limits=limits)


def shutdown() -> None:
    """Stop the shared worker process (also done at interpreter exit)."""
    global _shared
    with _shared_lock:
        extractor, _shared = _shared, None
    if extractor is not None:
        extractor.close()


atexit.register(shutdown)
