"""Hugging Face user access tokens (hf_ + 34 letters)."""

from __future__ import annotations

from scanners.detectors.base import Detector, Pattern
from scanners.detectors.vendor import prefix_mask, vendor_check
from scanners.model import Category

# Hugging Face token format: hf_ + 34 characters (letters; newer tokens may mix digits).
_REGEX = r"(?P<value>hf_(?P<body>[A-Za-z0-9]{34}))"

DETECTOR = Detector(
    id="huggingface-token",
    category=Category.API_KEY,
    description="Hugging Face access token",
    patterns=(Pattern(name="token", regex=_REGEX, confidence=0.93),),
    context=("hugging", "huggingface", "hf", "hub", "token"),
    context_boost=0.05,
    check=vendor_check(body_group="body", min_entropy=3.5),
    mask=prefix_mask(3),
    priority=10,
    true_positives=(
        "HF_TOKEN=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",
        "huggingface-cli login --token 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",
        "login(token='hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH')",
    ),
    false_positives=(
        "hf_hub_download(repo_id='gpt2')",
        "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "hf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ),
)
