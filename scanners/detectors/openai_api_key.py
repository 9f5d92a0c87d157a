"""OpenAI API keys: project, service-account and admin keys, and legacy keys (T3BlbkFJ marker)."""

from __future__ import annotations

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.vendor import prefix_mask, vendor_check
from scanners.model import Category

# OpenAI key formats: sk-proj- / sk-svcacct- / sk-admin- + base64url body; legacy
# sk- + 20 + "T3BlbkFJ" (base64 of "OpenAI") + 20.
_REGEX = (
    r"(?P<value>sk-(?:proj|svcacct|admin|None)-(?P<body>[A-Za-z0-9_\-]{20}[A-Za-z0-9_\-]*)"
    r"|sk-(?P<legacy>[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}))"
)

_modern = vendor_check(body_group="body", min_entropy=3.5)
_legacy = vendor_check(body_group="legacy", min_entropy=3.5)


def _check(candidate: Candidate) -> float | None:
    return _modern(candidate) if candidate.groups.get("body") else _legacy(candidate)


DETECTOR = Detector(
    id="openai-api-key",
    category=Category.API_KEY,
    description="OpenAI API key",
    patterns=(Pattern(name="sk", regex=_REGEX, confidence=0.95),),
    context=("openai", "gpt", "chatgpt", "api key", "api_key"),
    check=_check,
    mask=prefix_mask(8),
    priority=10,
    true_positives=(
        "OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAB7cD0eF3gH6iJ9kL2mN5",
        "key sk-svcacct-Q9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zXcVbNm-_QwErTy",
        "legacy: 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",
    ),
    false_positives=(
        "OPENAI_API_KEY=sk-proj-...",
        "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "sk-something-else-entirely-here",
        "use sk-proj-YOUR_KEY_HERE_00000000000",
    ),
)
