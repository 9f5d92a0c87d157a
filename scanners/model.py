"""The output vocabulary of the DLP engine: categories, severities and findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["CATEGORY_SEVERITY", "FINDING_SEVERITIES", "Category", "Finding", "Severity"]


class Severity(StrEnum):
    """How bad a finding is; values are the exact strings every output carries.

    Severities compare by rank, not alphabetically:

    >>> Severity.LOW < Severity.MEDIUM < Severity.HIGH < Severity.CRITICAL
    True
    >>> Severity.max_of([Severity.LOW, Severity.CRITICAL, Severity.MEDIUM])
    <Severity.CRITICAL: 'CRITICAL'>
    >>> Severity.max_of([])
    <Severity.NONE: 'NONE'>
    """

    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"
    NONE = "NONE"

    @property
    def rank(self) -> int:
        """0 for NONE up to 4 for CRITICAL."""
        return _RANK[self]

    @property
    def weight(self) -> float:
        """Points per finding of this severity in a user's risk score (reports, `user_risk`).

        A simple, explainable weighting that ranks one leaked key above several email
        addresses: 10 × CRITICAL + 5 × HIGH + 2 × MEDIUM + 1 × LOW.
        """
        return _WEIGHT[self]

    @classmethod
    def max_of(cls, severities: Iterable[Severity | str]) -> Severity:
        """The highest severity in `severities`, or NONE when there is none."""
        best = cls.NONE
        for item in severities:
            severity = cls(item)
            if severity.rank > best.rank:
                best = severity
        return best

    def _rank_of(self, other: object) -> int | None:
        if isinstance(other, Severity):
            return other.rank
        if isinstance(other, str) and other in _RANK_BY_VALUE:
            return _RANK_BY_VALUE[other]
        return None

    def __lt__(self, other: object) -> bool:
        rank = self._rank_of(other)
        if rank is None:
            return NotImplemented
        return self.rank < rank

    def __le__(self, other: object) -> bool:
        rank = self._rank_of(other)
        if rank is None:
            return NotImplemented
        return self.rank <= rank

    def __gt__(self, other: object) -> bool:
        rank = self._rank_of(other)
        if rank is None:
            return NotImplemented
        return self.rank > rank

    def __ge__(self, other: object) -> bool:
        rank = self._rank_of(other)
        if rank is None:
            return NotImplemented
        return self.rank >= rank

    # Defining the comparisons above would otherwise make the enum unhashable.
    __hash__ = StrEnum.__hash__


_RANK: dict[Severity, int] = {
    Severity.NONE: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}
_RANK_BY_VALUE: dict[str, int] = {severity.value: rank for severity, rank in _RANK.items()}
_WEIGHT: dict[Severity, float] = {
    Severity.NONE: 0.0,
    Severity.LOW: 1.0,
    Severity.MEDIUM: 2.0,
    Severity.HIGH: 5.0,
    Severity.CRITICAL: 10.0,
}

FINDING_SEVERITIES: tuple[Severity, ...] = tuple(
    sorted((s for s in Severity if s is not Severity.NONE), key=lambda s: s.rank, reverse=True)
)
"""The severities a finding can have, highest first (NONE is an input without findings)."""


class Category(StrEnum):
    """What kind of sensitive data a finding is; values are the exact output strings."""

    SSN = "ssn"
    CREDIT_CARD = "credit_card"
    API_KEY = "api_key"
    PRIVATE_KEY = "private_key"
    PASSWORD = "password"  # noqa: S105 - a category name, not a secret
    BEARER_TOKEN = "bearer_token"  # noqa: S105 - a category name, not a secret
    EMAIL = "email"
    PHONE = "phone"
    IP_ADDRESS = "ip_address"
    NATIONAL_ID = "national_id"
    BANK_ACCOUNT = "bank_account"

    @property
    def severity(self) -> Severity:
        """The severity the product assigns to this category (ARCHITECTURE.md section 1)."""
        return CATEGORY_SEVERITY[self]


CATEGORY_SEVERITY: dict[Category, Severity] = {
    Category.SSN: Severity.CRITICAL,
    Category.CREDIT_CARD: Severity.CRITICAL,
    Category.API_KEY: Severity.CRITICAL,
    Category.PRIVATE_KEY: Severity.CRITICAL,
    Category.PASSWORD: Severity.HIGH,
    Category.BEARER_TOKEN: Severity.HIGH,
    Category.EMAIL: Severity.MEDIUM,
    Category.PHONE: Severity.MEDIUM,
    Category.IP_ADDRESS: Severity.LOW,
    Category.NATIONAL_ID: Severity.CRITICAL,
    Category.BANK_ACCOUNT: Severity.CRITICAL,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected item. It never holds the matched value, only a masked preview and an HMAC.

    `start`/`end` are Python character offsets: `text[start:end]` is the matched item.
    """

    detector: str
    category: Category
    severity: Severity
    start: int
    end: int
    redacted: str
    fingerprint: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping with plain strings for the enums."""
        return {
            "detector": self.detector,
            "category": self.category.value,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
            "redacted": self.redacted,
            "fingerprint": self.fingerprint,
            "confidence": self.confidence,
        }
