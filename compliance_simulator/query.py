"""Query-string validation with the API's messages (unknown parameters, limits, datetimes)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import bad_request

_BRACKET_RANGE = re.compile(r"^(\w+)\[(gte|gt|lte|lt)\]$")
RANGE_OPS = ("gte", "gt", "lte", "lt")


def range_params(field: str) -> set[str]:
    """``created_at.gte`` … ``created_at.lt``."""
    return {f"{field}.{op}" for op in RANGE_OPS}


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Bounds on one timestamp field; unset bounds are None."""

    gte: dt.datetime | None = None
    gt: dt.datetime | None = None
    lte: dt.datetime | None = None
    lt: dt.datetime | None = None

    @property
    def is_set(self) -> bool:
        return any(b is not None for b in (self.gte, self.gt, self.lte, self.lt))

    def contains(self, value: dt.datetime) -> bool:
        return (
            (self.gte is None or value >= self.gte)
            and (self.gt is None or value > self.gt)
            and (self.lte is None or value <= self.lte)
            and (self.lt is None or value < self.lt)
        )


class Query:
    """The parsed query string of one request, checked against the endpoint's parameters."""

    def __init__(self, pairs: Iterable[tuple[str, str]], allowed: set[str]) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in pairs:
            self._values.setdefault(name, []).append(value)
        for name in self._values:
            if name not in allowed:
                raise bad_request(_unknown_message(name, allowed))

    def has(self, name: str) -> bool:
        return name in self._values

    def string(self, name: str) -> str | None:
        values = self._values.get(name)
        return values[-1] if values else None

    def array(self, name: str) -> list[str]:
        return list(self._values.get(name, []))

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.string(name)
        if value is None:
            return default
        if value not in choices:
            options = " or ".join(repr(c) for c in choices)
            raise bad_request(f"{name}: Input should be {options}")
        return value

    def integer(
        self, name: str, default: int | None, minimum: int, maximum: int | None
    ) -> int | None:
        raw = self.string(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(
                f"{name}: Input should be a valid integer, unable to parse string as an integer"
            ) from None
        if value < minimum:
            raise bad_request(f"{name}: Input should be greater than or equal to {minimum}")
        if maximum is not None and value > maximum:
            raise bad_request(f"{name}: Input should be less than or equal to {maximum}")
        return value

    def limit(self, default: int | None, maximum: int) -> int | None:
        return self.integer("limit", default, 1, maximum)

    def time(self, name: str) -> dt.datetime | None:
        raw = self.string(name)
        if raw is None:
            return None
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise bad_request(
                f"{name}: Input should be a valid datetime or date, invalid datetime format"
            ) from None
        if value.tzinfo is None:
            raise bad_request(f"{name}: Input should have timezone info")
        return value.astimezone(dt.UTC)

    def time_range(self, field: str) -> TimeRange:
        return TimeRange(*(self.time(f"{field}.{op}") for op in RANGE_OPS))


def _unknown_message(name: str, allowed: set[str]) -> str:
    message = f"Unknown query parameter: '{name}'."
    bracket = _BRACKET_RANGE.match(name)
    if bracket and f"{bracket[1]}.{bracket[2]}" in allowed:
        return f"{message} Did you mean '{bracket[1]}.{bracket[2]}'?"
    if f"{name}[]" in allowed:
        return f"{message} Did you mean '{name}[]'?"
    return message
