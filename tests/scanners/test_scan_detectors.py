"""Every built-in detector finds its own true positives and none of its false positives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import re2

from scanners import CATEGORY_SEVERITY, Engine
from scanners.detectors import BUILTIN_DETECTORS, Detector, Pattern
from scanners.prefilter import relax

TRUE_POSITIVES = [
    pytest.param(detector, text, id=f"{detector.id}-tp{i}")
    for detector in BUILTIN_DETECTORS
    for i, text in enumerate(detector.true_positives)
]
FALSE_POSITIVES = [
    pytest.param(detector, text, id=f"{detector.id}-fp{i}")
    for detector in BUILTIN_DETECTORS
    for i, text in enumerate(detector.false_positives)
]


@pytest.mark.parametrize(("detector", "text"), TRUE_POSITIVES)
def test_true_positive_is_found(engine: Engine, detector: Detector, text: str) -> None:
    findings = engine.scan(text)
    ours = [f for f in findings if f.category == detector.category]
    assert ours, f"{detector.id} missed: {text!r} (found {findings})"
    for finding in ours:
        assert finding.severity == detector.category.severity
        assert 0.0 < finding.confidence <= 1.0
        assert finding.redacted != text[finding.start : finding.end]


@pytest.mark.parametrize(("detector", "text"), FALSE_POSITIVES)
def test_false_positive_is_not_found(engine: Engine, detector: Detector, text: str) -> None:
    findings = [f for f in engine.scan(text) if f.category == detector.category]
    assert not findings, f"{detector.id} false alarm on {text!r}: {findings}"


@pytest.mark.parametrize("detector", BUILTIN_DETECTORS, ids=lambda d: d.id)
def test_detector_is_well_declared(detector: Detector) -> None:
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", detector.id)
    assert detector.severity == CATEGORY_SEVERITY[detector.category]
    assert len(detector.true_positives) >= 3
    assert len(detector.false_positives) >= 3
    assert detector.patterns
    for pattern in detector.patterns:
        compiled = re2.compile(pattern.regex)
        assert 0.0 < pattern.confidence <= 1.0
        assert compiled.groups == 0 or "value" in compiled.groupindex


def test_detector_ids_are_unique() -> None:
    ids = [detector.id for detector in BUILTIN_DETECTORS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("detector", "text"), TRUE_POSITIVES)
def test_preview_hides_the_value(engine: Engine, detector: Detector, text: str) -> None:
    for finding in engine.scan(text):
        value = text[finding.start : finding.end]
        assert value not in repr(finding)
        assert value not in finding.redacted


def _example_texts() -> list[str]:
    texts = [t for d in BUILTIN_DETECTORS for t in (*d.true_positives, *d.false_positives)]
    corpora = Path(__file__).parents[2] / "benchmarks" / "corpus"
    for name in ("scan_cases.jsonl", "password_cases.jsonl", "heldout_passwords.jsonl"):
        corpus = corpora / name
        if corpus.exists():
            lines = corpus.read_text("utf-8").splitlines()
            texts += [json.loads(line)["text"] for line in lines]
    return texts


@pytest.mark.parametrize(
    "pattern",
    [p for d in BUILTIN_DETECTORS for p in d.patterns],
    ids=lambda p: p.name,
)
def test_prefilter_form_is_a_superset(pattern: Pattern) -> None:
    exact = re2.compile(pattern.regex)
    loose = re2.compile(relax(pattern.regex))
    for text in _example_texts():
        if exact.search(text) is not None:
            assert loose.search(text) is not None, text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Ich habe mein Kennwort vergessen, es lautet Blume!2024", "Blume!2024"),
        ("Das WLAN-Passwort für Gäste lautet „Sommer#77“ – bis Freitag", "Sommer#77"),
        ("mein Passwort ist „Sonne2023!“.", "Sonne2023!"),
        ("my password is “Tr0ub4dor” for now", "Tr0ub4dor"),
        ("mon mot de passe est «Chat_2024»", "Chat_2024"),
    ],
)
def test_a_password_in_a_sentence_is_the_value_without_its_quotes(
    engine: Engine, text: str, value: str
) -> None:
    found = [text[f.start : f.end] for f in engine.scan(text) if f.category.value == "password"]
    assert found == [value]
