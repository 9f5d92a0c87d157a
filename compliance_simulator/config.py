"""The simulator's size and behaviour knobs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SimConfig:
    """What to generate and how the server behaves.

    The data covers ``[anchor - days, anchor)`` in UTC (``anchor=None`` means today's UTC
    date). The same seed, anchor and sizes always produce the same data.
    """

    seed: int = 7
    users: int = 12
    days: int = 7
    anchor: dt.date | None = None
    orgs: int = 2
    rate_limit_per_minute: int = 600
    """Shared budget per parent organization across all keys; 0 turns the limiter off."""
    chats_per_user_day: float = 0.6
    """Mean number of chats a user starts per day."""
    turns_per_chat: int = 3
    """Mean number of user turns (each answered by the assistant) per chat."""
    projects_per_org: int = 3
    plant_rate: float = 0.06
    """Share of user inputs that carry at least one planted sensitive value."""
    decoy_rate: float = 0.04
    """Share of user inputs that carry a decoy (looks sensitive, is not)."""
    large_file_bytes: int = 1_500_000
    """Size of the one oversized text file (for client size caps)."""
    access_event_lag_s: float = 0.0
    """Delay before a ``compliance_api_accessed`` event becomes visible in the feed."""
    rate_limit_window_s: float = 60.0
    """Length of a rate-limit window; shorter than a minute only to make tests fast."""
    activity_visibility_lag_s: float = 0.0
    """When > 0, every activity is queryable only this long after it happened (the real
    feed's "up to about a minute"), judged by the simulator's clock; later ones are hidden."""
    local_sessions_per_user_day: float = 0.4
    """Mean number of local (Claude Code, Cowork, …) sessions a user starts per day."""
    remote_sessions_per_user_day: float = 0.15
    """Mean number of remote (Cowork in the cloud) sessions started per user and day."""
    session_page_max_bytes: int = 1_200_000
    """Response-size cap of the session endpoints: a page ends early (short page, more to
    come) once its rendered records pass this many bytes; every page holds at least one."""
    remote_session_rate_limit_per_minute: int = 300
    """The remote-session endpoints' second per-parent budget (§8); 0 turns it off."""

    def __post_init__(self) -> None:
        if self.users < 1 or self.orgs < 1 or self.days < 1:
            raise ValueError("SimConfig needs at least one user, one org and one day")
        if self.rate_limit_per_minute < 0:
            raise ValueError("rate_limit_per_minute must be >= 0 (0 = off)")
        if not 0.0 <= self.plant_rate <= 1.0 or not 0.0 <= self.decoy_rate <= 1.0:
            raise ValueError("plant_rate and decoy_rate must be within [0, 1]")
        if self.local_sessions_per_user_day < 0 or self.remote_sessions_per_user_day < 0:
            raise ValueError("session rates must be >= 0")
        if self.session_page_max_bytes < 1 or self.remote_session_rate_limit_per_minute < 0:
            raise ValueError(
                "session_page_max_bytes must be >= 1 and "
                "remote_session_rate_limit_per_minute >= 0 (0 = off)"
            )

    @property
    def anchor_date(self) -> dt.date:
        """The first day after the window (exclusive end)."""
        return self.anchor if self.anchor is not None else dt.datetime.now(dt.UTC).date()

    @property
    def window_start(self) -> dt.datetime:
        day = self.anchor_date - dt.timedelta(days=self.days)
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)

    @property
    def window_end(self) -> dt.datetime:
        day = self.anchor_date
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)

    @classmethod
    def large(cls, seed: int = 7, anchor: dt.date | None = None) -> SimConfig:
        """About 100k chat messages and 50k session messages (3k local, 1.1k remote sessions),
        for benchmarks; generation takes 10-20 s."""
        return cls(
            seed=seed,
            users=250,
            days=30,
            anchor=anchor,
            orgs=3,
            chats_per_user_day=2.0,
            turns_per_chat=3,
            projects_per_org=20,
        )
