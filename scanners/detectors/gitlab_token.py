"""GitLab personal, project and group access tokens (glpat-)."""

from __future__ import annotations

from scanners.detectors.base import Detector, Pattern
from scanners.detectors.vendor import prefix_mask, vendor_check
from scanners.model import Category

# GitLab PAT format: glpat- + 20 characters (legacy) or a longer routable token with dots.
_REGEX = r"(?P<value>glpat-(?P<body>[0-9A-Za-z_\-]{20}[0-9A-Za-z_\-.]*))"

DETECTOR = Detector(
    id="gitlab-token",
    category=Category.API_KEY,
    description="GitLab access token",
    patterns=(Pattern(name="pat", regex=_REGEX, confidence=0.95),),
    context=("gitlab", "token", "pat"),
    context_boost=0.04,
    check=vendor_check(body_group="body", min_entropy=3.0),
    mask=prefix_mask(6),
    priority=10,
    true_positives=(
        "GITLAB_TOKEN=glpat-Zx9Qw8Er7Ty6Ui5Op4As",
        "git remote set-url origin https://oauth2:glpat-q8ZrT1vYh3Kw9XbN2mLp@gitlab.com/g/p.git",
        "token glpat-A1b2C3d4E5f6G7h8I9j0.01.0w1x2y3z4",
    ),
    false_positives=(
        "glpat-xxxxxxxxxxxxxxxxxxxx",
        "glpat-<your-token>",
        "glpat-short",
    ),
)
