"""Google API keys (AIza + 35 characters)."""

from __future__ import annotations

from scanners.detectors.base import Detector, Pattern
from scanners.detectors.vendor import prefix_mask, vendor_check
from scanners.model import Category

# Google API key format: "AIza" + 35 characters of [0-9A-Za-z_-].
_REGEX = r"(?P<value>AIza[0-9A-Za-z_\-]{35})"

DETECTOR = Detector(
    id="google-api-key",
    category=Category.API_KEY,
    description="Google Cloud / Maps / Firebase API key",
    patterns=(Pattern(name="key", regex=_REGEX, confidence=0.93),),
    context=("google", "gcp", "firebase", "maps", "api key", "apikey"),
    context_boost=0.05,
    check=vendor_check(min_entropy=3.5),
    mask=prefix_mask(4),
    priority=10,
    true_positives=(
        "GOOGLE_API_KEY=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
        '{"apiKey": "AIzaSyZx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmN"}',
        "maps?key=AIzaSyDq8ZrT1vYh3Kw9XbN2mLp5sDfGj7HcV4a&callback=init",
    ),
    false_positives=(
        "AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "AIzaSy_YOUR_API_KEY_0000000000000000",
        "AIzaShort",
    ),
)
