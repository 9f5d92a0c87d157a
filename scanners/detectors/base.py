"""The shape every detector is declared in: patterns, context words, a check hook, examples."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from scanners.detectors.columns import column_header, header_words
from scanners.masking import mask_middle
from scanners.model import Category, Severity

__all__ = [
    "CONTEXT_AFTER",
    "CONTEXT_BEFORE",
    "Candidate",
    "Check",
    "ContextWords",
    "Detector",
    "Pattern",
    "context_matcher",
]

# The context window around a match, in characters (ARCHITECTURE/issue 3: ~80 before, 40 after).
CONTEXT_BEFORE = 80
CONTEXT_AFTER = 40


@dataclass(frozen=True, slots=True)
class Pattern:
    """One RE2 pattern of a detector.

    The named group `value` marks the sensitive span (the whole match when absent); other
    named groups are handed to the detector's check. `requires_context` makes the pattern
    count only when a context word of the detector is in the window around the match.
    """

    name: str
    regex: str
    confidence: float
    requires_context: bool = False
    # Words (case-insensitive) at least one of which a text must contain for this pattern to
    # run at all: the engine's prefilter looks for them instead of the pattern's shape, for
    # shapes too common to prefilter on (bare digit runs that only count beside a word).
    gate: tuple[str, ...] = ()


@dataclass(slots=True)
class Candidate:
    """A pattern match handed to a detector's check: the whole text, the span and the groups."""

    text: str
    start: int
    end: int
    groups: Mapping[str, str | None]
    pattern: Pattern
    detector: Detector
    _has_context: bool | None = field(default=None, repr=False)

    @property
    def value(self) -> str:
        """The matched sensitive value (only ever seen inside the engine)."""
        return self.text[self.start : self.end]

    def before(self, width: int = CONTEXT_BEFORE) -> str:
        """Up to `width` characters right before the match."""
        return self.text[max(0, self.start - width) : self.start]

    def after(self, width: int = CONTEXT_AFTER) -> str:
        """Up to `width` characters right after the match."""
        return self.text[self.end : self.end + width]

    @property
    def has_context(self) -> bool:
        """Whether one of the detector's context words is in the window around the match,
        or in the header of the table column the match sits in."""
        if self._has_context is None:
            matcher = self.detector.context_regex
            window = self.before() + " " + self.after()
            found = matcher is not None and matcher.search(window)
            if not found and matcher is not None:
                header = column_header(self.text, self.start, self.end)
                found = header is not None and matcher.search(header_words(header))
            self._has_context = found
        return self._has_context


# A check returns the confidence of a candidate (before the context boost), or None to drop it.
Check = Callable[[Candidate], float | None]


def _default_check(candidate: Candidate) -> float | None:
    return candidate.pattern.confidence


def _identity(value: str) -> str:
    return value


def _default_mask(value: str) -> str:
    return mask_middle(value, 4, 4)


@dataclass(frozen=True, slots=True)
class Detector:
    """A detector declared as data, in the presidio / gitleaks shape.

    `context` words raise the confidence of validated matches and are required by patterns
    marked `requires_context`. `true_positives` must each yield a finding of `category`;
    `false_positives` must yield none of this detector's category.
    """

    id: str
    category: Category
    description: str
    patterns: tuple[Pattern, ...]
    context: tuple[str, ...] = ()
    check: Check = _default_check
    normalize: Callable[[str], str] = _identity
    mask: Callable[[str], str] = _default_mask
    severity_override: Severity | None = None
    context_boost: float = 0.15
    # Findings below this confidence (after the context boost) are dropped.
    min_confidence: float = 0.0
    # Higher wins when two findings of the same severity overlap (a vendor key beats a
    # generic secret on the same span).
    priority: int = 0
    true_positives: tuple[str, ...] = ()
    false_positives: tuple[str, ...] = ()
    context_regex: ContextWords | None = field(default=None, init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "context_regex", context_matcher(self.context))

    @property
    def severity(self) -> Severity:
        """The severity of this detector's findings (its category's unless overridden)."""
        return self.severity_override or self.category.severity


class ContextWords:
    """Finds any of a detector's context words as whole words in a window of text.

    Plain substring search plus a boundary check: several times faster than a regex
    alternation on the short windows it sees. Words in scripts written without spaces
    (Japanese, Chinese, Korean) match as substrings.
    """

    __slots__ = ("_words",)

    def __init__(self, words: tuple[str, ...]) -> None:
        self._words = tuple(
            (word.lower(), not any(_is_cjk(ch) for ch in word)) for word in dict.fromkeys(words)
        )

    def search(self, window: str) -> bool:
        """Whether one of the words is in `window` (case-insensitive)."""
        lowered = window.lower()
        for word, needs_boundary in self._words:
            position = lowered.find(word)
            while position >= 0:
                end = position + len(word)
                if not needs_boundary or (
                    (position == 0 or not _is_word_char(lowered[position - 1]))
                    and (end == len(lowered) or not _is_word_char(lowered[end]))
                ):
                    return True
                position = lowered.find(word, position + 1)
        return False


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _is_cjk(char: str) -> bool:
    return "\u3040" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af"


def context_matcher(words: tuple[str, ...]) -> ContextWords | None:
    """The matcher for a detector's context words (None when it has none)."""
    return ContextWords(words) if words else None
