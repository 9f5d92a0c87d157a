"""The sign-in throttle: exponential back-off per client address and per account, kept in the
state DB so every dashboard process (and every worker of one) sees the same counts.

Three counters grow with each failed sign-in and are forgotten after `window` without one:

- **per client address** (IPv6 by its /64, what one host can rotate through): after
  `ip_free` failures, each further failure doubles a wait from `base` up to `ip_cap`. It
  slows guessing *and* spraying one password across many usernames. A correct password does
  not reset it, so a client cannot launder its count through an account of its own.
- **per account**: after `account_free` failures of that account from anywhere, a wait from
  `base` doubling up to `account_cap` (one minute by default).
- **per account and client**: the account's wait applies only to a client that has itself
  failed on that account, counted from *that client's* last failure. So others can make the
  wait longer (up to the cap) but can never renew it: a client that is not itself throttled
  gets its correct password checked at once, and one that mistyped gets in after at most the
  capped wait, whatever an attacker does meanwhile. There is no hard lock anyone can trigger
  against an account. The price: a distributed guesser gets one attempt per fresh address
  per account, then waits like everyone else, and each address is bounded by its own
  throttle.

Attempts inside a wait are refused before the password is hashed (or the user even looked
up). Failures for unknown usernames count against the client only, so they create no rows
per guessed name.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from claude_compliance.state.schema import login_throttle_table as table

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    ip_free: int = 10
    ip_cap: float = 900.0
    account_free: int = 5
    account_cap: float = 60.0
    base: float = 1.0
    window: float = 3600.0

    def delay(self, failures: int, free: int, cap: float) -> float:
        """Seconds to wait after `failures` failures: none for the first `free - 1`, then
        `base` doubling with each failure, at most `cap`."""
        if failures < free:
            return 0.0
        return min(cap, self.base * 2.0 ** min(failures - free, 64))


def client_subject(client: str) -> str:
    """The throttle's name for a client address: IPv6 by its /64 (one host's share of
    addresses), an IPv4-mapped address as IPv4, anything else as given."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client[:100]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class LoginThrottle:
    """Failed sign-ins per client, account and pair, in the state DB (see the module doc)."""

    def __init__(
        self,
        engine: sa.Engine,
        policy: ThrottlePolicy | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._engine = engine
        self.policy = policy or ThrottlePolicy()
        self._clock = clock or (lambda: datetime.now(UTC))

    def wait(self, username: str, client: str) -> float:
        """Seconds before `client` may try `username` again (0: now)."""
        now = self._clock()
        ip = client_subject(client)
        keys = [("ip", ip), ("account", username), ("pair", _pair(username, ip))]
        rows = self._rows(keys, now)
        policy = self.policy
        waits = [0.0]
        if ("ip", ip) in rows:
            failures, last = rows[("ip", ip)]
            waits.append(_left(last, policy.delay(failures, policy.ip_free, policy.ip_cap), now))
        if ("pair", _pair(username, ip)) in rows and ("account", username) in rows:
            _, last = rows[("pair", _pair(username, ip))]
            failures, _ = rows[("account", username)]
            delay = policy.delay(failures, policy.account_free, policy.account_cap)
            waits.append(_left(last, delay, now))
        return max(waits)

    def failed(self, username: str, client: str, *, is_known_user: bool) -> None:
        """Count one failed sign-in (an unknown username counts against the client only)."""
        now = self._clock()
        ip = client_subject(client)
        keys = [("ip", ip)]
        if is_known_user:
            keys += [("account", username), ("pair", _pair(username, ip))]
        stale = now - timedelta(seconds=self.policy.window)
        with self._engine.begin() as conn:
            conn.execute(table.delete().where(table.c.last_failure_at < stale))
            for scope, subject in keys:
                _increment(conn, scope, subject, now)

    def succeeded(self, username: str, client: str) -> None:
        """A correct password: the account's and this pair's counts start again (the
        client's own count stays, see the module doc)."""
        ip = client_subject(client)
        with self._engine.begin() as conn:
            for scope, subject in (("account", username), ("pair", _pair(username, ip))):
                conn.execute(
                    table.delete().where(table.c.scope == scope, table.c.subject == subject)
                )

    def _rows(
        self, keys: list[tuple[str, str]], now: datetime
    ) -> dict[tuple[str, str], tuple[int, datetime]]:
        stale = now - timedelta(seconds=self.policy.window)
        condition = sa.or_(*(sa.and_(table.c.scope == s, table.c.subject == k) for s, k in keys))
        with self._engine.connect() as conn:
            found = conn.execute(
                sa.select(
                    table.c.scope, table.c.subject, table.c.failures, table.c.last_failure_at
                ).where(condition)
            ).all()
        rows = {}
        for row in found:
            last = row.last_failure_at
            if last >= stale:
                rows[(row.scope, row.subject)] = (int(row.failures), last)
        return rows


def _increment(conn: sa.Connection, scope: str, subject: str, now: datetime) -> None:
    """One more failure, atomically (stale rows were deleted first in the same transaction),
    as an upsert so concurrent first failures of two processes both count."""
    values = {"scope": scope, "subject": subject, "failures": 1, "last_failure_at": now}
    keys = [table.c.scope, table.c.subject]
    again = {"failures": table.c.failures + 1, "last_failure_at": now}
    if conn.dialect.name == "postgresql":
        upsert: sa.Executable = (
            postgresql_insert(table)
            .values(**values)
            .on_conflict_do_update(index_elements=keys, set_=again)
        )
    else:  # SQLite, the other state DB
        upsert = (
            sqlite_insert(table)
            .values(**values)
            .on_conflict_do_update(index_elements=keys, set_=again)
        )
    conn.execute(upsert)


def _pair(username: str, ip: str) -> str:
    return f"{username}\n{ip}"


def _left(last: datetime, delay: float, now: datetime) -> float:
    return max(0.0, (last + timedelta(seconds=delay) - now).total_seconds())
