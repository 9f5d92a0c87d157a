"""The values of document extraction: limits, the result, its segments and skip reasons."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class SkipReason(StrEnum):
    """Why a document has no text to scan (the file row's `skipped_reason`)."""

    IMAGE = "image"
    ENCRYPTED = "encrypted"
    EXTRACTION_FAILED = "extraction_failed"
    BINARY = "binary"
    OVERSIZE = "oversize"
    DECODE_ERROR = "decode_error"


@dataclass(frozen=True, slots=True)
class Limits:
    """What one document may cost. The child process enforces `timeout_s` (wall time) and
    `memory_bytes` (address space); the extractors enforce the rest while they read."""

    timeout_s: float = 20.0
    memory_bytes: int = 1536 << 20
    max_expanded_bytes: int = 64 << 20  # everything inflated from one document, all members
    max_depth: int = 3  # archives within archives (a DOCX inside a ZIP is depth 2)
    max_members: int = 10_000
    max_text_chars: int = 32 << 20


@dataclass(frozen=True, slots=True)
class Segment:
    """From `start` (a character offset into the extracted text) on, the text came from
    `location` ("page 3", "sheet Budget!B7", "slide 4 notes", "member a.zip/b.docx > page 1")."""

    start: int
    location: str


@dataclass(frozen=True, slots=True)
class Extraction:
    """A document's text, or None and why not, with where each part of the text came from."""

    text: str | None
    detected_format: str
    extractor: str | None = None
    skipped_reason: str | None = None
    segments: tuple[Segment, ...] = ()


def _start(segment: Segment) -> int:
    return segment.start


def location_at(segments: Sequence[Segment], offset: int) -> str | None:
    """Where the character at `offset` came from: the last segment starting at or before it.

    >>> segs = (Segment(0, "page 1"), Segment(10, "page 2"))
    >>> location_at(segs, 9), location_at(segs, 10), location_at((), 3)
    ('page 1', 'page 2', None)
    """
    index = bisect_right(segments, offset, key=_start)
    return segments[index - 1].location if index else None
