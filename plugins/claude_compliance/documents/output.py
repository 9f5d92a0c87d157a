"""What extractors share: the text being built with its segments, the expansion budget, and
the refusals that end an extraction with a skip reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from claude_compliance.documents.model import Limits, Segment, SkipReason


class Refused(Exception):
    """An extraction that stops with a skip reason (never carries document content)."""

    def __init__(self, reason: SkipReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason


@dataclass(slots=True)
class Budget:
    """Bytes one document may still inflate to, and members it may still open, across every
    nesting level."""

    limits: Limits
    expanded: int = 0
    members: int = 0

    def spend(self, count: int) -> None:
        self.expanded += count
        if self.expanded > self.limits.max_expanded_bytes:
            raise Refused(SkipReason.OVERSIZE, "expanded content beyond the cap")

    def room(self) -> int:
        return self.limits.max_expanded_bytes - self.expanded

    def member(self) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise Refused(SkipReason.OVERSIZE, "more members than the cap")


@dataclass(slots=True)
class TextBuilder:
    """Extracted text in parts, and a segment wherever the location changes."""

    max_chars: int
    parts: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    length: int = 0

    def add(self, text: str, location: str | None = None) -> None:
        if not text:
            return
        if location is not None and (not self.segments or self.segments[-1].location != location):
            self.segments.append(Segment(self.length, location))
        self.parts.append(text)
        self.length += len(text)
        if self.length > self.max_chars:
            raise Refused(SkipReason.OVERSIZE, "extracted text beyond the cap")

    def add_nested(self, text: str, segments: tuple[Segment, ...], prefix: str) -> None:
        """Text from a member, its segments' locations prefixed with the member's label."""
        if not text:
            return
        base = self.length
        if not segments or segments[0].start > 0:
            self.segments.append(Segment(base, prefix))
        for segment in segments:
            self.segments.append(Segment(base + segment.start, f"{prefix} > {segment.location}"))
        self.parts.append(text)
        self.length += len(text)
        if self.length > self.max_chars:
            raise Refused(SkipReason.OVERSIZE, "extracted text beyond the cap")

    def text(self) -> str:
        return "".join(self.parts)
