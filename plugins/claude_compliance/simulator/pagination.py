"""The three pagination schemes: opaque cursors bound to their sort key, and page tokens.

A cursor or token is base64 of a small JSON object naming what it is bound to, so a cursor
issued for one listing (or one ``order_by``) is rejected by another.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

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
