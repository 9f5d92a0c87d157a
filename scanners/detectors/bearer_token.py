"""Bearer tokens: Authorization: Bearer headers, JWTs anywhere, Google OAuth ya29. tokens."""

from __future__ import annotations

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.common import is_placeholder, is_template, shannon_entropy
from scanners.masking import mask_middle
from scanners.model import Category
from scanners.validators import jwt

# RFC 6750 section 2.1: "Bearer" 1*SP b64token.
_BEARER = r"\b(?i:bearer)[ \t]+(?P<value>[A-Za-z0-9\-._~+/]{16}[A-Za-z0-9\-._~+/]*=*)"
# RFC 7519 compact JWS: base64url(header) . base64url(payload) . base64url(signature);
# a JSON header starts with {" so its base64url starts with eyJ.
_JWT = r"(?P<value>eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]*)"
# Google OAuth 2.0 access tokens.
_GOOGLE = r"\b(?P<value>ya29\.[0-9A-Za-z_\-]{20}[0-9A-Za-z_\-]*)"
# RFC 6749 section 5.1 token response fields (and their camelCase SDK spellings) in JSON,
# Python dicts, YAML or form bodies: "access_token": "…", refresh_token: ….
_OAUTH_FIELD = (
    r"(?i:[\"']?(?:access|refresh)[_\-]?token[\"']?)[ \t]*[:=][ \t]*[\"']?"
    r"(?P<value>[A-Za-z0-9\-._~+/]{16}[A-Za-z0-9\-._~+/]*=*)"
)
# "Bearer token" named in prose, the token up to a few words later: "Bearer token: X",
# "the bearer token for staging is X", "Der Bearer-Token lautet X", "le jeton bearer : X".
_PROSE = (
    r"(?i:bearer[ \-]?(?:token|トークン)|(?:jeton|token) bearer)[^\n]{0,30}?[`'\"]?"
    r"(?P<value>[A-Za-z0-9\-._~+/]{16}[A-Za-z0-9\-._~+/]*=*)"
)


def _check(candidate: Candidate) -> float | None:
    value = candidate.value
    name = candidate.pattern.name
    if name == "jwt":
        if not jwt.is_valid(value):
            return None
        return candidate.pattern.confidence
    if is_placeholder(value) or is_template(value):
        return None
    if name in ("oauth-field", "prose"):
        # Words and identifiers are not tokens: a token mixes digits into its letters.
        if not any(ch.isdigit() for ch in value) or shannon_entropy(value) < 3.0:
            return None
        if value.startswith("eyJ") and not jwt.is_valid(value):
            return None
        return candidate.pattern.confidence
    if name == "bearer":
        if value.count(".") == 2 and value.startswith("eyJ") and not jwt.is_valid(value):
            return None
        if shannon_entropy(value) < 3.0:
            return None
        return candidate.pattern.confidence
    if shannon_entropy(value) < 3.5:
        return None
    return candidate.pattern.confidence


_JWT_EXAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l"
    "IiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)

DETECTOR = Detector(
    id="bearer-token",
    category=Category.BEARER_TOKEN,
    description="Bearer token, JSON Web Token or Google OAuth access token",
    patterns=(
        Pattern(name="bearer", regex=_BEARER, confidence=0.85),
        Pattern(name="jwt", regex=_JWT, confidence=0.9),
        Pattern(name="google-oauth", regex=_GOOGLE, confidence=0.9),
        Pattern(name="oauth-field", regex=_OAUTH_FIELD, confidence=0.85),
        Pattern(name="prose", regex=_PROSE, confidence=0.8),
    ),
    context=("authorization", "bearer", "token", "jwt", "id_token", "access_token", "cookie"),
    context_boost=0.05,
    check=_check,
    mask=lambda value: mask_middle(value, 6, 4),
    true_positives=(
        "Authorization: Bearer 8f3kQ2xZ9vL1mN7pR4tY6wA0",
        "curl -H 'Authorization: Bearer AbC123xYz789LmN456QrS0' https://api.example.com",
        f"Cookie: session={_JWT_EXAMPLE}; theme=dark",
        f'{{"id_token": "{_JWT_EXAMPLE}"}}',
        f'"headers": [{{"name": "authorization", "value": "Bearer {_JWT_EXAMPLE}"}}]',
        "token ya29.a0AfH6SMBx3kP9qZ-7vLmN2oR4tY6wA8cE0gI1",
        '{"access_token":"Qm9pZ3k4N2xYcTJ3RTVu0v","token_type":"bearer","expires_in":3600}',
        "oauth:\n  refresh_token: 7Hq2xLk9Vb3Nz8Wr4Ty1",
        "here's the bearer token for staging: Zr8Kq2Lm5Xp9Vt3Wn7Yb",
        "Der Bearer-Token lautet Lm4Qx8Zr2Vt6Kp9Wn3Ys",
        "le jeton bearer : Pq7Xz3Lm9Kr2Vt5Wn8Yb",
    ),
    false_positives=(
        "Authorization: Bearer <token>",
        "Authorization: Bearer ${TOKEN}",
        "Authorization: Bearer YOUR_ACCESS_TOKEN",
        "Authorization: Bearer eyJhbGciOi...",
        "Bearer aaaaaaaaaaaaaaaaaaaaaaaa",
        "eyJub3QiOiJhIGp3dCJ9x.bm90IGpzb24gYXQgYWxs.c2ln",
        "the bearer of this letter is trusted",
        '{"access_token": "<ACCESS_TOKEN>", "token_type": "Bearer"}',
        '{"access_token": null, "error": "invalid_grant"}',
        "the bearer token is required for every request to the authentication_endpoint_v",
        "Bearer token: (paste it from the vault)",
    ),
)
