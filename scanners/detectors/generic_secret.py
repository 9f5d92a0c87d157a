"""Generic secrets: a secret-like name, an assignment and a high-entropy value."""

from __future__ import annotations

import re

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.common import HEX_CHARS, is_placeholder, is_template, shannon_entropy
from scanners.masking import mask_middle
from scanners.model import Category
from scanners.validators import jwt

# Secret-like key names (detect-secrets KeywordDetector / gitleaks generic-api-key shape).
_NAME = (
    r"(?P<key>[A-Za-z0-9_.\-]*(?i:api[_.\-]?key|apikey|api[_.\-]?secret|secret|token|"
    r"access[_.\-]?key|auth[_.\-]?key|client[_.\-]?secret|private[_.\-]?key|credential|"
    r"signing[_.\-]?key|encryption[_.\-]?key|session[_.\-]?key|app[_.\-]?key|master[_.\-]?key|"
    r"x-api-key|api-token)[A-Za-z0-9_.\-]*)"
)
_ASSIGN = _NAME + r"[\"']?[ \t]*(?::=|=>|\?=|=|:)[ \t]*"
_DQ = _ASSIGN + r"\"(?P<value>[^\"\s]{16,256})\""
_SQ = _ASSIGN + r"'(?P<value>[^'\s]{16,256})'"
_BARE = _ASSIGN + r"(?P<value>[A-Za-z0-9+/=_.~:\-!@#$%^*]{16,256})"

# Key parts that name something other than the secret (ids, urls, types, counters).
_NOT_SECRET_KEY = frozenset(
    "name names id ids arn path paths file url uri urls endpoint type types version ref "
    "count limit length len ttl expiry expires expiration header prefix suffix format "
    "field label description desc hint enabled timeout size max min tokens usage "
    "tokenizer model kind provider region manager store version_id hash public".split()
)
_KEY_SPLIT = re.compile(r"[_.\-\s]+|(?<=[a-z])(?=[A-Z])")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_REFERENCE = re.compile(
    r"^(?:https?|s3|gs|file|vault|arn|projects|secretsmanager|ssm|azure|keyvault)[:/]|\(|"
    r"^\$\{|^\$\(|^\$[A-Za-z_]\w*$|^(?:os|env|process|config|settings|self|this|secrets|vars)\.|^[A-Za-z]+(?:\.[A-Za-z_]+){2,}$|"
    r"^[A-Z]+(?:_[A-Z]+)+$|^[a-z]+(?:[_\-][a-z]+)+$"
)


# OAuth token-response fields and "Bearer token" in prose are the bearer-token detector's:
# a bearer credential, HIGH, not an API key.
_BEARER_KEYS = frozenset({"accesstoken", "refreshtoken"})


def _is_bearer(candidate: Candidate) -> bool:
    key = "".join(ch for ch in (candidate.groups.get("key") or "").lower() if ch.isalnum())
    return key in _BEARER_KEYS or "bearer" in candidate.before(40).lower()


def _key_ok(key: str) -> bool:
    if len(key) > 128:
        # A run of text, not a name (and Python re only sees bounded input).
        return False
    parts = [part.lower() for part in _KEY_SPLIT.split(key.strip("-_.")) if part]
    return bool(parts) and not any(part in _NOT_SECRET_KEY for part in parts)


def _check(candidate: Candidate) -> float | None:
    value = candidate.value.rstrip(".,;:")
    candidate.end = candidate.start + len(value)
    if len(value) < 16 or not _key_ok(candidate.groups.get("key") or ""):
        return None
    if _is_bearer(candidate):
        return None
    if is_placeholder(value) or is_template(value) or _UUID.match(value):
        return None
    # A JWT under a secret-like name is the bearer-token detector's finding.
    if value.startswith("eyJ") and jwt.is_valid(value):
        return None
    if _REFERENCE.search(value):
        return None
    if not any(ch.isdigit() or not ch.isalnum() for ch in value):
        return None
    is_hex = set(value) <= HEX_CHARS
    if shannon_entropy(value) < (3.0 if is_hex else 3.5):
        return None
    return candidate.pattern.confidence


DETECTOR = Detector(
    id="generic-secret",
    category=Category.API_KEY,
    description="Secret-like name assigned a high-entropy value (generic API key / token)",
    patterns=(
        Pattern(name="dq", regex=_DQ, confidence=0.75),
        Pattern(name="sq", regex=_SQ, confidence=0.75),
        Pattern(name="bare", regex=_BARE, confidence=0.7),
    ),
    context=("api", "key", "secret", "token", "credential", "auth"),
    context_boost=0.1,
    check=_check,
    mask=lambda value: mask_middle(value, 4, 4),
    priority=-10,
    true_positives=(
        'STRIPE_WEBHOOK_SECRET = "whsec_9f8e7d6c5b4a3210fedcba9876543210"',
        "api_key: Zx8Qm2Lp9Rt4Vw7Yb3Nc6Hd1",
        "client_secret='4f9a2c7e1b8d3f6a0c5e9b2d7f1a4c8e'",
        '{"x-api-key": "k3Y_8s7D6f5G4h3J2k1L0z9X8c7V"}',
        "DATADOG_API_KEY=9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
        "auth_token := 'tK9#mQ2$vL8@pR5!xZ3w'",
    ),
    false_positives=(
        "api_key: YOUR_API_KEY_GOES_HERE",
        "secret: ${SECRET_VALUE_FROM_ENV}",
        "token: {{ secrets.GITHUB_TOKEN }}",
        "api_key = 550e8400-e29b-41d4-a716-446655440000",
        "secret_name: prod/payments/stripe-api",
        "max_tokens: 4096000000000000",
        "token_url: https://oauth2.googleapis.com/token",
        "api_key=os.environ.get('API_KEY')",
        "secret = abcdefghijklmnopqrstuvwx",
        "api_key: sk-ant-api03-...",
        "token = aaaaaaaaaaaaaaaaaaaaaaaa1",
    ),
)
