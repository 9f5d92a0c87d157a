"""Which countries a text is about, for reading phone numbers written in national format.

A national number (`020 7946 0958`, `090-1234-5678`) only has a meaning once its country is
known. The cues, strongest first: `+CC` numbers elsewhere in the same text, then country,
city and language words. The organization's default region comes after them (the engine
option `region`).

>>> text_regions("Main: +44 20 7946 0321. Direct line 0121 241 4990")
('GB',)
>>> text_regions("携帯は 090-1234-5678 です")
('JP',)
>>> text_regions("mi teléfono en Madrid es 810 84 23 74")
('ES',)
>>> text_regions("call me tomorrow")
()
"""

from __future__ import annotations

import re
from functools import lru_cache

from scanners.detectors.base import ContextWords

__all__ = ["REGION_CUES", "text_regions"]

# Words that place a text in a country (names, capitals and big cities, words for "mobile" or
# "phone" that only one country's language uses). Shared words (telefono, celular) are left
# out: a wrong region only means a number is not found, never a false one.
REGION_CUES: dict[str, tuple[str, ...]] = {
    "GB": (
        "uk",
        "united kingdom",
        "britain",
        "england",
        "scotland",
        "wales",
        "london",
        "manchester",
        "birmingham",
        "edinburgh",
        "glasgow",
        "ring me",
    ),
    "JP": ("japan", "日本", "東京", "大阪", "tokyo", "osaka", "携帯", "電話番号", "です"),
    "DE": (
        "germany",
        "deutschland",
        "berlin",
        "münchen",
        "munich",
        "hamburg",
        "köln",
        "frankfurt",
        "handy",
        "handynummer",
        "durchwahl",
        "rufnummer",
        "telefonnummer",
    ),
    "FR": (
        "france",
        "paris",
        "lyon",
        "marseille",
        "toulouse",
        "appelez",
        "appelle",
        "portable",
        "téléphone",
    ),
    "ES": ("spain", "españa", "madrid", "barcelona", "sevilla", "valencia", "móvil"),
    "IT": ("italy", "italia", "roma", "milano", "napoli", "torino", "cellulare"),
    "AU": ("australia", "sydney", "melbourne", "brisbane", "perth", "adelaide"),
    "BR": ("brazil", "brasil", "são paulo", "sao paulo", "rio de janeiro", "meu celular"),
    "IN": ("india", "mumbai", "delhi", "bangalore", "bengaluru", "chennai", "hyderabad"),
    "NL": (
        "netherlands",
        "nederland",
        "holland",
        "amsterdam",
        "rotterdam",
        "utrecht",
        "bel me",
        "mobiel",
    ),
    "MX": ("mexico", "méxico", "cdmx", "guadalajara", "monterrey"),
    "CA": ("canada", "toronto", "montreal", "vancouver"),
}
_MATCHERS = tuple((region, ContextWords(words)) for region, words in REGION_CUES.items())
# E.164 country calling codes written with a plus.
_PLUS_CC = re.compile(r"\+(\d{1,3})[ .\-\u00a0(]?\d")


@lru_cache(maxsize=256)
def text_regions(text: str) -> tuple[str, ...]:
    """The regions `text` (a window around a number) points at, strongest cue first."""
    import phonenumbers  # only once a national-format number needs reading

    found: dict[str, None] = {}
    for match in _PLUS_CC.finditer(text):
        code = match.group(1)
        for length in (1, 2, 3):
            region = phonenumbers.region_code_for_country_code(int(code[:length]))
            if region != "ZZ":
                found.setdefault(region)
                break
    for region, matcher in _MATCHERS:
        if matcher.search(text):
            found.setdefault(region)
    return tuple(found)
