"""Stripe secret and restricted keys (sk_/rk_ live/test); publishable pk_ keys are public."""

from __future__ import annotations

from scanners.detectors.base import Detector, Pattern
from scanners.detectors.vendor import prefix_mask, vendor_check
from scanners.model import Category

# Stripe API key format: (sk|rk)_(live|test)_ + 24+ base62 characters.
_REGEX = r"(?P<value>(?:sk|rk)_(?:live|test)_(?P<body>[0-9A-Za-z]{20}[0-9A-Za-z]*))"

DETECTOR = Detector(
    id="stripe-secret-key",
    category=Category.API_KEY,
    description="Stripe secret or restricted API key",
    patterns=(Pattern(name="key", regex=_REGEX, confidence=0.95),),
    context=("stripe", "payment", "api key"),
    context_boost=0.04,
    check=vendor_check(body_group="body", min_entropy=3.0),
    mask=prefix_mask(8),
    priority=10,
    true_positives=(
        "STRIPE_SECRET_KEY=sk_live_51HqZx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk",
        "stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'",
        "restricted rk_live_51Hq0aB1cD2eF3gH4iJ5kL6mN7oP8qR",
    ),
    false_positives=(
        "STRIPE_PUBLISHABLE_KEY=pk_live_51HqZx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk",
        "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
        "task_live_update_handler_function_name",
    ),
)
