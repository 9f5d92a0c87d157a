"""Slack bot / user / app tokens (xox*, xapp-) and incoming-webhook URLs."""

from __future__ import annotations

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.vendor import prefix_mask, vendor_check
from scanners.model import Category

# Slack token formats: xoxb- bot, xoxp- user, xoxa-/xoxr- app/refresh, xoxe(.xoxp)- rotating,
# xoxs- session, xapp- app-level; then dash-separated numeric ids and a secret part.
_SLACK_REGEX = (
    r"(?P<value>(?:xox(?:[abposr]|e(?:\.xox[bp])?)-(?:\d{1,5}-)?[0-9A-Za-z]{6,}(?:-[0-9A-Za-z]{4,})+"
    r"|xapp-\d-[A-Z0-9]{6,}-\d{6,}-[a-f0-9]{32,}))"
)
# Slack incoming webhooks and workflow triggers.
_WEBHOOK = (
    r"(?P<value>https://hooks\.slack\.com/(?:services|workflows|triggers)/"
    r"T[A-Z0-9]{6,}/[A-Z0-9]{6,}/[A-Za-z0-9]{16,})"
)

_token_check = vendor_check(min_entropy=3.0)


def _check(candidate: Candidate) -> float | None:
    if candidate.pattern.name == "webhook":
        return vendor_check(min_entropy=3.0, glue_check=False)(candidate)
    return _token_check(candidate)


DETECTOR = Detector(
    id="slack-token",
    category=Category.API_KEY,
    description="Slack token or incoming-webhook URL",
    patterns=(
        Pattern(name="token", regex=_SLACK_REGEX, confidence=0.95),
        Pattern(name="webhook", regex=_WEBHOOK, confidence=0.95),
    ),
    context=("slack", "webhook", "bot", "token"),
    context_boost=0.04,
    check=_check,
    mask=prefix_mask(5),
    priority=10,
    true_positives=(
        "SLACK_BOT_TOKEN=xoxb-2384729384-2384729384729-Zx9Qw8Er7Ty6Ui5Op4As3Df2",
        "user token xoxp-1234567890-1234567890123-1234567890123-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d",
        "app xapp-1-A02BCDEFGH-1234567890123-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f",
        "post to https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/q8ZrT1vYh3Kw9XbN2mLp5sDf",
    ),
    false_positives=(
        "SLACK_BOT_TOKEN=xoxb-your-token-here",
        "xoxb-xxxxxxxxxxxx-xxxxxxxxxxxx",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    ),
)
