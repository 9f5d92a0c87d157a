"""npm access tokens (npm_ + 36 base62 characters, the same CRC32 scheme as GitHub's)."""

from __future__ import annotations

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.vendor import prefix_mask, vendor_check
from scanners.model import Category
from scanners.validators import github_token

# npm granular / automation token format (github.blog 2021-09-23): npm_ + 30 + 6 checksum.
_REGEX = r"(?P<value>npm_[A-Za-z0-9]{36})"
_base = vendor_check(min_entropy=3.5)


def _check(candidate: Candidate) -> float | None:
    confidence = _base(candidate)
    if confidence is None:
        return None
    # A valid checksum makes it certain; without one it is still token-shaped.
    return 0.99 if github_token.is_valid(candidate.value) else confidence


def _token(random_part: str) -> str:
    return "npm_" + random_part + github_token.calc_check_digits(random_part)


DETECTOR = Detector(
    id="npm-token",
    category=Category.API_KEY,
    description="npm access token",
    patterns=(Pattern(name="token", regex=_REGEX, confidence=0.85),),
    context=("npm", "npmrc", "registry", "token", "_authtoken"),
    context_boost=0.1,
    check=_check,
    mask=prefix_mask(4),
    priority=10,
    true_positives=(
        "//registry.npmjs.org/:_authToken=" + _token("a8Zk2Lm9Qx4Rt7Vb1Nc5Hd3Fg6Jp0Ws"),
        "NPM_TOKEN=" + _token("Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLz"),
        "token npm_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVc",
    ),
    false_positives=(
        "npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "npm_config_registry=https://registry.npmjs.org",
        "npm_package_version",
    ),
)
