"""GitHub tokens: ghp_/gho_/ghu_/ghs_/ghr_ with a CRC32 checksum, and github_pat_ fine-grained."""

from __future__ import annotations

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.common import is_placeholder
from scanners.detectors.vendor import following_char_ok, prefix_mask
from scanners.model import Category
from scanners.validators import github_token

# GitHub token formats (github.blog 2021-04-05): prefix + 30 base62 + 6-char CRC32 checksum;
# fine-grained PATs: github_pat_ + 22 + "_" + 59.
_CLASSIC = r"(?P<value>gh[pousr]_[A-Za-z0-9]{36})"
_FINE_GRAINED = r"(?P<value>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})"


def _check(candidate: Candidate) -> float | None:
    if not following_char_ok(candidate):
        return None
    if candidate.pattern.name == "classic":
        return candidate.pattern.confidence if github_token.is_valid(candidate.value) else None
    if is_placeholder(candidate.value):
        return None
    return candidate.pattern.confidence


def _token(random_part: str, prefix: str = "ghp_") -> str:
    return prefix + random_part + github_token.calc_check_digits(random_part)


DETECTOR = Detector(
    id="github-token",
    category=Category.API_KEY,
    description="GitHub personal access, OAuth, user-to-server, server-to-server or refresh token",
    patterns=(
        Pattern(name="classic", regex=_CLASSIC, confidence=0.99),
        Pattern(name="fine-grained", regex=_FINE_GRAINED, confidence=0.95),
    ),
    context=("github", "gh", "token", "pat"),
    context_boost=0.01,
    check=_check,
    mask=prefix_mask(4),
    priority=10,
    true_positives=(
        "GITHUB_TOKEN=" + _token("a8Zk2Lm9Qx4Rt7Vb1Nc5Hd3Fg6Jp0Ws"),
        "git clone https://" + _token("Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLz", "gho_") + "@github.com/o/r",
        "token: " + _token("Mn8Bv7Cx6Zl5Kj4Hg3Fd2Sa1Qw0ErTy", "ghs_"),
        "github_pat_11ABCDEFG0123456789abc_"
        "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVcXzQwErTyUiOpAsDfGhJkLzQ",
    ),
    false_positives=(
        "ghp_" + "a8Zk2Lm9Qx4Rt7Vb1Nc5Hd3Fg6Jp0Ws" + "AAAAAA",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "ghp_1234",
        "github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ),
)
