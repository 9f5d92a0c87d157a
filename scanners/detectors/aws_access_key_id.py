"""AWS access key ids (AKIA / ASIA / ... + 16 base32 characters)."""

from __future__ import annotations

from scanners.detectors.base import Detector, Pattern
from scanners.detectors.vendor import vendor_check
from scanners.masking import mask_middle
from scanners.model import Category

# AWS IAM unique-id prefixes for access keys (AKIA long-term, ASIA STS, ...) + 16 base32 chars.
_REGEX = (
    r"(?P<value>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)"
    r"[A-Z2-7]{16})"
)

DETECTOR = Detector(
    id="aws-access-key-id",
    category=Category.API_KEY,
    description="AWS access key id",
    patterns=(Pattern(name="akid", regex=_REGEX, confidence=0.9),),
    context=("aws", "amazon", "access key", "access_key_id", "iam", "s3"),
    context_boost=0.08,
    check=vendor_check(min_entropy=2.5),
    mask=lambda value: mask_middle(value, 0, 4, public=4),
    priority=10,
    true_positives=(
        "AWS_ACCESS_KEY_ID=AKIAZ7Q3XK2LMNOP4RST",
        "aws_access_key_id = ASIAQ4W5E6R7T2Y3U4IO",
        '{"AccessKeyId": "AKIA2BC3DE4FG5HI6JK7"}',
    ),
    false_positives=(
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "AKIAXXXXXXXXXXXXXXXX",
        "blobAKIAZ7Q3XK2LMNOP4RSTmore",
        "akiaz7q3xk2lmnop4rst",
    ),
)
