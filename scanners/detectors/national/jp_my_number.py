"""Japanese individual numbers (My Number, 個人番号)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Act on the Use of Numbers: 11 digits and a weighted mod-11 check digit, printed 4-4-4.
_MY_NUMBER = r"\b(?P<value>\d{4}[ -]?\d{4}[ -]?\d{4})\b"

DETECTOR = identifier_detector(
    id="jp-my-number",
    category=Category.NATIONAL_ID,
    description="Japanese individual numbers (My Number, 個人番号)",
    patterns=(Pattern(name="my-number", regex=_MY_NUMBER, confidence=0.8, requires_context=True),),
    context=(
        "マイナンバー",
        "個人番号",
        "マイナンバーカード",
        "my number",
        "mynumber",
        "individual number",
    ),
    validator=stdnum_validator("stdnum.jp.in_"),
    true_positives=(
        "マイナンバー: 0957 0928 0113",
        "個人番号は 970590058776 です",
        "My Number 4024-0309-5193",
    ),
    false_positives=(
        "マイナンバー: 0957 0928 0114",
        "注文番号 0957 0928 0113",
        "個人番号 0000 0000 0000",
    ),
)
