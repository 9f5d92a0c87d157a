"""The scanning engine: an RE2 Set prefilter, per-detector validation, overlap resolution.

How a text is scanned:

1. The text is encoded to UTF-8 once and run through one `re2.Set` holding every pattern of
   every active detector, in a relaxed form (scanners.prefilter: counted repetitions
   loosened, a superset that keeps the Set's DFA small). Most texts match nothing and cost
   exactly that one linear pass.
2. For each pattern the Set reports, that pattern alone is run with `finditer` over the same
   bytes (a Set of separate patterns, not one big alternation, so overlapping matches of
   different detectors are all seen). A pattern gated by context words runs only when the
   Set found both its words and its relaxed shape.
3. Byte offsets become Python character offsets; each match goes to its detector's check
   (Luhn, issuer, checksum, entropy, context words, ...), then the allowlists.
4. Overlapping survivors are resolved greedily (highest severity, then detector priority,
   then confidence, then length), so one card number is one finding. Resolution marks the
   covered characters in a bytearray, so it is linear in the candidates' lengths.
5. At most `max_findings_per_input` findings are kept (the highest ranked); the rest are
   counted in `Findings.dropped`, not built (5 MB of IP addresses is 400,000 of them).
6. Each finding gets a masked preview and an HMAC-SHA256 fingerprint of the normalized
   value keyed by the installation secret; the value itself never leaves this module.
   The span of every candidate, winner or loser, is kept in `Findings.masked_spans`: a
   preview of the text masks them all, so the tail of a losing longer match (a password
   that starts with a card number) is never shown. A winner that a losing candidate
   extends beyond is masked entirely: its visible characters belong to the longer secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import re2

from scanners.detectors import BUILTIN_DETECTORS
from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.masking import BULLET, ELLIPSIS, mask_all
from scanners.model import Category, Finding, Severity
from scanners.prefilter import relax

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "DEFAULT_MAX_FINDINGS_PER_INPUT",
    "Allowlist",
    "Engine",
    "Findings",
    "load_engine",
    "max_severity",
    "utf8_rows",
]

# Findings kept per input; the rest are counted (Findings.dropped), not built.
DEFAULT_MAX_FINDINGS_PER_INPUT = 1_000

# RE2 gives each compiled Set / regex this much memory for its DFA cache; the default (8 MiB)
# is too small for a Set of every detector on megabyte-sized inputs.
_SET_MAX_MEM = 256 << 20
_REGEX_MAX_MEM = 32 << 20


def _raw_set_match(compiled_set: Any) -> Callable[[Any], list[int]]:
    """The pybind `Set.Match` under google-re2's wrapper (which adds a call and a copy)."""
    inner = getattr(compiled_set, "_set", None)
    match: Callable[[Any], list[int]] = (
        inner.Match if inner is not None and hasattr(inner, "Match") else compiled_set.Match
    )
    return match


def _byte_finditer(regex: Any) -> Callable[[bytes], Iterator[list[tuple[int, int]]]]:
    """A `finditer` over bytes yielding the span of every group, without match objects.

    Uses the compiled RE2 object under google-re2's wrapper when it is there, the public
    `finditer` otherwise. Spans are UTF-8 byte offsets; (-1, -1) for a group that did not take
    part.
    """
    inner = getattr(regex, "_regexp", None)
    anchor = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
    groups = range(regex.groups + 1)
    if inner is None or anchor is None:

        def public(data: bytes) -> Iterator[list[tuple[int, int]]]:
            for match in regex.finditer(data):
                yield [match.span(group) for group in groups]

        return public
    match = inner.Match

    def fast(data: bytes) -> Iterator[list[tuple[int, int]]]:
        position, end = 0, len(data)
        while position <= end:
            spans = match(anchor, data, position, end)
            whole_start, whole_end = spans[0]
            if whole_start < 0:
                return
            yield spans
            if whole_end > position:
                position = whole_end
            else:
                # An empty match: step over one whole UTF-8 character.
                position += 1
                while position < end and data[position] & 0xC0 == 0x80:
                    position += 1

    return fast


def _options(max_mem: int) -> re2.Options:
    options = re2.Options()
    options.max_mem = max_mem
    options.log_errors = False
    return options


@dataclass(frozen=True, slots=True)
class Allowlist:
    """Findings to silence: exact values, fingerprints or RE2 regexes over the value.

    An empty `detectors` and `categories` scope means the allowlist applies to every finding.
    """

    description: str = ""
    values: frozenset[str] = frozenset()
    fingerprints: frozenset[str] = frozenset()
    regexes: tuple[str, ...] = ()
    detectors: frozenset[str] = frozenset()
    categories: frozenset[Category] = frozenset()
    _compiled: tuple[Any, ...] = field(default=(), init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        compiled = tuple(re2.compile(regex, _options(_REGEX_MAX_MEM)) for regex in self.regexes)
        object.__setattr__(self, "_compiled", compiled)

    def applies_to(self, detector: Detector) -> bool:
        """Whether this allowlist's scope covers findings of `detector`."""
        if not self.detectors and not self.categories:
            return True
        return detector.id in self.detectors or detector.category in self.categories

    def allows(self, value: str, normalized: str, fingerprint: str) -> bool:
        """Whether a finding with this value / fingerprint is silenced."""
        if value in self.values or normalized in self.values:
            return True
        if fingerprint in self.fingerprints:
            return True
        return any(regex.search(value) is not None for regex in self._compiled)

    def describe(self) -> dict[str, Any]:
        """A canonical, JSON-ready description (feeds the ruleset version)."""
        return {
            "values": sorted(self.values),
            "fingerprints": sorted(self.fingerprints),
            "regexes": list(self.regexes),
            "detectors": sorted(self.detectors),
            "categories": sorted(category.value for category in self.categories),
        }


@dataclass(frozen=True, slots=True)
class _Entry:
    """One pattern of one detector, compiled."""

    detector: Detector
    pattern: Pattern
    regex: Any
    finditer: Callable[[bytes], Iterator[list[tuple[int, int]]]]
    value_group: int
    group_names: tuple[tuple[str, int], ...]
    # Set indices that must match too (a gated pattern's own shape beside its gate words).
    also: tuple[int, ...] = ()


_NO_SPANS = array("q")


class Findings(list[Finding]):
    """The findings of one input, sorted by start: a list, plus what the cap left out.

    `dropped` counts findings beyond the engine's per-input cap (the highest ranked are
    kept). `masked_spans` are the merged spans of every candidate, winner or not, reported
    or dropped: the characters any preview of the text must mask.
    """

    __slots__ = ("_spans", "dropped")

    def __init__(
        self, findings: Iterable[Finding] = (), dropped: int = 0, spans: array[int] | None = None
    ) -> None:
        if findings:
            super().__init__(findings)
        self.dropped = dropped
        # Most inputs have no finding: they share one empty array (never written to).
        self._spans = spans if spans is not None else _NO_SPANS

    @property
    def masked_spans(self) -> list[tuple[int, int]]:
        """Disjoint, sorted (start, end) spans covering every candidate of the input."""
        spans = self._spans
        return [(spans[i], spans[i + 1]) for i in range(0, len(spans), 2)]


# A validated candidate before overlap resolution, flat to stay small (an input may hold
# hundreds of thousands): the rank (-severity, -priority, -confidence, -length, start),
# the sequence that breaks ties, the end, the detector, the confidence and the fingerprint
# when the allowlists needed it.
_Candidate = tuple[int, int, float, int, int, int, int, Detector, float, str | None]


class Engine:
    """Scans texts with a fixed set of detectors; build one with `load_engine`."""

    def __init__(
        self,
        detectors: Sequence[Detector],
        secret: bytes,
        allowlists: Sequence[Allowlist] = (),
        rules_digest: str = "",
        max_findings_per_input: int = DEFAULT_MAX_FINDINGS_PER_INPUT,
    ) -> None:
        if max_findings_per_input < 1:
            raise ValueError(
                f"max_findings_per_input must be at least 1, not {max_findings_per_input}"
            )
        if not secret:
            raise ValueError("the installation secret for fingerprints must not be empty")
        ids = [detector.id for detector in detectors]
        duplicates = sorted({detector_id for detector_id in ids if ids.count(detector_id) > 1})
        if duplicates:
            raise ValueError(f"duplicate detector ids: {', '.join(duplicates)}")
        self._detectors = tuple(detectors)
        self._secret = bytes(secret)
        self._allowlists = tuple(allowlists)
        self._needs_fingerprint = any(allowlist.fingerprints for allowlist in self._allowlists)
        self.max_findings_per_input = max_findings_per_input
        self._set = re2.Set.SearchSet(_options(_SET_MAX_MEM))
        entries: list[_Entry] = []
        # Set index -> the entries it stands for (identical prefilters share one Set entry).
        # A pattern's first prefilter is its trigger; the others (a gated pattern's shape)
        # are Set entries of their own, added after every trigger, that must match as well.
        compiled = []
        by_prefilter: dict[str, list[_Entry]] = {}
        for detector in self._detectors:
            for pattern in detector.patterns:
                prefilters = _prefilters(pattern)
                compiled.append((detector, pattern, prefilters))
                by_prefilter.setdefault(prefilters[0], [])
        for _, _, prefilters in compiled:
            for extra in prefilters[1:]:
                by_prefilter.setdefault(extra, [])
        index_of = {prefilter: index for index, prefilter in enumerate(by_prefilter)}
        for detector, pattern, prefilters in compiled:
            regex = re2.compile(pattern.regex, _options(_REGEX_MAX_MEM))
            groups = dict(regex.groupindex)
            entry = _Entry(
                detector=detector,
                pattern=pattern,
                regex=regex,
                finditer=_byte_finditer(regex),
                value_group=groups.get("value", 0),
                group_names=tuple(sorted(groups.items(), key=lambda item: item[1])),
                also=tuple(index_of[extra] for extra in prefilters[1:]),
            )
            entries.append(entry)
            by_prefilter[prefilters[0]].append(entry)
        self._prefilters = tuple(by_prefilter)
        for prefilter in self._prefilters:
            self._set.Add(prefilter)
        self._entries = tuple(tuple(group) for group in by_prefilter.values())
        if entries:
            self._set.Compile()
        self._match_set = _raw_set_match(self._set) if entries else None
        self.ruleset_version = _ruleset_version(self._detectors, self._allowlists, rules_digest)

    @property
    def detectors(self) -> tuple[Detector, ...]:
        """The active detectors, in registry order."""
        return self._detectors

    @property
    def patterns(self) -> tuple[str, ...]:
        """Every pattern in the prefilter Set (relaxed supersets of the detector regexes, and
        the context words that gate a pattern)."""
        return self._prefilters

    # --- scanning -------------------------------------------------------------------------

    def scan(self, text: str) -> Findings:
        """Every finding in `text` (up to the per-input cap), sorted by start offset."""
        if not text or self._match_set is None:
            return Findings()
        data = text.encode("utf-8", "surrogatepass")
        hits = self._match_set(data)
        triggered = self._triggered(hits) if hits else None
        if not triggered:
            return Findings()
        return self._scan_hits(text, data, triggered)

    def scan_many(self, texts: Sequence[str | None] | Any) -> list[Findings]:
        """`[scan(t) for t in texts]` (None gives []), also over Arrow string arrays.

        Arrow arrays are scanned straight from their UTF-8 data buffer: rows the prefilter
        rejects are never decoded into Python strings.
        """
        if not _is_arrow(texts):
            return [self.scan(text) if text is not None else Findings() for text in texts]
        match, triggered_by = self._match_set, self._triggered
        results: list[Findings] = []
        append = results.append
        # One loop, no call per row: most rows end at the Set's answer.
        for row in utf8_rows(texts):
            hits = match(row) if row is not None and match is not None else None
            triggered = triggered_by(hits) if hits else None
            if triggered and row is not None:
                data = bytes(row)
                append(self._scan_hits(data.decode("utf-8", "replace"), data, triggered))
            else:
                append(Findings())
        return results

    def passes_prefilter(self, data: bytes | memoryview) -> bool:
        """Whether the Set pass sends this UTF-8 text on to any detector's exact regexes."""
        hits = self._match_set(data) if self._match_set is not None else None
        return bool(hits and self._triggered(hits))

    def _triggered(self, hits: list[int]) -> list[_Entry]:
        """The entries whose prefilters all matched, in Set order (ties are broken by it)."""
        entries = self._entries
        triggered = [entry for index in hits for entry in entries[index]]
        if any(entry.also for entry in triggered):
            found = set(hits)
            triggered = [e for e in triggered if all(index in found for index in e.also)]
        return triggered

    def redact(self, text: str, findings: Sequence[Finding] | None = None) -> str:
        """`text` with every finding's span replaced by its masked preview.

        Every candidate span (`Findings.masked_spans`) is masked too: a region where
        candidates overlap, or that no reported finding covers exactly, becomes bullets.
        """
        if findings is None:
            findings = self.scan(text)
        by_span = {(finding.start, finding.end): finding.redacted for finding in findings}
        spans = sorted(
            [*by_span, *(findings.masked_spans if isinstance(findings, Findings) else ())]
        )
        pieces: list[str] = []
        cursor = 0
        for start, end in _merge(spans):
            pieces.append(text[cursor:start])
            exact = by_span.get((start, end))
            pieces.append(exact if exact is not None else mask_all(text[start:end]))
            cursor = end
        pieces.append(text[cursor:])
        return "".join(pieces)

    def fingerprint(self, value: str, detector_id: str | None = None) -> str:
        """The fingerprint a finding of `value` would carry (for allowlists and lookups)."""
        normalized = value
        if detector_id is not None:
            detector = next((d for d in self._detectors if d.id == detector_id), None)
            if detector is None:
                raise KeyError(f"no active detector with id {detector_id!r}")
            normalized = detector.normalize(value)
        return self._hmac(normalized)

    def _hmac(self, normalized: str) -> str:
        message = normalized.encode("utf-8", "surrogatepass")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def _scan_hits(self, text: str, data: bytes, entries: Iterable[_Entry]) -> Findings:
        # Matches stream from RE2 straight into validation: only candidates are held.
        rejected = array("q")
        offsets = None if len(data) == len(text) else _CharOffsets(data)
        matches = self._matches(data, entries, offsets)
        candidates = sorted(self._validate(text, matches, rejected))
        if not candidates:
            return Findings()
        # Greedy resolution in rank order; `covered` marks the characters of accepted spans.
        covered = bytearray(len(text))
        accepted: list[_Candidate] = []
        for candidate in candidates:
            start, end = candidate[4], candidate[6]
            if covered.find(1, start, end) >= 0:
                continue
            covered[start:end] = b"\x01" * (end - start)
            accepted.append(candidate)
        cap = self.max_findings_per_input
        dropped = max(0, len(accepted) - cap)
        clusters = _merge(sorted((candidate[4], candidate[6]) for candidate in candidates))
        if rejected:
            clusters = _with_overlapping(clusters, rejected)
        del candidates, covered, rejected
        cluster_starts = [start for start, _ in clusters]
        findings: list[Finding] = []
        for _s, _p, _c, _l, start, _q, end, detector, confidence, fingerprint in accepted[:cap]:
            value = text[start:end]
            if fingerprint is None:
                fingerprint = self._hmac(detector.normalize(value))
            cluster = clusters[bisect_right(cluster_starts, start) - 1]
            if cluster == (start, end):
                redacted = detector.mask(value)
                if redacted == value or not redacted:
                    redacted = BULLET * 3 + ELLIPSIS
            else:
                # A losing candidate reaches beyond this one: what a preview of this finding
                # would show belongs to that longer secret too.
                redacted = BULLET * 3 + ELLIPSIS
            findings.append(
                Finding(
                    detector=detector.id,
                    category=detector.category,
                    severity=detector.severity,
                    start=start,
                    end=end,
                    redacted=redacted,
                    fingerprint=fingerprint,
                    confidence=round(confidence, 3),
                )
            )
        findings.sort(key=lambda finding: finding.start)
        flat = array("q", [offset for cluster in clusters for offset in cluster])
        return Findings(findings, dropped, flat)

    def _matches(
        self, data: bytes, entries: Iterable[_Entry], offsets: _CharOffsets | None
    ) -> Iterator[tuple[_Entry, list[tuple[int, int]]]]:
        """Every non-empty match of every pattern the prefilter let through, in characters."""
        for entry in entries:
            value_group = entry.value_group
            for spans in entry.finditer(data):
                if spans[value_group][0] < spans[value_group][1]:
                    if offsets is not None:
                        spans = [(offsets.char(a), offsets.char(b)) for a, b in spans]
                    yield entry, spans

    def _validate(
        self,
        text: str,
        matches: Iterable[tuple[_Entry, list[tuple[int, int]]]],
        rejected: array[int],
    ) -> Iterator[_Candidate]:
        """The candidates that pass their checks; the spans of the others go to `rejected`."""
        for sequence, (entry, spans) in enumerate(matches):
            detector, pattern = entry.detector, entry.pattern
            start, end = spans[entry.value_group]
            groups = {
                name: (text[spans[i][0] : spans[i][1]] if spans[i][0] >= 0 else None)
                for name, i in entry.group_names
            }
            candidate = Candidate(text, start, end, groups, pattern, detector)
            confidence = detector.check(candidate)
            # A check may narrow the span (trailing punctuation after a password) or widen
            # it (a private key's header to the end of its body).
            if confidence is not None and candidate.start < candidate.end:
                if candidate.has_context:
                    confidence += detector.context_boost
                elif pattern.requires_context:
                    confidence = None
            if confidence is not None:
                confidence = min(confidence, 1.0)
                if confidence < detector.min_confidence:
                    confidence = None
            if confidence is None or candidate.start >= candidate.end:
                rejected.extend((start, end))
                continue
            start, end = candidate.start, candidate.end
            fingerprint: str | None = None
            if self._allowlists:
                value = candidate.value
                normalized = detector.normalize(value)
                fingerprint = self._hmac(normalized) if self._needs_fingerprint else None
                if any(
                    allowlist.applies_to(detector)
                    and allowlist.allows(value, normalized, fingerprint or "")
                    for allowlist in self._allowlists
                ):
                    continue
            yield (
                -detector.severity.rank,
                -detector.priority,
                -round(confidence, 3),
                start - end,
                start,
                sequence,
                end,
                detector,
                confidence,
                fingerprint,
            )


def _prefilters(pattern: Pattern) -> tuple[str, ...]:
    """The Set patterns that must all match a text for `pattern` to run on it: its relaxed
    regex, and first the words gating it when it has a gate.

    A pattern with a `gate` runs only where those words are: a bare eleven-digit number is
    everywhere, the word "PESEL" is not. The words match case-insensitively as whole words
    (an underscore may follow: table headers such as `ssn_last4`), with a space also written
    as `_`, `-` or `.` (`social_security_number`): a superset of what the context check
    accepts. Its relaxed shape is required as well (in the same Set pass): a gate word as
    common as "call" or "tel" alone would send every sixth chat message to the exact regexes.
    """
    words = pattern.gate
    if not words:
        return (relax(pattern.regex),)
    variants: dict[str, None] = {}
    for word in words:
        for joiner in (" ", "_", "-", "."):
            variants.setdefault(word.lower().replace(" ", joiner))
    alternatives = sorted(_word_regex(word) for word in variants)
    return "(?i:" + "|".join(alternatives) + ")", relax(pattern.regex)


def _word_regex(word: str) -> str:
    """`word` as a whole word in RE2 (ASCII boundaries; words in other scripts as written)."""
    left = r"\b" if word[:1].isascii() and word[:1].isalnum() else ""
    right = r"(?:\b|_)" if word[-1:].isascii() and word[-1:].isalpha() else ""
    return left + str(re2.escape(word)) + right


def _with_overlapping(
    clusters: list[tuple[int, int]], rejected: array[int]
) -> list[tuple[int, int]]:
    """`clusters` grown by every rejected match that overlaps one of them.

    A match its detector turned down but that overlaps a finding is most likely the rest
    of the same secret (a password that starts with a card number and fails the
    password check): a preview masks it as well.
    """
    starts = [start for start, _ in clusters]
    grown = list(clusters)
    for index in range(0, len(rejected), 2):
        start, end = rejected[index], rejected[index + 1]
        position = bisect_right(starts, end - 1) - 1
        if position >= 0 and clusters[position][1] > start:
            grown.append((start, end))
    return _merge(sorted(grown)) if len(grown) > len(clusters) else clusters


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans merged where they overlap."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


# Every byte but UTF-8 continuation bytes (0x80-0xBF): what bytes.translate deletes to count them.
_NOT_CONTINUATION = bytes(byte for byte in range(256) if not 0x80 <= byte < 0xC0)
_OFFSET_BLOCK = 256


class _CharOffsets:
    """UTF-8 byte offsets to character offsets, in O(1) each after one pass over the bytes.

    A character starts at every byte that is not a continuation byte, so the character
    offset of a byte offset is the byte offset less the continuation bytes before it; their
    count is kept per block of _OFFSET_BLOCK bytes.
    """

    __slots__ = ("_before", "_data")

    def __init__(self, data: bytes) -> None:
        self._data = data
        before = array("q", [0])
        count = 0
        for block in range(0, len(data), _OFFSET_BLOCK):
            count += len(data[block : block + _OFFSET_BLOCK].translate(None, _NOT_CONTINUATION))
            before.append(count)
        self._before = before

    def char(self, offset: int) -> int:
        """The character offset of byte `offset` (-1 stays -1)."""
        if offset < 0:
            return offset
        block = offset // _OFFSET_BLOCK
        start = block * _OFFSET_BLOCK
        inside = len(self._data[start:offset].translate(None, _NOT_CONTINUATION))
        return offset - self._before[block] - inside


# --- Arrow ---------------------------------------------------------------------------------


def _is_arrow(texts: object) -> bool:
    module = type(texts).__module__
    return module.startswith("pyarrow")


def utf8_rows(array: pa.Array | pa.ChunkedArray) -> Iterator[memoryview | None]:
    """The UTF-8 bytes of each row of a (large) string array, None for nulls, without copies."""
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        for chunk in array.chunks:
            yield from utf8_rows(chunk)
        return
    if pa.types.is_string_view(array.type):
        # Views have no contiguous offsets buffer; one cast gives them one.
        array = array.cast(pa.large_string())
    if pa.types.is_string(array.type):
        offset_format: Literal["i", "q"] = "i"
    elif pa.types.is_large_string(array.type):
        offset_format = "q"
    else:
        raise TypeError(
            f"scan_many needs a string array (string, large_string, string_view), not {array.type}"
        )
    validity, offsets_buffer, data_buffer = array.buffers()
    count, first = len(array), array.offset
    if count == 0:
        return
    offsets = memoryview(offsets_buffer).cast(offset_format)
    data = memoryview(data_buffer) if data_buffer is not None else memoryview(b"")
    bitmap = memoryview(validity) if validity is not None and array.null_count else None
    for row in range(first, first + count):
        if bitmap is not None and not (bitmap[row >> 3] >> (row & 7)) & 1:
            yield None
        else:
            yield data[offsets[row] : offsets[row + 1]]


# --- ruleset version -----------------------------------------------------------------------


@cache
def _code_digest() -> str:
    """A hash of the scanners package source and data files (detector code included)."""
    digest = hashlib.sha256()
    root = resources.files("scanners")
    paths = sorted(
        (path for path in Path(str(root)).rglob("*") if path.suffix in {".py", ".txt", ".toml"}),
        key=lambda path: path.relative_to(str(root)).as_posix(),
    )
    for path in paths:
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(str(root)).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _ruleset_version(
    detectors: Sequence[Detector], allowlists: Sequence[Allowlist], rules_digest: str
) -> str:
    description = {
        "code": _code_digest(),
        "rules": rules_digest,
        "detectors": [
            {
                "id": detector.id,
                "category": detector.category.value,
                "severity": detector.severity.value,
                "priority": detector.priority,
                "min_confidence": detector.min_confidence,
                "context_boost": detector.context_boost,
                "context": list(detector.context),
                "patterns": [
                    [pattern.name, pattern.regex, pattern.confidence, pattern.requires_context]
                    for pattern in detector.patterns
                ],
            }
            for detector in detectors
        ],
        "allowlists": [allowlist.describe() for allowlist in allowlists],
    }
    canonical = json.dumps(description, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def load_engine(
    secret: bytes,
    rules_path: str | Path | None = None,
    region: str = "US",
    *,
    max_findings_per_input: int = DEFAULT_MAX_FINDINGS_PER_INPUT,
) -> Engine:
    """The engine with every built-in detector, adjusted by an optional TOML rules file.

    `region` (ISO 3166 alpha-2) is the organization's country: phone numbers written in
    national format without a country cue in the text are read as its numbers.
    """
    builtins = BUILTIN_DETECTORS
    if region.upper() != "US":
        from scanners.detectors import phone

        regional = phone.detector_for(region)
        builtins = tuple(regional if d.id == regional.id else d for d in builtins)
    if rules_path is None:
        return Engine(builtins, secret, max_findings_per_input=max_findings_per_input)
    from scanners.rules import load_rules

    rules = load_rules(rules_path)
    return Engine(
        rules.apply(builtins),
        secret,
        allowlists=rules.allowlists,
        rules_digest=rules.digest,
        max_findings_per_input=max_findings_per_input,
    )


def max_severity(findings: Iterable[Finding]) -> Severity:
    """The highest severity among `findings` (NONE for none)."""
    return Severity.max_of(finding.severity for finding in findings)
