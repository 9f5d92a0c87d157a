"""Show raw text with every sensitive span masked: what the scanner finds now, and what the
warehouse recorded when the input was scanned (the rules may have changed since).

Overlapping spans merge into one masked region, so no tail of a longer match is ever shown.
The result is a list of segments the templates render with autoescaping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scanners import Engine, Severity
from scanners.masking import mask_all


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    preview: str
    finding_id: str | None = None
    severity: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    is_masked: bool = False
    finding_id: str | None = None
    severity: str | None = None


def mask(text: str, engine: Engine, recorded: Sequence[Span] = ()) -> list[Segment]:
    """`text` as plain and masked segments; `recorded` are the warehouse's findings."""
    spans = [s for s in recorded if 0 <= s.start < s.end <= len(text)]
    found = engine.scan(text)
    spans += [Span(f.start, f.end, f.redacted, None, f.severity.value) for f in found]
    # Every candidate span, winner or not (the rest of a longer secret a finding sits in).
    spans += [Span(start, end, mask_all(text[start:end])) for start, end in found.masked_spans]
    spans.sort(key=lambda s: (s.start, -s.end))
    segments: list[Segment] = []
    cursor = 0
    index = 0
    while index < len(spans):
        region = [spans[index]]
        start, end = spans[index].start, spans[index].end
        index += 1
        while index < len(spans) and spans[index].start < end:
            region.append(spans[index])
            end = max(end, spans[index].end)
            index += 1
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(_masked(text, start, end, region))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def _masked(text: str, start: int, end: int, region: list[Span]) -> Segment:
    exact = [s for s in region if s.start == start and s.end == end]
    preview = exact[0].preview if exact else mask_all(text[start:end])
    finding_id = next((s.finding_id for s in region if s.finding_id), None)
    severity = max(
        (s.severity for s in region if s.severity),
        key=lambda sev: Severity(sev).rank,
        default=None,
    )
    return Segment(preview, True, finding_id, severity)


def plain(segments: Sequence[Segment]) -> str:
    return "".join(s.text for s in segments)


def window(segments: Sequence[Segment], finding_id: str, radius: int = 240) -> list[Segment]:
    """The segments within about `radius` characters of the finding's masked region."""
    position = 0
    target: tuple[int, int] | None = None
    for segment in segments:
        if segment.finding_id == finding_id:
            target = (position, position + len(segment.text))
            break
        position += len(segment.text)
    if target is None:
        return []
    low, high = target[0] - radius, target[1] + radius
    result: list[Segment] = []
    position = 0
    for segment in segments:
        seg_start, seg_end = position, position + len(segment.text)
        position = seg_end
        if seg_end <= low or seg_start >= high:
            continue
        if segment.is_masked:
            result.append(segment)  # never cut a masked preview
            continue
        cut_start = max(low, seg_start) - seg_start
        cut_end = min(high, seg_end) - seg_start
        piece = segment.text[cut_start:cut_end]
        if cut_start > 0:
            piece = "…" + piece
        if cut_end < len(segment.text):
            piece = piece + "…"
        result.append(Segment(piece))
    return result
