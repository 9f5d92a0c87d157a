"""The three pagination schemes: opaque cursors bound to their sort key, and page tokens.

A cursor or token is base64 of a small JSON object naming what it is bound to, so a cursor
issued for one listing (or one ``order_by``) is rejected by another.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .query import TimeRange

T = TypeVar("T")
SortKey = tuple[dt.datetime, str]


def encode_token(payload: dict[str, str]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_token(token: str) -> dict[str, str] | None:
    """The JSON object inside a token, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or not all(isinstance(v, str) for v in payload.values()):
        return None
    return payload


def key_token(bound_to: dict[str, str], key: SortKey) -> str:
    """A token for the position ``key`` within a listing identified by ``bound_to``."""
    return encode_token({**bound_to, "t": key[0].isoformat(), "id": key[1]})


def parse_key_token(token: str, bound_to: dict[str, str]) -> SortKey | None:
    """The position in a token issued for ``bound_to``; None for a foreign or broken token."""
    payload = decode_token(token)
    if payload is None or set(payload) != set(bound_to) | {"t", "id"}:
        return None
    if any(payload[k] != v for k, v in bound_to.items()):
        return None
    try:
        at = dt.datetime.fromisoformat(payload["t"])
    except ValueError:
        return None
    if at.tzinfo is None:
        return None
    return (at, payload["id"])


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    has_more: bool


def cursor_page(
    records: Sequence[T],
    key: Callable[[T], SortKey],
    *,
    descending: bool,
    after: SortKey | None = None,
    before: SortKey | None = None,
    limit: int | None = None,
) -> Page[T]:
    """One page of ``records`` (sorted ascending by ``key``) in result order.

    ``after`` continues past a position in result order, ``before`` returns the ``limit``
    records just before it (still in result order); ``has_more`` tells whether more records
    lie further in the walking direction.
    """
    keys = [key(r) for r in records]
    if after is not None:
        # records past the cursor in result order, nearest first
        if descending:
            rest = list(reversed(records[: bisect.bisect_left(keys, after)]))
        else:
            rest = list(records[bisect.bisect_right(keys, after) :])
        page = rest if limit is None else rest[:limit]
        return Page(page, len(rest) > len(page))
    if before is not None:
        # records ahead of the cursor in result order; the page is the part nearest the cursor
        if descending:
            head = list(reversed(records[bisect.bisect_right(keys, before) :]))
        else:
            head = list(records[: bisect.bisect_left(keys, before)])
        page = head if limit is None else head[max(0, len(head) - limit) :]
        return Page(page, len(head) > len(page))
    ordered = list(reversed(records)) if descending else list(records)
    page = ordered if limit is None else ordered[:limit]
    return Page(page, len(ordered) > len(page))


def window_page(
    records: Sequence[T],
    key: Callable[[T], SortKey],
    keep: Callable[[T], bool],
    *,
    window: TimeRange,
    descending: bool,
    after: SortKey | None = None,
    limit: int | None = None,
) -> Page[T]:
    """``cursor_page`` over the records ``keep`` accepts, without visiting the whole listing.

    ``records`` are sorted ascending by ``key``, whose time is the field ``window`` bounds:
    the window and the cursor are found by bisection, and only the records from there up
    to one past the page are tested with ``keep``. So a page costs what it returns, not
    the size of the organization.
    """
    lo, hi = 0, len(records)
    if window.gte is not None:
        lo = max(lo, bisect.bisect_left(records, window.gte, key=lambda r: key(r)[0]))
    if window.gt is not None:
        lo = max(lo, bisect.bisect_right(records, window.gt, key=lambda r: key(r)[0]))
    if window.lte is not None:
        hi = min(hi, bisect.bisect_right(records, window.lte, key=lambda r: key(r)[0]))
    if window.lt is not None:
        hi = min(hi, bisect.bisect_left(records, window.lt, key=lambda r: key(r)[0]))
    if after is not None and descending:
        hi = min(hi, bisect.bisect_left(records, after, key=key))
    elif after is not None:
        lo = max(lo, bisect.bisect_right(records, after, key=key))
    indexes = range(hi - 1, lo - 1, -1) if descending else range(lo, hi)
    kept = (records[i] for i in indexes if keep(records[i]))
    if limit is None:
        return Page(list(kept), False)
    found = list(itertools.islice(kept, limit + 1))
    return Page(found[:limit], len(found) > limit)
