"""Injected failures for client tests: forced statuses, slow responses, dropped connections."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace


class ConnectionDropped(Exception):
    """Raised by the app when a fault says to close the connection without a response."""


@dataclass(frozen=True, slots=True)
class Fault:
    """What the next ``times`` requests whose path matches ``path_regex`` get."""

    path_regex: str = ".*"
    status: int | None = None
    should_retry: bool | None = None
    retry_after: int | None = None
    delay_s: float = 0.0
    drop: bool = False
    times: int = 1


class Faults:
    """A queue of faults; each matching request consumes one use of the first matching fault."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        path_regex: str = ".*",
        *,
        status: int | None = None,
        should_retry: bool | None = None,
        retry_after: int | None = None,
        delay_s: float = 0.0,
        drop: bool = False,
        times: int = 1,
    ) -> Fault:
        re.compile(path_regex)  # fail loudly on a bad pattern, at registration
        if times < 1:
            raise ValueError("times must be >= 1")
        if status is not None and not 400 <= status <= 599:
            raise ValueError("a fault status must be a 4xx or 5xx code")
        fault = Fault(path_regex, status, should_retry, retry_after, delay_s, drop, times)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, path: str) -> Fault | None:
        """The fault for a request to ``path`` (consuming one use), or None."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if re.search(fault.path_regex, path):
                    if fault.times <= 1:
                        del self._faults[index]
                    else:
                        self._faults[index] = replace(fault, times=fault.times - 1)
                    return fault
        return None
