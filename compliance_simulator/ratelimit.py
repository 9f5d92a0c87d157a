"""The shared request budget: N requests per minute per parent organization, across all keys."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_S = 60.0


@dataclass(frozen=True, slots=True)
class Budget:
    """The outcome of taking one unit: whether it was granted and the header values."""

    is_allowed: bool
    limit: int
    remaining: int
    reset_at: float
    """Epoch seconds at which the full budget returns."""
    retry_after: int
    """Whole seconds to wait (only meaningful when not allowed)."""


class RateLimiter:
    """Fixed one-minute windows that open at the first request; ``per_minute=0`` is off.

    `window_s` shortens the window for tests (the limit then applies per that window).
    """

    def __init__(
        self, per_minute: int, clock: Callable[[], float], window_s: float = WINDOW_S
    ) -> None:
        self.per_minute = per_minute
        self.window_s = window_s
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def take(self, bucket: str) -> Budget | None:
        """Consume one unit from ``bucket``; None when the limiter is off."""
        if self.per_minute <= 0:
            return None
        now = self._clock()
        with self._lock:
            opened, used = self._windows.get(bucket, (now, 0))
            if now >= opened + self.window_s:
                opened, used = now, 0
            reset_at = opened + self.window_s
            if used >= self.per_minute:
                self._windows[bucket] = (opened, used)
                wait = max(1, math.ceil(reset_at - now))
                return Budget(False, self.per_minute, 0, reset_at, wait)
            used += 1
            self._windows[bucket] = (opened, used)
            return Budget(True, self.per_minute, self.per_minute - used, reset_at, 0)

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()
