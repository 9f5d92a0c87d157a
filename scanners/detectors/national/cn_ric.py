"""Chinese resident identity card numbers (居民身份证号码)."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# GB 11643-1999: region code, birth date YYYYMMDD, order, ISO 7064 mod 11-2 check (X for 10).
_RIC = r"\b(?P<value>\d{17}[\dXx])\b"

DETECTOR = identifier_detector(
    id="cn-ric",
    category=Category.NATIONAL_ID,
    description="Chinese resident identity card numbers (居民身份证号码)",
    patterns=(Pattern(name="ric", regex=_RIC, confidence=0.85, requires_context=True),),
    context=(
        "身份证",
        "身份证号",
        "身份证号码",
        "居民身份证",
        "公民身份号码",
        "id card",
        "resident identity",
        "ric",
    ),
    validator=stdnum_validator("stdnum.cn.ric"),
    true_positives=(
        "身份证号码：440305196101153717",
        "ID card no. 110101199106020615",
        "居民身份证 440305198412122562",
    ),
    false_positives=(
        "身份证号码：440305196101153716",
        "订单 440305196101153717",
        "身份证 000000000000000000",
    ),
)
