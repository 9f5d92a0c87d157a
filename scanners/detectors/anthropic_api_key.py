"""Anthropic API, admin and Compliance keys and Claude OAuth / session tokens (sk-ant-...)."""

from __future__ import annotations

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.common import is_placeholder, shannon_entropy
from scanners.masking import mask_middle
from scanners.model import Category

# Anthropic key format: sk-ant-<kind><version>- then a base64url body (93 chars + "AA" for
# api03/admin01 keys); oat01/ort01 are Claude OAuth access/refresh tokens, sid01 session ids.
_REGEX = (
    r"(?P<value>sk-ant-(?P<kind>api03|admin01|api01|oat01|ort01|sid01)-"
    r"(?P<body>[A-Za-z0-9_\-]{20}[A-Za-z0-9_\-]*))"
)


def _check(candidate: Candidate) -> float | None:
    body = candidate.groups.get("body") or ""
    if len(body) > 300 or is_placeholder(body) or shannon_entropy(body) < 3.5:
        return None
    confidence = candidate.pattern.confidence
    if len(body) >= 80:
        confidence += 0.04
    return confidence


def _mask(value: str) -> str:
    prefix_end = value.index("-", len("sk-ant-")) + 1
    return mask_middle(value, 0, 4, public=prefix_end)


DETECTOR = Detector(
    id="anthropic-api-key",
    category=Category.API_KEY,
    description="Anthropic API / admin / Compliance key or Claude OAuth / session token",
    patterns=(Pattern(name="sk-ant", regex=_REGEX, confidence=0.95),),
    context=("anthropic", "claude", "api key", "x-api-key", "api_key", "token", "key"),
    check=_check,
    mask=_mask,
    priority=10,
    true_positives=(
        "ANTHROPIC_API_KEY=sk-ant-api03-q8ZrT1vYh3Kw9XbN2mLp5sDfGj7HcV4aUe6RiOo0tyQW"
        "Bn1Mz8xE-Lk_Ps2Jd3Fg4Hh5Jj6Kk7Ll8Zz9Xx0Cc1Vv2Bb3Nn4Mm5Qq6Ww7Ee8Rr9Tt0Yy1Uu2AA",
        "compliance key sk-ant-api01-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVcXz-_aQ",
        "admin: sk-ant-admin01-Hq3Lx9Vb2Nm7Kp4Rt8Yw1Zs6Dc5Fg0Jh-AeIuOyTrEwQ_pLmKnJbHvGcFxDzSaAA",
        '"oauth": "sk-ant-oat01-3dF9kL2mQ8wE7rT6yU5iO4pA1sD0fG9hJ8kL7zX6cV5bN"',
        "refresh sk-ant-ort01-mN3bV5cX7zL9kJ1hG3fD5sA7pO9iU1yT3rE5wQ7eR9tY",
        "cookie sessionKey=sk-ant-sid01-Pq7Wm2Xn9Rb4Ty6Uv8Zk1Ls3Hd5Fg0Jc-AbCdEfGhIjKl",
        '{"key":"abc\\nsk-ant-api03-A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4Y5z6"}',
    ),
    false_positives=(
        "set ANTHROPIC_API_KEY=sk-ant-api03-...",
        "sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "use sk-ant-api03-YOUR_API_KEY_HERE_0000000000",
        "the prefix sk-ant-api03- identifies API keys",
        "sk-ant-api99-q8ZrT1vYh3Kw9XbN2mLp5sDfGj7HcV4aUe6Ri",
    ),
)
