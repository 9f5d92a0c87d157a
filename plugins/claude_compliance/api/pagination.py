"""One paginator per scheme of the Compliance API (spec §4).

A paginator turns a page's JSON into the parameters of the next request, or None at the
end. It never advances on a failed request: the client retries the same parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

Params = dict[str, Any]


class Paginator(Protocol):
    @property
    def items_key(self) -> str:
        """The body field holding the page's records."""

    def next_params(self, params: Params, body: Mapping[str, Any]) -> Params | None:
        """Parameters for the page after `body`, or None when the walk is complete."""

    def cursor_of(self, body: Mapping[str, Any]) -> str | None:
        """The position `body` leaves the walk at (recorded in the ledger)."""


@dataclass(frozen=True, slots=True)
class CursorPaginator:
    """Activities, chats and chat messages: `after_id=<last_id>` until `has_more` is false."""

    items_key: str = "data"

    def next_params(self, params: Params, body: Mapping[str, Any]) -> Params | None:
        last_id = body.get("last_id")
        if not body.get("has_more") or not last_id:
            return None
        following = {k: v for k, v in params.items() if k not in ("after_id", "before_id")}
        following["after_id"] = last_id
        return following

    def cursor_of(self, body: Mapping[str, Any]) -> str | None:
        value = body.get("last_id")
        return str(value) if value else None


@dataclass(frozen=True, slots=True)
class PageTokenPaginator:
    """Directory, projects, attachments: pass `next_page` as `page` while `has_more`.

    Code artifacts may answer `has_more` with an empty page, so the token, not the page
    length, decides.
    """

    items_key: str = "data"

    def next_params(self, params: Params, body: Mapping[str, Any]) -> Params | None:
        token = body.get("next_page")
        if not token or body.get("has_more") is False:
            return None
        return {**params, "page": token}

    def cursor_of(self, body: Mapping[str, Any]) -> str | None:
        value = body.get("next_page")
        return str(value) if value else None


@dataclass(frozen=True, slots=True)
class SessionPaginator:
    """Local and remote sessions: no `has_more`; a short page is not the end, a null token is."""

    items_key: str = "data"

    def next_params(self, params: Params, body: Mapping[str, Any]) -> Params | None:
        token = body.get("next_page")
        return {**params, "page": token} if token else None

    def cursor_of(self, body: Mapping[str, Any]) -> str | None:
        value = body.get("next_page")
        return str(value) if value else None
