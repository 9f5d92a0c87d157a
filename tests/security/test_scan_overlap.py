"""Overlapping matches never leak the loser, and the findings of one input are capped.

Issue 13, class 7: `DB_PASSWORD=4111111111111111-Tail-Secret-9` was shown as
`DB_PASSWORD=4111••••••••1111-Tail-Secret-9` (the card won, the rest of the password stayed).
Class 11: 5 MB of IP addresses gave 400,000 findings for one input.
"""

from __future__ import annotations

import pytest

import scanners
from scanners import Engine, load_engine
from scanners.detectors import BUILTIN_DETECTORS, Detector, Pattern
from scanners.masking import BULLET


@pytest.fixture(scope="module")
def engine() -> Engine:
    return load_engine(secret=b"test-installation-secret")


# (text, the secret part that must not be visible in any preview)
OVERLAPS = [
    ("DB_PASSWORD=4111111111111111-Tail-Secret-9", "4111111111111111-Tail-Secret-9"),
    ("password: 4111111111111111/Hidden-Tail-77", "4111111111111111/Hidden-Tail-77"),
    ("PASSWORD=jane@example.com-Secret99", "jane@example.com-Secret99"),
    ("pwd=4111-1111-1111-1111-Tail#Secret", "4111-1111-1111-1111-Tail#Secret"),
    ("--password 4111111111111111.Tail+9", "4111111111111111.Tail+9"),
    ("Passwort=jane.doe@example.org!X9", "jane.doe@example.org!X9"),
]


@pytest.mark.parametrize(("text", "secret"), OVERLAPS)
def test_no_character_of_an_overlapping_match_is_shown(
    engine: Engine, text: str, secret: str
) -> None:
    findings = engine.scan(text)
    assert findings
    redacted = engine.redact(text)
    start = text.index(secret)
    assert redacted.startswith(text[:start])
    assert set(redacted[start:]) <= {BULLET}, redacted
    for finding in findings:
        shown = [ch for ch in finding.redacted if ch.isalnum()]
        # a winner inside a longer match shows nothing of it
        assert not shown or text[finding.start : finding.end] == secret, finding


def test_a_losing_validated_candidate_is_masked_too() -> None:
    high = Detector(
        id="high",
        category=BUILTIN_DETECTORS[0].category,
        description="short",
        patterns=(Pattern(name="a", regex=r"(?P<value>AB12CD34)", confidence=0.9),),
        priority=5,
    )
    low = Detector(
        id="low",
        category=BUILTIN_DETECTORS[0].category,
        description="long",
        patterns=(Pattern(name="b", regex=r"(?P<value>AB12CD34[a-z]{6})", confidence=0.9),),
    )
    engine = Engine((high, low), secret=b"k")
    text = "x AB12CD34qwerty y"
    findings = engine.scan(text)
    assert [f.detector for f in findings] == ["high"]
    assert findings.masked_spans == [(2, 16)]
    assert engine.redact(text) == "x " + BULLET * 14 + " y"
    assert "qwerty" not in findings[0].redacted and "CD34" not in findings[0].redacted


def _ips(count: int) -> str:
    return " ".join(f"10.{i % 250}.{(i // 250) % 250}.{i % 200 + 1}" for i in range(count))


def test_findings_per_input_are_capped_and_the_rest_counted() -> None:
    engine = load_engine(secret=b"k", max_findings_per_input=50)
    text = _ips(400)
    findings = engine.scan(text)
    assert isinstance(findings, scanners.Findings)
    assert len(findings) == 50
    assert findings.dropped == 350
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    # Every address is still masked in a preview of the text, reported or not.
    assert len(findings.masked_spans) == 400
    redacted = engine.redact(text)
    assert all(address not in redacted for address in text.split(" ")[50:60])


def test_the_cap_keeps_the_most_severe(engine: Engine) -> None:
    text = _ips(20) + " card 4111 1111 1111 1111 and mail jane@example.org"
    everything = engine.scan(text)
    findings = load_engine(secret=b"k", max_findings_per_input=2).scan(text)
    assert len(findings) == 2 and findings.dropped == len(everything) - 2
    assert {f.category.value for f in findings} == {"credit_card", "email"}


def test_default_cap_and_batches(engine: Engine) -> None:
    assert engine.max_findings_per_input == 1_000
    results = engine.scan_many([_ips(1_200), None, "nothing"])
    assert [len(r) for r in results] == [1_000, 0, 0]
    assert [r.dropped for r in results] == [200, 0, 0]


def test_cap_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_findings_per_input"):
        load_engine(secret=b"k", max_findings_per_input=0)


@pytest.mark.parametrize(("text", "secret"), OVERLAPS)
def test_the_conversation_view_masks_the_loser_too(engine: Engine, text: str, secret: str) -> None:
    from claude_compliance.web.masking import mask, plain

    shown = plain(mask(text, engine))
    start = text.index(secret)
    assert shown.startswith(text[:start])
    assert not any(ch.isalnum() for ch in shown[start:]), shown
