"""The TOML rules file: custom detectors, allowlists, disable / override, loud validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanners import Category, RulesError, Severity, load_engine
from scanners.rules import parse_rules

CARD = "4111 1111 1111 1111"

RULES = """
version = 1
disable = ["ip-address"]

[overrides.email]
severity = "LOW"
extra_context = ["correo"]

[overrides.phone-number]
min_confidence = 0.99

[[detectors]]
id = "acme-badge"
category = "api_key"
severity = "HIGH"
description = "ACME badge secrets"
regex = 'acme_(?P<value>[a-z0-9]{20})'
min_entropy = 3.0
context = ["badge"]
true_positives = ["badge acme_q8zrt1vyh3kw9xbn2mlp"]
false_positives = ["acme_aaaaaaaaaaaaaaaaaaaa"]

[[detectors]]
id = "acme-account"
category = "credit_card"
regex = 'ACC-(?P<value>[0-9]{8})'
validator = "luhn"

[[allowlists]]
description = "QA card"
detectors = ["credit-card"]
values = ["4111111111111111"]

[[allowlists]]
categories = ["email"]
regexes = ['@ourcompany\\.com$']
"""


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


def test_rules_file_shapes_the_engine(rules_file: Path) -> None:
    engine = load_engine(secret=b"k", rules_path=rules_file)
    ids = {detector.id for detector in engine.detectors}
    assert "ip-address" not in ids and {"acme-badge", "acme-account"} <= ids

    (badge,) = engine.scan("my badge acme_q8zrt1vyh3kw9xbn2mlp ok")
    assert badge.detector == "acme-badge" and badge.severity is Severity.HIGH
    assert badge.category is Category.API_KEY

    assert [f.detector for f in engine.scan("acct ACC-79927398 and ACC-79927390")] == [
        "acme-account"
    ]
    assert engine.scan("server 10.0.0.1") == []
    (email,) = engine.scan("mail jane@example.com")
    assert email.severity is Severity.LOW
    assert engine.scan("mail jane@ourcompany.com") == []
    assert engine.scan(f"card {CARD}") == []
    assert [f.category for f in engine.scan("card 5555 5555 5555 4444")] == [Category.CREDIT_CARD]
    assert engine.scan("call (415) 555-0123") == []


def test_allowlist_by_fingerprint(tmp_path: Path) -> None:
    base = load_engine(secret=b"k")
    fingerprint = base.scan(f"card {CARD}")[0].fingerprint
    path = tmp_path / "rules.toml"
    path.write_text(f'[[allowlists]]\nfingerprints = ["{fingerprint}"]\n', encoding="utf-8")
    engine = load_engine(secret=b"k", rules_path=path)
    assert engine.scan("card 4111-1111-1111-1111") == []
    assert engine.scan("card 5555 5555 5555 4444")


def test_ruleset_version_tracks_the_rules(rules_file: Path, tmp_path: Path) -> None:
    builtin = load_engine(secret=b"k").ruleset_version
    first = load_engine(secret=b"k", rules_path=rules_file).ruleset_version
    assert first == load_engine(secret=b"other", rules_path=rules_file).ruleset_version
    assert first != builtin
    changed = tmp_path / "changed.toml"
    changed.write_text(RULES.replace('severity = "LOW"', 'severity = "HIGH"'), encoding="utf-8")
    assert load_engine(secret=b"k", rules_path=changed).ruleset_version != first


BAD_RULES = [
    ("version = [", "not valid TOML"),
    ("colour = 1", "colour: unknown key"),
    ("version = 2", "unsupported version"),
    ('disable = ["nope"]', "unknown built-in detector 'nope'"),
    ("disable = 3", "disable: must be an array of strings"),
    ("[overrides.nope]\nseverity = 'LOW'", "overrides.nope: unknown built-in detector"),
    ("[overrides.email]\nseverity = 'SEVERE'", "overrides.email.severity: must be one of"),
    ("[overrides.email]\nshade = 1", "overrides.email.shade: unknown key"),
    ("[overrides.email]\nmin_confidence = 2", "min_confidence: must be between"),
    ("[[detectors]]\ncategory = 'api_key'\nregex = 'x'", "detectors[0].id: is required"),
    ("[[detectors]]\nid = 'Bad_Id'\ncategory = 'api_key'\nregex = 'x'", "must be kebab-case"),
    ("[[detectors]]\nid = 'x'\ncategory = 'secret'\nregex = 'x'", "detectors[0].category"),
    ("[[detectors]]\nid = 'x'\ncategory = 'api_key'\nregex = 'a(b'", "not a valid RE2 regex"),
    ("[[detectors]]\nid = 'x'\ncategory = 'api_key'\nregex = '(?<=a)b'", "detectors[0].regex"),
    ("[[detectors]]\nid = 'email'\ncategory = 'email'\nregex = 'x'", "is a built-in detector id"),
    (
        "[[detectors]]\nid = 'x'\ncategory = 'api_key'\nregex = 'x'\n"
        "[[detectors]]\nid = 'x'\ncategory = 'api_key'\nregex = 'y'",
        "detectors[1].id: duplicate detector id",
    ),
    ("[[detectors]]\nid = 'x'\ncategory = 'api_key'\nregex = 'x'\nvalidator = 'md5'", "validator"),
    (
        "[[detectors]]\nid = 'x'\ncategory = 'api_key'\nregex = 'abc'\ntrue_positives = ['xyz']",
        "detectors[0].true_positives[0]: not detected",
    ),
    (
        "[[detectors]]\nid = 'x'\ncategory = 'api_key'\nregex = 'abc'\nfalse_positives = ['abc']",
        "detectors[0].false_positives[0]: detected but should not be",
    ),
    ("[[allowlists]]\ndescription = 'nothing'", "allowlists[0]: allows nothing"),
    ("[[allowlists]]\nfingerprints = ['abc']", "is not a 64-hex-digit fingerprint"),
    ("[[allowlists]]\nvalues = ['x']\ndetectors = ['nope']", "unknown detector 'nope'"),
    ("[[allowlists]]\nregexes = ['(']", "allowlists[0].regexes[0]: not a valid RE2 regex"),
    ("[[allowlists]]\nvalues = ['x']\ncategories = ['nope']", "allowlists[0].category"),
    ("detectors = 1", "detectors: must be an array of tables"),
]


@pytest.mark.parametrize(("text", "message"), BAD_RULES, ids=[m for _, m in BAD_RULES])
def test_bad_rules_fail_loudly_and_say_where(text: str, message: str) -> None:
    with pytest.raises(RulesError) as raised:
        parse_rules(text, source="rules.toml")
    assert str(raised.value).startswith("rules.toml: ")
    assert message in str(raised.value)


def test_missing_rules_file_is_a_rules_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read"):
        load_engine(secret=b"k", rules_path=tmp_path / "absent.toml")


def test_rules_disable_and_allowlist_the_new_categories(tmp_path: Path) -> None:
    text = "IBAN DE44 4531 1841 7252 6806 71 and codice fiscale RFMDRP73H68C792W"
    engine = load_engine(secret=b"s")
    assert {f.category.value for f in engine.scan(text)} == {"bank_account", "national_id"}
    rules = tmp_path / "rules.toml"
    rules.write_text(
        'version = 1\ndisable = ["iban"]\n'
        '[[allowlists]]\ndescription = "test ids"\ncategories = ["national_id"]\n'
        'regexes = ["^RFM"]\n'
    )
    assert load_engine(secret=b"s", rules_path=rules).scan(text) == []
