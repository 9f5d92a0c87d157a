"""US Social Security Numbers: ddd-dd-dddd with one separator, or 9 digits beside an SSN word."""

from __future__ import annotations

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.common import touches_digit_run
from scanners.masking import mask_digits
from scanners.model import Category
from scanners.validators import ssn

# SSA presentation ddd-dd-dddd; one separator used consistently (dash, space, dot, en dash).
_FORMATTED = (
    r"\b(?P<value>\d{3}-\d{2}-\d{4}|\d{3} \d{2} \d{4}|\d{3}\.\d{2}\.\d{4}"
    r"|\d{3}\x{2013}\d{2}\x{2013}\d{4})\b"
)
# Nine bare digits: only an SSN when an SSN word is near (requires_context).
_BARE = r"\b(?P<value>\d{9})\b"

_RUN_SEPARATORS = "-. /:\u2013"


def _check(candidate: Candidate) -> float | None:
    if not ssn.is_valid(candidate.value):
        return None
    value = candidate.value
    separator = next((ch for ch in value if not ch.isdigit()), "")
    run_separators = separator + "/:" if separator else _RUN_SEPARATORS
    if touches_digit_run(candidate.text, candidate.start, candidate.end, run_separators):
        return None
    before = candidate.before(1)
    after = candidate.after(1)
    # Part of an identifier such as INV-123-45-6789 or 123-45-6789-A.
    if before in ("-", "_", "#") and candidate.pattern.name == "formatted":
        prefix = candidate.before(2)[:1]
        if prefix.isalnum():
            return None
    if after == "-" or after == "_":
        return None
    confidence = candidate.pattern.confidence
    if candidate.pattern.name == "formatted" and "-" not in candidate.value:
        confidence -= 0.15
    return confidence


DETECTOR = Detector(
    id="us-ssn",
    category=Category.SSN,
    description="US Social Security Number",
    patterns=(
        Pattern(name="formatted", regex=_FORMATTED, confidence=0.8),
        Pattern(name="bare", regex=_BARE, confidence=0.6, requires_context=True),
    ),
    context=(
        "ssn",
        "ssns",
        "ss#",
        "ssn#",
        "social security",
        "social",
        "security number",
        "ss number",
        "taxpayer",
        "tax id",
        "tin",
        "seguro social",
        "sécurité sociale",
        "sozialversicherungsnummer",
        "soc sec",
    ),
    check=_check,
    normalize=ssn.compact,
    mask=lambda value: mask_digits(value, keep_first=0, keep_last=4),
    true_positives=(
        "My SSN is 536-90-4399, please update my file",
        "ssn: 536904399",
        "Social Security Number 672 31 0458 on the form",
        "applicant,536.90.4399,approved",
        "SSN – 412\u201345\u20139981",
        '{"ssn": "771-44-2830"}',
        "her social security number is 223456789.",
    ),
    false_positives=(
        "SSN 123-45-6789 is the example on the form",
        "ssn: 078-05-1120",
        "call 666-12-3456",
        "id 900-12-3456",
        "code 536-00-4399",
        "batch 536904399 finished",
        "order 536-90-4399-12 shipped",
        "range 12-536-90-4399",
        "ssn 111-11-1111",
        "mixed 536-90.4399",
    ),
)
