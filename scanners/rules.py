"""The rules file: custom detectors, allowlists, disabled and overridden built-ins (TOML).

Example (every table is optional)::

    version = 1
    disable = ["ip-address"]                  # built-in detector ids to switch off

    [overrides.email]                         # adjust a built-in detector
    severity = "LOW"
    min_confidence = 0.9
    extra_context = ["correo"]

    [[detectors]]                             # a custom detector
    id = "acme-employee-token"
    category = "api_key"
    severity = "HIGH"                         # default: the category's severity
    regex = 'acme_(?P<value>[a-z0-9]{24})'    # RE2; group "value" marks the secret
    validator = "luhn"                        # optional, see VALIDATORS
    min_entropy = 3.0                         # optional
    confidence = 0.8
    context = ["acme"]
    requires_context = false
    true_positives = ["token acme_..."]       # checked when the file loads
    false_positives = ["acme_docs"]

    [[allowlists]]                            # findings to silence
    description = "QA cards"
    detectors = ["credit-card"]               # optional scope (detectors and/or categories)
    values = ["4111111111111111"]
    fingerprints = []
    regexes = ['@ourcompany\\.com$']

Everything is validated when the file loads; a `RulesError` names the file, the entry and
the problem.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import re2
from stdnum import iban
from stdnum.us import rtn

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.common import is_placeholder, shannon_entropy
from scanners.engine import Allowlist, Engine
from scanners.model import Category, Severity
from scanners.validators import basic_auth, credit_card, github_token, ip, jwt, luhn, ssn

__all__ = ["VALIDATORS", "Rules", "RulesError", "load_rules", "parse_rules"]

VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": luhn.is_valid,
    "credit_card": credit_card.is_valid,
    "ssn": ssn.is_valid,
    "github_token": github_token.is_valid,
    "jwt": jwt.is_valid,
    "basic_auth": basic_auth.is_valid,
    "ip": ip.is_valid,
    "iban": iban.is_valid,
    "aba_routing": rtn.is_valid,
}

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOP_KEYS = {"version", "disable", "overrides", "detectors", "allowlists"}
_DETECTOR_KEYS = {
    "id",
    "category",
    "severity",
    "description",
    "regex",
    "validator",
    "min_entropy",
    "confidence",
    "context",
    "requires_context",
    "reject_placeholders",
    "true_positives",
    "false_positives",
}
_OVERRIDE_KEYS = {"severity", "min_confidence", "extra_context", "confidence_boost"}
_ALLOWLIST_KEYS = {"description", "detectors", "categories", "values", "fingerprints", "regexes"}


class RulesError(ValueError):
    """The rules file is malformed; the message names the file, the entry and the problem."""


@dataclass(frozen=True, slots=True)
class Rules:
    """A parsed, validated rules file."""

    source: str
    disabled: frozenset[str]
    overrides: Mapping[str, Mapping[str, Any]]
    detectors: tuple[Detector, ...]
    allowlists: tuple[Allowlist, ...]
    digest: str

    def apply(self, builtins: Sequence[Detector]) -> tuple[Detector, ...]:
        """The built-ins minus disabled ones, with overrides applied, plus custom detectors."""
        active = []
        for detector in builtins:
            if detector.id in self.disabled:
                continue
            override = self.overrides.get(detector.id)
            if override:
                detector = dataclasses.replace(
                    detector,
                    severity_override=(
                        Severity(override["severity"])
                        if "severity" in override
                        else detector.severity_override
                    ),
                    min_confidence=override.get("min_confidence", detector.min_confidence),
                    context=detector.context + tuple(override.get("extra_context", ())),
                    context_boost=override.get("confidence_boost", detector.context_boost),
                )
            active.append(detector)
        return (*active, *self.detectors)


def load_rules(path: str | Path, builtin_ids: Sequence[str] | None = None) -> Rules:
    """Read and validate a TOML rules file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RulesError(f"{path}: cannot read the rules file: {error}") from error
    return parse_rules(text, source=str(path), builtin_ids=builtin_ids)


def parse_rules(
    text: str, source: str = "<rules>", builtin_ids: Sequence[str] | None = None
) -> Rules:
    """Parse and validate rules from TOML text."""
    if builtin_ids is None:
        from scanners.detectors import BUILTIN_DETECTORS

        builtin_ids = [detector.id for detector in BUILTIN_DETECTORS]
    known = set(builtin_ids)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"{source}: not valid TOML: {error}") from error
    where = _Where(source)
    _no_unknown_keys(data, _TOP_KEYS, where)
    version = data.get("version", 1)
    if version != 1:
        raise where.error("version", f"unsupported version {version!r} (expected 1)")

    disabled = frozenset(_strings(data.get("disable", []), where.at("disable")))
    for detector_id in sorted(disabled - known):
        raise where.error("disable", f"unknown built-in detector {detector_id!r}")

    overrides = _parse_overrides(data.get("overrides", {}), known, where)
    detectors = tuple(
        _parse_detector(entry, where.at(f"detectors[{index}]"))
        for index, entry in enumerate(_tables(data.get("detectors", []), where.at("detectors")))
    )
    ids = [detector.id for detector in detectors]
    for index, detector_id in enumerate(ids):
        if detector_id in known:
            raise where.error(
                f"detectors[{index}].id",
                f"{detector_id!r} is a built-in detector id; use [overrides] to change it",
            )
        if ids.index(detector_id) != index:
            raise where.error(f"detectors[{index}].id", f"duplicate detector id {detector_id!r}")
    active_ids = (known - disabled) | set(ids)
    allowlists = tuple(
        _parse_allowlist(entry, where.at(f"allowlists[{index}]"), active_ids | known)
        for index, entry in enumerate(_tables(data.get("allowlists", []), where.at("allowlists")))
    )
    for index, detector in enumerate(detectors):
        _self_test(detector, where.at(f"detectors[{index}]"))
    canonical = json.dumps(
        {
            "disable": sorted(disabled),
            "overrides": overrides,
            "detectors": data.get("detectors", []),
            "allowlists": [allowlist.describe() for allowlist in allowlists],
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return Rules(
        source=source,
        disabled=disabled,
        overrides=overrides,
        detectors=detectors,
        allowlists=allowlists,
        digest=hashlib.sha256(canonical.encode()).hexdigest(),
    )


# --- pieces ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Where:
    source: str
    path: str = ""

    def at(self, key: str) -> _Where:
        return _Where(self.source, f"{self.path}.{key}" if self.path else key)

    def error(self, key: str, problem: str) -> RulesError:
        location = self.at(key).path if key else self.path
        return RulesError(f"{self.source}: {location}: {problem}")


def _no_unknown_keys(table: Mapping[str, Any], allowed: set[str], where: _Where) -> None:
    for key in table:
        if key not in allowed:
            raise where.error(key, f"unknown key (expected one of: {', '.join(sorted(allowed))})")


def _tables(value: Any, where: _Where) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise where.error("", "must be an array of tables ([[...]])")
    return value


def _strings(value: Any, where: _Where) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise where.error("", "must be an array of strings")
    return value


def _string(table: Mapping[str, Any], key: str, where: _Where, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise where.error(key, "is required")
    if not isinstance(value, str) or not value:
        raise where.error(key, "must be a non-empty string")
    return value


def _number(
    table: Mapping[str, Any], key: str, where: _Where, default: float, low: float, high: float
) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise where.error(key, "must be a number")
    if not low <= value <= high:
        raise where.error(key, f"must be between {low} and {high}")
    return float(value)


def _bool(table: Mapping[str, Any], key: str, where: _Where, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise where.error(key, "must be true or false")
    return value


def _severity(value: Any, where: _Where) -> Severity:
    choices = [severity.value for severity in Severity if severity is not Severity.NONE]
    if value not in choices:
        raise where.error("severity", f"must be one of {', '.join(choices)}, not {value!r}")
    return Severity(value)


def _category(value: Any, where: _Where) -> Category:
    choices = [category.value for category in Category]
    if value not in choices:
        raise where.error("category", f"must be one of {', '.join(choices)}, not {value!r}")
    return Category(value)


def _regex(pattern: str, where: _Where, key: str) -> None:
    try:
        re2.compile(pattern)
    except re2.error as error:
        detail = error.args[0] if error.args else error
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise where.error(key, f"not a valid RE2 regex ({detail})") from error


def _parse_overrides(value: Any, known: set[str], where: _Where) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise where.error("overrides", "must be a table of [overrides.<detector-id>] tables")
    parsed: dict[str, dict[str, Any]] = {}
    for detector_id, table in value.items():
        here = where.at(f"overrides.{detector_id}")
        if detector_id not in known:
            raise here.error("", f"unknown built-in detector {detector_id!r}")
        if not isinstance(table, dict):
            raise here.error("", "must be a table")
        _no_unknown_keys(table, _OVERRIDE_KEYS, here)
        override: dict[str, Any] = {}
        if "severity" in table:
            override["severity"] = _severity(table["severity"], here).value
        if "min_confidence" in table:
            override["min_confidence"] = _number(table, "min_confidence", here, 0.0, 0.0, 1.0)
        if "confidence_boost" in table:
            override["confidence_boost"] = _number(table, "confidence_boost", here, 0.0, 0.0, 1.0)
        if "extra_context" in table:
            override["extra_context"] = _strings(table["extra_context"], here.at("extra_context"))
        parsed[detector_id] = override
    return parsed


def _parse_detector(table: dict[str, Any], where: _Where) -> Detector:
    _no_unknown_keys(table, _DETECTOR_KEYS, where)
    detector_id = _string(table, "id", where)
    if not _ID.match(detector_id):
        raise where.error("id", f"{detector_id!r} must be kebab-case (a-z, 0-9, dashes)")
    category = _category(table.get("category"), where)
    severity = _severity(table["severity"], where) if "severity" in table else None
    regex = _string(table, "regex", where)
    _regex(regex, where, "regex")
    validator_name = table.get("validator")
    if validator_name is not None and validator_name not in VALIDATORS:
        raise where.error(
            "validator", f"unknown validator {validator_name!r} (one of: {', '.join(VALIDATORS)})"
        )
    validator = VALIDATORS.get(validator_name) if validator_name else None
    min_entropy = _number(table, "min_entropy", where, 0.0, 0.0, 8.0)
    confidence = _number(table, "confidence", where, 0.8, 0.01, 1.0)
    reject_placeholders = _bool(table, "reject_placeholders", where, True)

    def check(candidate: Candidate) -> float | None:
        value = candidate.value
        if validator is not None and not validator(value):
            return None
        if min_entropy and shannon_entropy(value) < min_entropy:
            return None
        if reject_placeholders and is_placeholder(value):
            return None
        return candidate.pattern.confidence

    return Detector(
        id=detector_id,
        category=category,
        description=table.get("description", f"custom detector {detector_id}"),
        patterns=(
            Pattern(
                name="custom",
                regex=regex,
                confidence=confidence,
                requires_context=_bool(table, "requires_context", where, False),
            ),
        ),
        context=tuple(_strings(table.get("context", []), where.at("context"))),
        check=check,
        severity_override=severity,
        true_positives=tuple(_strings(table.get("true_positives", []), where.at("true_positives"))),
        false_positives=tuple(
            _strings(table.get("false_positives", []), where.at("false_positives"))
        ),
    )


def _parse_allowlist(table: dict[str, Any], where: _Where, detector_ids: set[str]) -> Allowlist:
    _no_unknown_keys(table, _ALLOWLIST_KEYS, where)
    detectors = frozenset(_strings(table.get("detectors", []), where.at("detectors")))
    for detector_id in sorted(detectors - detector_ids):
        raise where.error("detectors", f"unknown detector {detector_id!r}")
    categories = frozenset(
        _category(value, where) for value in _strings(table.get("categories", []), where)
    )
    regexes = tuple(_strings(table.get("regexes", []), where.at("regexes")))
    for index, regex in enumerate(regexes):
        _regex(regex, where, f"regexes[{index}]")
    fingerprints = frozenset(_strings(table.get("fingerprints", []), where.at("fingerprints")))
    for fingerprint in fingerprints:
        if not re.fullmatch(r"[0-9a-f]{64}", fingerprint):
            raise where.error("fingerprints", f"{fingerprint!r} is not a 64-hex-digit fingerprint")
    values = frozenset(_strings(table.get("values", []), where.at("values")))
    if not (values or fingerprints or regexes):
        raise where.error("", "allows nothing: give values, fingerprints or regexes")
    return Allowlist(
        description=str(table.get("description", "")),
        values=values,
        fingerprints=fingerprints,
        regexes=regexes,
        detectors=detectors,
        categories=categories,
    )


def _self_test(detector: Detector, where: _Where) -> None:
    """Run a custom detector's own examples, so a wrong regex fails at load, not in production."""
    if not detector.true_positives and not detector.false_positives:
        return
    engine = Engine((detector,), secret=b"rules-self-test")
    for index, text in enumerate(detector.true_positives):
        if not engine.scan(text):
            raise where.error(f"true_positives[{index}]", f"not detected: {text!r}")
    for index, text in enumerate(detector.false_positives):
        if engine.scan(text):
            raise where.error(f"false_positives[{index}]", f"detected but should not be: {text!r}")
