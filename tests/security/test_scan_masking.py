"""Masked previews show at most 4 characters of a secret of 24 or fewer, a quarter of a longer one.

Issue 13, class 7 ("masks reveal half of short secrets"): a 16-character secret became
`Zx9Q…Vw7K`. Known public prefixes (`sk-ant-api03-`, `ghp_`, `AKIA`, `xoxb-`, PEM armor) are
not secret and are not counted. Email and IP previews keep the domain / network part by
design (they are contact data, not secrets), so they are outside this property.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanners import Category, Engine, load_engine
from scanners.detectors import BUILTIN_DETECTORS
from scanners.masking import BULLET, ELLIPSIS, mask_digits, mask_middle

SECRET_CATEGORIES = frozenset(Category) - {Category.EMAIL, Category.IP_ADDRESS}

# Public vendor prefixes and armor, written out here independently of the detectors' masks.
_PUBLIC = re.compile(
    r"^(?:sk-ant-[a-z]+\d\d-|sk-(?:proj|svcacct|admin)-|sk-|sk_(?:live|test)_|rk_(?:live|test)_|"
    r"gh[pousr]_|github_pat_|glpat-|gldt-|AKIA|ASIA|A3T[A-Z0-9]|ABIA|ACCA|xox[abposre]-|"
    r"xoxe\.xox[bp]-|xapp-|https://hooks\.slack\.com/|hf_|npm_|SG\.|AIza|ya29\.|"
    r"-----BEGIN [A-Z0-9 ]+-----|PuTTY-User-Key-File-\d: [\w@.-]+)"
)
_LENGTH_NOTE = re.compile(r"\[\d+ chars\]$")


def budget(length: int) -> int:
    return min(4, length // 2) if length <= 24 else length // 4


def visible(value: str, preview: str) -> tuple[int, int]:
    """(secret characters the preview shows, secret length), public prefix set aside."""
    public = _PUBLIC.match(value)
    prefix = public.group(0) if public and preview.startswith(public.group(0)) else ""
    shown = _LENGTH_NOTE.sub("", preview[len(prefix) :])
    secret = value[len(prefix) :]
    return sum(ch.isalnum() for ch in shown if ch not in (BULLET, ELLIPSIS)), len(secret)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return load_engine(secret=b"test-installation-secret")


def test_a_sixteen_character_secret_shows_four() -> None:
    assert mask_middle("Zx9QmR2tLp8sVw7K", 4, 4) == "…Vw7K"
    assert mask_digits("4111 1111 1111 1111") == "•••• •••• •••• 1111"


@settings(max_examples=300, deadline=None)
@given(
    secret=st.text(alphabet="ABCDEFGHabcdefgh0123456789_-", min_size=1, max_size=120),
    public=st.sampled_from(["", "ghp_", "sk-ant-api03-", "AKIA", "xoxb-"]),
    keep_start=st.integers(0, 30),
    keep_end=st.integers(0, 30),
)
def test_mask_middle_stays_within_the_budget(
    secret: str, public: str, keep_start: int, keep_end: int
) -> None:
    preview = mask_middle(public + secret, keep_start, keep_end, public=len(public))
    shown, length = visible(public + secret, preview)
    assert shown <= budget(length), (secret, preview)


@settings(max_examples=200, deadline=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=1, max_size=40),
    keep_first=st.integers(0, 8),
    keep_last=st.integers(0, 8),
)
def test_mask_digits_stays_within_the_budget(digits: str, keep_first: int, keep_last: int) -> None:
    preview = mask_digits(digits, keep_first, keep_last)
    assert sum(ch.isdigit() for ch in preview) <= budget(len(digits))


TRUE_POSITIVES = [text for detector in BUILTIN_DETECTORS for text in detector.true_positives]


@settings(max_examples=400, deadline=None)
@given(
    text=st.sampled_from(TRUE_POSITIVES),
    before=st.text(alphabet="ab \n:=.,", max_size=12),
    after=st.text(alphabet="ab \n.,;", max_size=12),
)
def test_every_true_positive_preview_stays_within_the_budget(
    engine: Engine, text: str, before: str, after: str
) -> None:
    text = before + text + after
    for finding in engine.scan(text):
        if finding.category not in SECRET_CATEGORIES:
            continue
        value = text[finding.start : finding.end]
        shown, length = visible(value, finding.redacted)
        assert shown <= budget(length), (finding.detector, value, finding.redacted)


@pytest.mark.parametrize("text", TRUE_POSITIVES)
def test_each_true_positive_preview_stays_within_the_budget(engine: Engine, text: str) -> None:
    for finding in engine.scan(text):
        if finding.category in SECRET_CATEGORIES:
            value = text[finding.start : finding.end]
            shown, length = visible(value, finding.redacted)
            assert shown <= budget(length), (finding.detector, value, finding.redacted)
