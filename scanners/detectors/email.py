"""Email addresses: an RFC 5322 dot-atom local part and a domain with a public-suffix TLD."""

from __future__ import annotations

from functools import cache
from importlib import resources

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.masking import mask_email
from scanners.model import Category

# RFC 5322 dot-atom (the common subset) "@" RFC 1035 labels, alphabetic TLD of 2+ letters.
_REGEX = (
    r"(?P<value>[A-Za-z0-9_%+\-]+(?:[.'][A-Za-z0-9_%+\-]+)*"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})\b)"
)


@cache
def top_level_domains() -> frozenset[str]:
    """The ICANN top-level domains embedded in scanners/data/tlds.txt."""
    text = resources.files("scanners").joinpath("data/tlds.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _token_prefix(candidate: Candidate) -> str:
    """The part of the whitespace-delimited token that comes before the match."""
    before = candidate.before()
    cut = max(before.rfind(ch) for ch in " \t\n\r\"'<>()[]{}")
    return before[cut + 1 :]


def _check(candidate: Candidate) -> float | None:
    domain = (candidate.groups.get("domain") or "").lower()
    labels = domain.split(".")
    if labels[-1] not in top_level_domains():
        return None
    first = labels[0]
    # logo@2x.png, pkg@1.2.3.tar: retina suffixes and versions, not domains.
    if first[:-1].isdigit() and first.endswith("x"):
        return None
    if len(labels) > 2 and first.isdigit() and labels[1].isdigit():
        return None
    prefix = _token_prefix(candidate)
    # user:pass@host in a URL is a credential (the password detector's), not an address;
    # @user@instance is a fediverse handle.
    if "://" in prefix or prefix.endswith("@"):
        return None
    after = candidate.after(2)
    # git@github.com:org/repo.git is an SSH remote.
    if after.startswith(":") and len(after) > 1 and not after[1].isspace():
        return None
    return candidate.pattern.confidence


DETECTOR = Detector(
    id="email",
    category=Category.EMAIL,
    description="Email address",
    patterns=(Pattern(name="address", regex=_REGEX, confidence=0.9),),
    context=("email", "e-mail", "mail", "contact", "correo", "courriel", "adresse", "reach"),
    check=_check,
    normalize=str.lower,
    mask=mask_email,
    true_positives=(
        "please contact jane.doe@example.com for access",
        "Email: J.Smith+billing@Acme-Corp.co.uk",
        "cc o'brien@company.ie and bob_99@mail.example.org",
        "mailto:support@anthropic.com",
        '{"user_email":"alice@example.com"}',
    ),
    false_positives=(
        "npm install lodash@4.17.21",
        "thanks @john.doe for the review",
        "see logo@2x.png and icon@3x.jpg",
        "git clone git@github.com:anthropics/claude-code.git",
        "ssh admin@localhost",
        "deploy user@host then restart",
        "react@18.2.0 and @types/node@20.1.0",
        "postgres://admin:s3cret@db.internal.example.com/app",
    ),
)
