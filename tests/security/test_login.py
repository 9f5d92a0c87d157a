"""Sign-in hardening (issue 13, items 4 and 5), over real HTTP against the dashboard app:

- a bogus or throttled sign-in costs no password hash, and only a few hashes run at once;
- the client address comes from X-Forwarded-For only through configured proxies (and `serve`
  does not let uvicorn believe it from loopback);
- spraying one password across usernames is slowed per client;
- nobody can lock an account out for others: the back-off is per client and capped;
- the throttle lives in the state DB, so every process shares it.
"""

from __future__ import annotations

import dataclasses
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from claude_compliance import runtime
from claude_compliance.settings import Settings
from claude_compliance.state import passwords
from claude_compliance.state.schema import audit_table
from claude_compliance.state.users import UserStore

PASSWORD = "correct horse battery"
PROXY = "10.0.0.2"


def make_app(settings: Settings) -> Any:
    from claude_compliance.web.app import create_app

    return create_app(settings)


@pytest.fixture
def accounts(settings: Settings) -> UserStore:
    users = UserStore(runtime.state_engine(settings))
    users.add("alice", PASSWORD, "analyst", actor="test")
    users.add("bob", PASSWORD, "viewer", actor="test")
    users.set_disabled("bob", True)
    return users


def client(app: Any, address: str = "198.51.100.1") -> TestClient:
    return TestClient(app, client=(address, 40000), follow_redirects=False)


def sign_in(
    http: TestClient | httpx.Client,
    username: str,
    password: str,
    forwarded_for: str | None = None,
) -> httpx.Response:
    """The login form, as a browser posts it (double-submit CSRF cookie and field)."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', http.get("/login").text)
    assert token is not None
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return http.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token.group(1)},
        headers=headers,
    )


def audited_clients(settings: Settings, action: str) -> list[str]:
    with runtime.state_engine(settings).connect() as conn:
        details = conn.execute(
            sa.select(audit_table.c.detail).where(audit_table.c.action == action)
        ).scalars()
        return [re.sub(r'.*"client": "([^"]*)".*', r"\1", d) for d in details]


class Hashes:
    """Counts scrypt calls and the most that ran at once (each held for `hold` seconds)."""

    def __init__(self, hold: float = 0.0) -> None:
        self.calls = 0
        self.running = 0
        self.most = 0
        self.hold = hold
        self._lock = threading.Lock()

    def wrap(self, real: Callable[..., bytes]) -> Callable[..., bytes]:
        def counted(*args: Any) -> bytes:
            with self._lock:
                self.calls += 1
                self.running += 1
                self.most = max(self.most, self.running)
            try:
                time.sleep(self.hold)
                return real(*args)
            finally:
                with self._lock:
                    self.running -= 1

        return counted


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> Hashes:
    counter = Hashes()
    monkeypatch.setattr(passwords, "_scrypt", counter.wrap(passwords._scrypt))
    return counter


# -- 4. a sign-in is not a denial-of-service lever ------------------------------------------


def test_bogus_and_throttled_sign_ins_cost_no_password_hash(
    settings: Settings, accounts: UserStore, hashes: Hashes
) -> None:
    app = make_app(settings)
    http = client(app)
    bogus = ["nobody", "ALICE", "alice ", "x" * 100, "bob", "admin", "root", "a.b@c-d"]
    for username in bogus:  # unknown, near-miss, disabled: refused on the name alone
        assert sign_in(http, username, "not the password").status_code == 401
    assert (
        http.post("/api/session", json={"username": "ghost", "password": "p" * 12}).status_code
        == 401
    )
    assert hashes.calls == 0
    for i in range(4):  # the client reaches its back-off
        sign_in(http, f"nobody{i}", "not the password")
    throttled = sign_in(http, "alice", PASSWORD)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    api = http.post("/api/session", json={"username": "alice", "password": PASSWORD})
    assert api.status_code == 429 and "try again" in api.json()["error"]
    assert hashes.calls == 0
    assert (
        client(app, "198.51.100.2")
        .post(  # another client still signs in: one hash
            "/api/session", json={"username": "alice", "password": PASSWORD}
        )
        .status_code
        == 200
    )
    assert hashes.calls == 1


def test_concurrent_sign_ins_hash_at_most_two_passwords_at_once(
    settings: Settings, accounts: UserStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashes = Hashes(hold=0.4)
    monkeypatch.setattr(passwords, "_scrypt", hashes.wrap(passwords._scrypt))
    app = make_app(settings)
    codes: Counter[int] = Counter()
    lock = threading.Lock()
    burst = 12
    barrier = threading.Barrier(burst)

    def attempt(i: int) -> None:
        http = client(app, f"203.0.113.{i + 1}")  # distinct clients: no throttle in the way
        token = re.search(r'name="csrf_token" value="([^"]+)"', http.get("/login").text)
        assert token is not None
        barrier.wait()
        response = http.post(
            "/login",
            data={"username": "alice", "password": f"wrong {i}", "csrf_token": token.group(1)},
        )
        with lock:
            codes[response.status_code] += 1

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(burst)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert hashes.most <= 2, hashes.most
    assert sum(codes.values()) == burst and set(codes) <= {401, 503}, codes
    # 12 hashes of 0.4 s through two slots need 2.4 s: the last ones waited past the 2 s
    # bound and were turned away (503) rather than queued without end
    assert codes[401] >= 2 and codes[503] >= 1, codes


# -- 5. the throttle: real client addresses, per client and account, shared ----------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served(settings: Settings, accounts: UserStore) -> Iterator[str]:
    """`claude-compliance serve` in its own process, on loopback, as deployed by default."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("CLAUDE_COMPLIANCE_TRUSTED_PROXIES", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "claude_compliance.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(url + "/login", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_does_not_believe_forwarded_for_from_loopback(
    served: str, settings: Settings
) -> None:
    codes = []
    with httpx.Client(base_url=served, timeout=30) as http:
        for i in range(14):  # a fresh forged address each time
            codes.append(sign_in(http, f"user{i}", "not the password", f"192.0.2.{i}").status_code)
    assert codes[:10] == [401] * 10 and 429 in codes[10:], codes
    clients = audited_clients(settings, "login_failed") + audited_clients(settings, "login_blocked")
    assert set(clients) == {"127.0.0.1"}, "the audit log must not carry forged addresses"


def test_forwarded_for_is_read_only_through_configured_proxies(
    settings: Settings, accounts: UserStore
) -> None:
    trusted = dataclasses.replace(settings, trusted_proxies=(PROXY, "10.9.0.0/16"))
    app = make_app(trusted)
    proxy = client(app, PROXY)
    cases = [
        ("198.51.100.7", "198.51.100.7"),
        ("1.2.3.4, 198.51.100.8", "198.51.100.8"),  # the left part is the client's own claim
        ("198.51.100.9, 10.9.3.3", "198.51.100.9"),  # through a second trusted hop
        ("not-an-ip", PROXY),
    ]
    for forwarded, _ in cases:
        sign_in(proxy, "nobody", "not the password", forwarded)
    sign_in(client(app, "203.0.113.50"), "nobody", "not the password", "198.51.100.99")
    assert audited_clients(trusted, "login_failed") == [c for _, c in cases] + ["203.0.113.50"]


def test_spraying_one_password_across_usernames_is_slowed(
    settings: Settings, accounts: UserStore
) -> None:
    app = make_app(settings)
    sprayer = client(app, "203.0.113.9")
    names = ["alice", "bob", *(f"user{i}" for i in range(12))]
    codes = [sign_in(sprayer, name, "Spring2026!!").status_code for name in names]
    assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}, codes


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_nobody_can_lock_an_account_out_for_others(settings: Settings, accounts: UserStore) -> None:
    from claude_compliance.state.throttle import LoginThrottle

    behind_proxy = dataclasses.replace(settings, trusted_proxies=(PROXY,))
    app = make_app(behind_proxy)
    clock = Clock()
    app.state.throttle = LoginThrottle(runtime.state_engine(behind_proxy), clock=clock)
    proxy = client(app, PROXY)  # every user reaches the dashboard through one proxy

    for i in range(40):  # one attacker hammers alice's account
        sign_in(proxy, "alice", f"guess {i}", "203.0.113.66")
    assert sign_in(proxy, "alice", PASSWORD, "203.0.113.66").status_code == 429
    # alice, from her own address, is not throttled and gets in at once
    assert sign_in(client(app, PROXY), "alice", PASSWORD, "198.51.100.20").status_code == 303

    for i in range(10):  # many attackers, each from a fresh address, keep failing
        sign_in(proxy, "alice", f"guess {i}", f"203.0.113.{100 + i}")
    # alice mistypes on her laptop: her wait now counts from her own failure, capped
    assert sign_in(proxy, "alice", "almost my password", "198.51.100.21").status_code == 401
    waiting = sign_in(proxy, "alice", PASSWORD, "198.51.100.21")
    assert waiting.status_code == 429
    assert 1 <= int(waiting.headers["Retry-After"]) <= 60
    for minute in range(1, 4):  # the attack goes on, from fresh addresses, without end
        clock.now += timedelta(seconds=61)
        for i in range(5):
            sign_in(proxy, "alice", "guess", f"203.0.{minute}.{i}")
    assert sign_in(client(app, PROXY), "alice", PASSWORD, "198.51.100.21").status_code == 303


def test_the_throttle_is_shared_by_every_process(settings: Settings, accounts: UserStore) -> None:
    first, second = make_app(settings), make_app(settings)  # two servers, one state DB
    for i in range(10):
        assert (
            sign_in(client(first, "203.0.113.5"), f"user{i}", "nope nope nope").status_code == 401
        )
    assert sign_in(client(second, "203.0.113.5"), "alice", PASSWORD).status_code == 429
    assert sign_in(client(second, "203.0.113.6"), "alice", PASSWORD).status_code == 303


def test_the_throttle_counts_concurrent_first_failures_on_sqlite_and_postgresql(
    state_url: str,
) -> None:
    from claude_compliance.state.db import make_engine, upgrade
    from claude_compliance.state.throttle import LoginThrottle

    engine = make_engine(state_url)
    upgrade(engine)
    throttle = LoginThrottle(engine)
    threads = [
        threading.Thread(
            target=throttle.failed, args=(f"u{i}", "203.0.113.1"), kwargs={"is_known_user": True}
        )
        for i in range(10)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle.wait("anyone", "203.0.113.1") > 0  # all ten counted, none lost
    assert throttle.wait("anyone", "203.0.113.2") == 0
    engine.dispose()


def test_ipv6_clients_are_throttled_by_their_slash_64() -> None:
    from claude_compliance.state.throttle import client_subject

    assert client_subject("2001:db8:1:2::1") == client_subject("2001:db8:1:2:ffff::9")
    assert client_subject("2001:db8:1:2::1") != client_subject("2001:db8:1:3::1")
    assert client_subject("::ffff:192.0.2.1") == "192.0.2.1"
