"""The Simulator: generated organization + Compliance API app + keys, faults and truth."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from .api import ComplianceApp, RequestRecord
from .config import SimConfig
from .data import generate
from .directory import build_directory
from .endpoints import Endpoints
from .faults import Faults
from .feed import ActivityFeed
from .keys import KeyRing, SimKeys, standard_keys
from .model import SimData
from .ratelimit import RateLimiter
from .session_endpoints import RequestBound
from .transport import SimTransport
from .truth import Decoy, Planted, write_jsonl


class Simulator:
    """A deterministic fake of the Compliance API over a synthetic organization.

    >>> sim = Simulator(SimConfig(seed=1, users=2, days=1))
    >>> import httpx
    >>> with httpx.Client(transport=sim.transport(), base_url="http://sim") as client:
    ...     client.get("/v1/compliance/organizations",
    ...                headers={"x-api-key": sim.keys.compliance}).status_code
    200
    """

    def __init__(
        self, config: SimConfig | None = None, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.config = config or SimConfig()
        self._clock = clock
        generated = generate(self.config)
        self.data: SimData = generated.data
        self._planted = generated.planted
        self._decoys = generated.decoys
        keys_created_at = self.config.window_start - dt.timedelta(days=30)
        self.key_ring = KeyRing(self.config.seed, keys_created_at)
        self.keys: SimKeys = standard_keys(self.key_ring)
        self.faults = Faults()
        self.rate_limiter = RateLimiter(
            self.config.rate_limit_per_minute, clock, self.config.rate_limit_window_s
        )
        self.feed = ActivityFeed(
            self.data.activities,
            self.config.access_event_lag_s,
            self.config.activity_visibility_lag_s,
        )
        self.directory = build_directory(self.data, self.config.seed)
        self._endpoints = Endpoints(
            self.data,
            self.feed,
            self.directory,
            self.key_ring,
            session_page_max_bytes=self.config.session_page_max_bytes,
        )
        self.remote_session_limiter = RateLimiter(
            self.config.remote_session_rate_limit_per_minute,
            clock,
            self.config.rate_limit_window_s,
        )
        self.app = ComplianceApp(
            self._endpoints,
            self.key_ring,
            self.rate_limiter,
            self.faults,
            self.feed,
            self.data.parent_uuid,
            clock=clock,
            seed=self.config.seed,
            remote_limiter=self.remote_session_limiter,
        )

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request served so far (a snapshot)."""
        return list(self.app.requests)

    def set_enabled(self, is_enabled: bool) -> None:
        """Turn the tenant's Compliance API on or off (off: every call answers 400)."""
        self.app.is_enabled = is_enabled

    def delete_chat(self, chat_id: str, *, at: dt.datetime, hard: bool = False) -> None:
        """Delete a chat as the spec describes (§9).

        By its user in claude.ai (`hard=False`): still listed with `deleted_at`, an empty
        name and a moved `updated_at`; its messages come without content and its files are
        gone. Through the API (`hard=True`): the chat, its messages and files are gone.
        """
        self._endpoints.remove_chat(chat_id, hard=hard, at=at)

    def delete_project(self, project_id: str) -> None:
        """Hard-delete a project with its documents and files (the API's DELETE)."""
        self._endpoints.remove_project(project_id)

    def delete_remote_session(self, session_id: str) -> None:
        """A user deletes a remote session: gone from the list, its messages 404 (§9)."""
        data = self.data
        session = data.remote_sessions_by_id[session_id]
        data.remote_sessions.remove(session)
        for message_id in session.message_ids:
            data.session_messages.pop(message_id, None)
        data.reindex()

    def session_request_lower_bound(
        self,
        local_params: Sequence[tuple[str, str]] | None = (),
        remote_params: Sequence[tuple[str, str]] | None = (),
    ) -> RequestBound:
        """The fewest session requests a sync with these list filters can make.

        Walks the local and remote lists at their maximum page size (500) with the given
        filters, then each listed session's messages once at 1000 per page with
        ``tool_result_max_bytes=-1`` and ``tool_use_input_max_bytes=-1`` (pending remote
        sessions skipped), counting pages exactly as the endpoints cut them, response-size
        cap included. Pass None to leave a kind out. Uses no rate limit, records nothing.
        """
        now = dt.datetime.fromtimestamp(self._clock(), dt.UTC)
        return self._endpoints.sessions.lower_bound(local_params, remote_params, now)

    def add_key(self, scopes: list[str], active: bool = True, *, name: str = "") -> str:
        """Register another Compliance Access Key; returns its plaintext."""
        return self.key_ring.add(scopes, active, name=name)

    def deactivate_key(self, plaintext: str) -> None:
        """Deactivate a key: its next request answers 401 `API key has been deactivated.`"""
        self.key_ring.deactivate(plaintext)

    def transport(self) -> httpx.BaseTransport:
        """An in-process transport for ``httpx.Client(transport=...)``."""
        return SimTransport(self.app)

    def truth(self) -> list[Planted]:
        """Every planted sensitive value, with its exact location."""
        return list(self._planted)

    def decoys(self) -> list[Decoy]:
        """Every look-alike that must not be reported."""
        return list(self._decoys)

    def write_truth(self, path: Path) -> None:
        """Write the truth as JSON Lines."""
        write_jsonl(self._planted, Path(path))

    def write_decoys(self, path: Path) -> None:
        write_jsonl(self._decoys, Path(path))
