"""SendGrid API keys (SG. + 22 + . + 43)."""

from __future__ import annotations

from scanners.detectors.base import Detector, Pattern
from scanners.detectors.vendor import prefix_mask, vendor_check
from scanners.model import Category

# SendGrid key format: "SG." + 22-char key id + "." + 43-char secret (base64url).
_REGEX = r"(?P<value>SG\.[A-Za-z0-9_\-]{22}\.(?P<body>[A-Za-z0-9_\-]{43}))"

DETECTOR = Detector(
    id="sendgrid-api-key",
    category=Category.API_KEY,
    description="SendGrid API key",
    patterns=(Pattern(name="key", regex=_REGEX, confidence=0.95),),
    context=("sendgrid", "smtp", "mail", "api key"),
    context_boost=0.04,
    check=vendor_check(body_group="body", min_entropy=3.5),
    mask=prefix_mask(3),
    priority=10,
    true_positives=(
        "SENDGRID_API_KEY=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",
        "smtp password 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",
        '"apikey": "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"',
    ),
    false_positives=(
        "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "SG.short.key",
        "see SG.12 in the spec",
    ),
)
