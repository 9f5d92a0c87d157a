"""AWS secret access keys: 40 base64 characters beside an AWS secret key name."""

from __future__ import annotations

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.common import is_placeholder, shannon_entropy
from scanners.masking import mask_middle
from scanners.model import Category

# A key name that says AWS and secret (aws_secret_access_key, AWS_SECRET_KEY, SecretAccessKey
# in AWS JSON), an assignment, then the 40-character secret.
_REGEX = (
    r"(?i:aws[A-Za-z0-9_.\-]{0,20}secret[A-Za-z0-9_.\-]{0,20}|secret_?access_?key)"
    r"[\"']?[ \t]*(?:=|:|=>)[ \t]*[\"']?(?P<value>[A-Za-z0-9/+]{40})"
)
_B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=")


def _check(candidate: Candidate) -> float | None:
    value = candidate.value
    after = candidate.after(1)
    if after and after in _B64:
        return None
    if is_placeholder(value) or shannon_entropy(value) < 4.0:
        return None
    return candidate.pattern.confidence


DETECTOR = Detector(
    id="aws-secret-access-key",
    category=Category.API_KEY,
    description="AWS secret access key next to its key name",
    patterns=(Pattern(name="secret", regex=_REGEX, confidence=0.92),),
    context=("aws", "amazon", "iam", "s3"),
    context_boost=0.05,
    check=_check,
    mask=lambda value: mask_middle(value, 4, 4),
    priority=10,
    true_positives=(
        "aws_secret_access_key = q8ZrT1vYh3Kw9XbN2mLp5sDfGj7HcV4aUe6Ri/Oo",
        "AWS_SECRET_ACCESS_KEY=Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm+NbVcXzA",
        '"SecretAccessKey": "Hq3Lx9Vb2Nm7Kp4Rt8Yw1Zs6Dc5Fg0Jh/AeIuOyT"',
    ),
    false_positives=(
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",
        "aws_secret_access_key = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ),
)
