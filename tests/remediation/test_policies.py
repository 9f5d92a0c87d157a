"""The policies file: validated when it loads, every error naming the file, policy and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_compliance.remediation.policies import (
    ENV_VAR,
    Policy,
    PolicyError,
    load_from_env,
    parse_policies,
)
from claude_compliance.settings import SettingsError

GOOD = """
version = 1

[[policies]]
name = "critical-api-keys"
categories = ["api_key"]
severities = ["CRITICAL"]
open_for_hours = 24
note = "rotate it too"

[[policies]]
name = "any-high"
severities = ["HIGH", "CRITICAL"]
detectors = ["jwt"]
open_for_hours = 0.5
scope = "chat"
enabled = false
"""


def test_a_valid_file_loads_every_field() -> None:
    first, second = parse_policies(GOOD, source="p.toml")
    assert first == Policy(
        name="critical-api-keys",
        open_for_hours=24.0,
        categories=("api_key",),
        severities=("CRITICAL",),
        note="rotate it too",
    )
    assert first.requester == "policy:critical-api-keys"
    assert first.describe() == "CRITICAL api_key findings open for 24 h"
    assert (second.scope, second.is_enabled, second.detectors) == ("chat", False, ("jwt",))


def test_unset_means_off_and_a_missing_file_fails_naming_the_variable(tmp_path: Path) -> None:
    assert load_from_env({}) == ()
    assert load_from_env({ENV_VAR: "  "}) == ()
    with pytest.raises(SettingsError, match=f"{ENV_VAR}: cannot read"):
        load_from_env({ENV_VAR: str(tmp_path / "nope.toml")})
    path = tmp_path / "p.toml"
    path.write_text(GOOD)
    assert [p.name for p in load_from_env({ENV_VAR: str(path)})] == [
        "critical-api-keys",
        "any-high",
    ]


BASE = 'name = "p"\nseverities = ["CRITICAL"]\nopen_for_hours = 1\n'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'name = "Bad Name"\nseverities = ["CRITICAL"]\nopen_for_hours = 1',
            r"policies\[0\]\.name",
        ),
        ('severities = ["CRITICAL"]\nopen_for_hours = 1', r"policies\[0\]\.name: required"),
        ('name = "p"\nseverities = ["CRITICAL"]', r"\(p\)\.open_for_hours: required"),
        ('name = "p"\nseverities = ["CRITICAL"]\nopen_for_hours = -1', r"open_for_hours"),
        ('name = "p"\nseverities = ["CRITICAL"]\nopen_for_hours = "24"', r"open_for_hours"),
        ('name = "p"\nseverities = ["CRITICAL"]\nopen_for_hours = true', r"open_for_hours"),
        ('name = "p"\nopen_for_hours = 1', r"\(p\): categories or severities is required"),
        ('name = "p"\nseverities = ["NONE"]\nopen_for_hours = 1', r"\(p\)\.severities: unknown"),
        ('name = "p"\nseverities = ["critical"]\nopen_for_hours = 1', r"severities: unknown"),
        ('name = "p"\ncategories = ["apikey"]\nopen_for_hours = 1', r"\(p\)\.categories: unknown"),
        ('name = "p"\ncategories = "api_key"\nopen_for_hours = 1', r"categories: a list"),
        (BASE + 'scope = "org"', r"\(p\)\.scope: one of file, chat, project"),
        (BASE + 'enabled = "yes"', r"\(p\)\.enabled: true or false"),
        (BASE + "detectors = [1]", r"\(p\)\.detectors: a list of strings"),
        (BASE + "note = 3", r"\(p\)\.note: a string"),
        (BASE + "min_age = 3", r"unknown field 'min_age'"),
    ],
)
def test_each_bad_field_is_refused_by_name(body: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message) as raised:
        parse_policies(f"version = 1\n[[policies]]\n{body}\n", source="p.toml")
    assert str(raised.value).startswith("p.toml: policies[0]")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version = 2", r"p\.toml: version: unsupported 2"),
        ("version = 1\npolicy = []", r"p\.toml: unknown key 'policy'"),
        ("version = 1\npolicies = 3", r"p\.toml: policies: must be"),
        ("version = [", r"p\.toml: not valid TOML"),
        (
            f"[[policies]]\n{BASE}[[policies]]\n{BASE}",
            r"p\.toml: policies\[1\]\.name: duplicate name 'p'",
        ),
    ],
)
def test_file_level_errors_name_the_file(text: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policies(text, source="p.toml")
