"""Engine behaviour: offsets, overlaps, batches, previews, fingerprints, linear time."""

from __future__ import annotations

import dataclasses
import itertools
import json
import time
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanners import CATEGORY_SEVERITY, Category, Engine, Finding, Severity, load_engine
from scanners import engine as engine_module
from scanners.detectors import BUILTIN_DETECTORS, Detector, Pattern
from scanners.prefilter import relax

# CPU-bound and independent: xdist spreads them over every worker (tests/fixtures/grouping.py)
pytestmark = pytest.mark.spread

CARD = "4111 1111 1111 1111"
ANTHROPIC_KEY = (
    "sk-ant-api03-q8ZrT1vYh3Kw9XbN2mLp5sDfGj7HcV4aUe6RiOo0tyQWBn1Mz8xE"
    "-Lk_Ps2Jd3Fg4Hh5Jj6Kk7Ll8Zz9Xx0Cc1Vv2Bb3Nn4Mm5Qq6Ww7Ee8Rr9Tt0Yy1Uu2AA"
)
SAMPLES = [
    f"my card is {CARD}, thanks",
    "write to jane.doe@example.com",
    f"export ANTHROPIC_API_KEY={ANTHROPIC_KEY}",
    "nothing to see here",
    "",
]


# --- vocabulary ---------------------------------------------------------------------------


def test_category_and_severity_values_are_exact() -> None:
    assert [c.value for c in Category] == [
        "ssn",
        "credit_card",
        "api_key",
        "private_key",
        "password",
        "bearer_token",
        "email",
        "phone",
        "ip_address",
        "national_id",
        "bank_account",
    ]
    assert CATEGORY_SEVERITY[Category.NATIONAL_ID] == Severity.CRITICAL
    assert CATEGORY_SEVERITY[Category.BANK_ACCOUNT] == Severity.CRITICAL
    assert [s.value for s in Severity] == ["CRITICAL", "HIGH", "MEDIUM", "LOW", "NONE"]


def test_severity_compares_by_rank() -> None:
    assert Severity.NONE < Severity.LOW < Severity.MEDIUM < Severity.HIGH < Severity.CRITICAL
    assert sorted([Severity.HIGH, Severity.LOW, Severity.CRITICAL]) == [
        Severity.LOW,
        Severity.HIGH,
        Severity.CRITICAL,
    ]
    assert max([Severity.MEDIUM, Severity.CRITICAL, Severity.HIGH]) is Severity.CRITICAL
    assert Severity.max_of([]) is Severity.NONE
    assert Severity.max_of(["LOW", Severity.MEDIUM]) is Severity.MEDIUM
    assert Severity.CRITICAL.rank == 4 and Severity.NONE.rank == 0
    assert {Severity.LOW: 1}[Severity("LOW")] == 1


def test_finding_is_frozen_slotted_and_holds_no_value(engine: Engine) -> None:
    text = SAMPLES[0]
    (finding,) = engine.scan(text)
    assert not hasattr(finding, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.start = 0  # type: ignore[misc]
    assert CARD not in repr(finding)
    assert CARD.replace(" ", "") not in repr(finding)
    assert "1111 1111" not in str(finding.to_dict())


# --- offsets ------------------------------------------------------------------------------


def test_offsets_point_at_the_match(engine: Engine) -> None:
    for text in SAMPLES[:3]:
        findings = engine.scan(text)
        assert len(findings) == 1
        value = text[findings[0].start : findings[0].end]
        assert value in {CARD, "jane.doe@example.com", ANTHROPIC_KEY}


def test_offsets_are_characters_with_non_ascii_before_the_match(engine: Engine) -> None:
    text = f"Grüße 😀 ñandú — 日本語 {CARD} e 💳 correo josé.x@example.com ok"
    findings = engine.scan(text)
    values = [text[f.start : f.end] for f in findings]
    assert CARD in values
    assert "x@example.com" in values[-1]


@pytest.mark.parametrize("width", [1, 255, 256, 257, 1_000, 70_000])
def test_offsets_are_characters_across_offset_blocks(engine: Engine, width: int) -> None:
    # Byte-to-character offsets are counted per 256-byte block: matches on either side of
    # many block boundaries, after 1- to 4-byte characters.
    pad = ("é日😀a" * width)[:width]
    text = f"{pad} {CARD} {pad}😀 jane.doe@example.com {pad}"
    values = [text[f.start : f.end] for f in engine.scan(text)]
    assert values == [CARD, "jane.doe@example.com"]


filler = st.text(alphabet=st.sampled_from(list("abc xyz,.;:\n\t()[]éü😀日")), max_size=40)


@settings(max_examples=150, deadline=None)
@given(filler, filler, st.sampled_from([CARD, "jane.doe@example.com", ANTHROPIC_KEY]))
def test_match_is_found_at_its_offset_in_arbitrary_text(
    engine: Engine, before: str, after: str, secret: str
) -> None:
    text = f"{before} {secret} {after}"
    start = len(before) + 1
    spans = [(f.start, f.end) for f in engine.scan(text)]
    assert (start, start + len(secret)) in spans


def test_findings_are_sorted_and_disjoint(engine: Engine) -> None:
    text = " ".join(SAMPLES * 3)
    findings = engine.scan(text)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    for left, right in itertools.pairwise(findings):
        assert left.end <= right.start


# --- overlaps -----------------------------------------------------------------------------


def _digits_detector(detector_id: str, category: Category, regex: str) -> Detector:
    return Detector(
        id=detector_id,
        category=category,
        description="test",
        patterns=(Pattern(name="p", regex=regex, confidence=0.5),),
    )


def test_one_card_is_one_finding(engine: Engine) -> None:
    phone_like = _digits_detector("digits", Category.PHONE, r"(?P<value>\d{4} \d{4})")
    both = Engine((*BUILTIN_DETECTORS, phone_like), secret=b"k")
    findings = both.scan(f"card {CARD} end")
    assert [f.category for f in findings] == [Category.CREDIT_CARD]


def test_overlap_prefers_severity_then_priority() -> None:
    low = _digits_detector("low-one", Category.IP_ADDRESS, r"(?P<value>abc\d+)")
    high = _digits_detector("high-one", Category.PASSWORD, r"(?P<value>\d+xyz)")
    engine = Engine((low, high), secret=b"k")
    findings = engine.scan("abc123xyz and abc9")
    assert [(f.detector, f.start, f.end) for f in findings] == [
        ("high-one", 3, 9),
        ("low-one", 14, 18),
    ]


def test_same_span_from_two_patterns_is_reported_once() -> None:
    twice = Detector(
        id="twice",
        category=Category.API_KEY,
        description="test",
        patterns=(
            Pattern(name="a", regex=r"(?P<value>tok_[a-z]+)", confidence=0.5),
            Pattern(name="b", regex=r"(?P<value>tok_[a-z]+)", confidence=0.6),
        ),
    )
    findings = Engine((twice,), secret=b"k").scan("x tok_abc y")
    assert len(findings) == 1 and findings[0].confidence == 0.6


# --- batches ------------------------------------------------------------------------------

BATCH = [*SAMPLES, None, "Größe 😀 " + CARD, "a" * 1000 + " jane@example.org"]


def test_scan_many_equals_per_row_on_lists(engine: Engine) -> None:
    expected = [engine.scan(t) if t is not None else [] for t in BATCH]
    assert engine.scan_many(BATCH) == expected


@pytest.mark.parametrize("arrow_type", [pa.string(), pa.large_string(), pa.string_view()])
def test_scan_many_equals_per_row_on_arrow(engine: Engine, arrow_type: pa.DataType) -> None:
    array = pa.array(BATCH, type=arrow_type)
    expected = [engine.scan(t) if t is not None else [] for t in BATCH]
    assert engine.scan_many(array) == expected
    sliced = array.slice(2, 5)
    assert engine.scan_many(sliced) == expected[2:7]
    chunked = pa.chunked_array([array.slice(0, 3), array.slice(3)], type=arrow_type)
    assert engine.scan_many(chunked) == expected


def test_scan_many_on_empty_and_all_null_arrays(engine: Engine) -> None:
    assert engine.scan_many(pa.array([], type=pa.string())) == []
    assert engine.scan_many(pa.array([None, None], type=pa.string())) == [[], []]
    assert engine.scan_many([]) == []


def test_scan_many_rejects_non_string_arrow(engine: Engine) -> None:
    with pytest.raises(TypeError):
        engine.scan_many(pa.array([1, 2]))


# --- previews, fingerprints, versions -----------------------------------------------------


def test_preview_never_equals_the_match(engine: Engine) -> None:
    for text in SAMPLES:
        for finding in engine.scan(text):
            assert finding.redacted != text[finding.start : finding.end]


def test_redact_replaces_every_span(engine: Engine) -> None:
    text = " / ".join(SAMPLES)
    redacted = engine.redact(text)
    assert CARD not in redacted and ANTHROPIC_KEY not in redacted
    assert "jane.doe@example.com" not in redacted
    assert "•••• •••• •••• 1111" in redacted and "j•••@example.com" in redacted


def test_fingerprint_is_keyed_and_normalized() -> None:
    one = load_engine(secret=b"one")
    two = load_engine(secret=b"two")
    (spaced,) = one.scan(f"card {CARD}")
    (dashed,) = one.scan("card 4111-1111-1111-1111")
    (plain,) = one.scan("card 4111111111111111")
    assert spaced.fingerprint == dashed.fingerprint == plain.fingerprint
    assert len(spaced.fingerprint) == 64
    assert two.scan(f"card {CARD}")[0].fingerprint != spaced.fingerprint
    assert one.fingerprint("4111-1111-1111-1111", "credit-card") == spaced.fingerprint


def test_secret_is_required() -> None:
    with pytest.raises(ValueError, match="secret"):
        load_engine(secret=b"")


def test_ruleset_version_is_stable_and_tracks_rules() -> None:
    assert load_engine(secret=b"a").ruleset_version == load_engine(secret=b"b").ruleset_version
    fewer = Engine(BUILTIN_DETECTORS[:-1], secret=b"a")
    assert fewer.ruleset_version != load_engine(secret=b"a").ruleset_version
    assert len(fewer.ruleset_version) == 12


def test_scan_returns_finding_instances(engine: Engine) -> None:
    assert all(isinstance(f, Finding) for f in engine.scan(SAMPLES[0]))


# --- adversarial input --------------------------------------------------------------------

ADVERSARIAL = [
    "a",
    "1",
    " ",
    "-",
    "@",
    ".",
    "=",
    "/",
    "\\",
    "x",
    "A",
    "é",
    "😀",
    "1 ",
    "1-",
    "4111 ",
    "a@",
    "a.",
    "sk-ant-api03-",
    "@a.co ",
    "1.",
    "-----BEGIN ",
    "password=",
    "a:",
    "ghp_",
    "\\n",
    "my password is Xy9! ",
    "password: ",
    "-----BEGIN RSA PRIVATE KEY-----\n" + "A" * 64 + "\n",
    "Bearer abcdefgh12345678 ",
    "eyJhbGciOiJIUzI1NiJ9.",
    "user:pass@",
    "::",
    "1.2.3.4.",
    "(415) 555-0123 ",
    "+1 ",
    "4111 1111 1111 1111 ",
    "jane@example.com ",
]


def _elapsed(engine: Engine, text: str) -> float:
    began = time.perf_counter()
    engine.scan(text)
    return time.perf_counter() - began


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_adversarial_input_is_linear(engine: Engine, unit: str) -> None:
    small = unit * (256_000 // len(unit))
    large = unit * (1_024_000 // len(unit))
    small_time = min(_elapsed(engine, small) for _ in range(2))
    large_time = _elapsed(engine, large)
    if large_time >= max(12 * small_time, 0.5):
        # One retry: a busy shared machine can stall a single run.
        large_time = min(large_time, _elapsed(engine, large))
    # 4x the input may take at most ~4x the time; the bound is generous against noise.
    assert large_time < max(12 * small_time, 0.5), (unit, small_time, large_time)
    assert large_time < 20.0


# --- RE2 plumbing -------------------------------------------------------------------------


class _PublicOnly:
    """A compiled regex seen only through google-re2's public API."""

    def __init__(self, regex: object) -> None:
        self._inner = regex
        self.groups = regex.groups  # type: ignore[attr-defined]

    def finditer(self, data: bytes) -> object:
        return self._inner.finditer(data)  # type: ignore[attr-defined]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 @.-:é😀\n")), max_size=60))
def test_fast_finditer_equals_the_public_api(text: str) -> None:
    import re2

    from scanners.engine import _byte_finditer

    data = text.encode()
    for pattern in [r"(?P<value>\d+)", r"a*", r"(?P<value>[a-z]+)@(?P<d>[a-z.]+)?", r"é|😀"]:
        regex = re2.compile(pattern)
        # Empty matches differ on purpose: the fast path steps over whole UTF-8 characters.
        fast = [spans for spans in _byte_finditer(regex)(data) if spans[0][0] < spans[0][1]]
        public = [
            spans for spans in _byte_finditer(_PublicOnly(regex))(data) if spans[0][0] < spans[0][1]
        ]
        assert fast == public, pattern


def test_context_words_need_word_boundaries() -> None:
    from scanners.detectors.base import ContextWords

    words = ContextWords(("card", "pan", "密码"))
    assert words.search("my CARD number")
    assert not words.search("company pancake scorecard_x")
    assert words.search("我的密码是")
    assert not ContextWords(("key",)).search("api_key")


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=()), max_size=80),
    st.sampled_from(SAMPLES),
)
def test_any_unicode_text_scans_safely(engine: Engine, noise: str, sample: str) -> None:
    text = noise + sample + noise
    findings = engine.scan(text)
    assert engine.scan_many([text]) == [findings]
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.redacted != text[finding.start : finding.end]


# --- table columns label their values -------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["ssn", "SSN", "social_security_number", "Social Security", "ss_number", "SocialSecurityNo"],
)
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_a_column_header_labels_values_far_below_it(header: str, delimiter: str) -> None:
    rows = [delimiter.join(("name", header, "dob"))]
    rows += [delimiter.join((f"person {i}", f"{536904300 + i}", "1984-03-12")) for i in range(40)]
    text = "\n".join(rows)
    findings = load_engine(secret=b"s").scan(text)
    assert [f.category for f in findings] == [Category.SSN] * 40
    last = findings[-1]
    assert text[last.start : last.end] == "536904339"


@pytest.mark.parametrize(
    "text",
    [
        "name,order_id,dob\nJane,536904399,1984-03-12",
        "employee_id,badge,ssn_verified\n536904399,626720936,true",
        "ssn,note\n" + "a line of prose that ends the table " * 3 + "\nJane,536904399",
    ],
)
def test_other_columns_and_broken_tables_give_no_context(text: str) -> None:
    assert [f for f in load_engine(secret=b"s").scan(text) if f.category == Category.SSN] == []


# --- phone numbers by region ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "number"),
    [
        ("GB", "020 7946 0321"),
        ("GB", "07911 123456"),
        ("JP", "090-3412-5678"),
        ("DE", "030 901820"),
        ("FR", "06 12 34 56 78"),
        ("AU", "0412 345 678"),
    ],
)
def test_the_organizations_region_reads_national_numbers(region: str, number: str) -> None:
    text = f"please call the customer back on {number} today"
    assert [f for f in load_engine(secret=b"s").scan(text) if f.category == Category.PHONE] == []
    findings = load_engine(secret=b"s", region=region).scan(text)
    assert [(f.category, text[f.start : f.end]) for f in findings] == [(Category.PHONE, number)]


@pytest.mark.parametrize(
    "text",
    [
        "our London office is on 020 7946 0321",
        "Main: +44 20 7946 0000. Direct line 020 7946 0321",
        "携帯は 090-3412-5678 です",
        "Telefon Berlin: 030 901820",
    ],
)
def test_the_texts_own_cues_read_national_numbers(text: str) -> None:
    findings = load_engine(secret=b"s").scan(text)
    assert Category.PHONE in {f.category for f in findings}


@pytest.mark.parametrize(
    "text",
    [
        "part number 020-7946-0958 is the left hinge",
        "version 090.1234.5678 of the firmware",
        "released 17.05.2024, see 2024-05-17",
        "the total was 030 901820 units",
    ],
)
def test_a_region_alone_does_not_make_digit_groups_phones(text: str) -> None:
    for region in ("GB", "JP", "DE"):
        findings = load_engine(secret=b"s", region=region).scan(text)
        assert [f for f in findings if f.category == Category.PHONE] == [], region


def test_an_unknown_region_fails_loudly() -> None:
    with pytest.raises(ValueError, match="unknown phone region 'XX'"):
        load_engine(secret=b"s", region="XX")


# --- the prefilter of gated patterns ----------------------------------------------------------


def _corpus_texts() -> list[str]:
    corpora = Path(__file__).parents[2] / "benchmarks" / "corpus"
    texts = [t for d in BUILTIN_DETECTORS for t in (*d.true_positives, *d.false_positives)]
    for corpus in sorted(corpora.glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines()]
    return texts


@pytest.mark.parametrize("region", ["US", "GB", "JP", "DE"])
def test_requiring_a_gated_patterns_shape_changes_no_result(
    monkeypatch: pytest.MonkeyPatch, region: str
) -> None:
    # The same engine with its gated patterns prefiltered by their words alone, as before
    # their shapes joined the Set: every finding, preview, fingerprint and masked span agrees.
    gated = load_engine(secret=b"s", region=region)
    words_only = engine_module._prefilters
    monkeypatch.setattr(engine_module, "_prefilters", lambda pattern: words_only(pattern)[:1])
    reference = load_engine(secret=b"s", region=region)
    texts = _corpus_texts()
    assert len(texts) > 1000
    texts += [f"call me {text}" for text in texts[::7]]  # a gate word before every shape
    for got, want in zip(gated.scan_many(texts), reference.scan_many(texts), strict=True):
        assert got == want
        assert got.masked_spans == want.masked_spans


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("please call me back tomorrow", False),  # the gate word, no number
        ("part number 020-7946-0958 is the left hinge", False),  # the shape, no gate word
        ("please call me on 020 7946 0321", True),
        ("Telefon: 030 901820", True),
    ],
)
def test_a_gated_pattern_runs_only_where_its_words_and_its_shape_both_are(
    engine: Engine, text: str, runs: bool
) -> None:
    hits = engine._match_set(text.encode()) if engine._match_set is not None else []
    national = [e for e in engine._triggered(hits) if e.pattern.gate]
    assert bool(national) is runs
    # No other pattern runs on these texts either.
    assert engine.passes_prefilter(text.encode()) is runs
    for pattern in (p for d in engine.detectors for p in d.patterns if p.gate):
        assert relax(pattern.regex) in engine.patterns
