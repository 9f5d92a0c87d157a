"""Print the dashboard's peak RSS and `GET /login` p95 under a burst of concurrent bogus logins,
beside the same figures at rest.

For each scenario the dashboard is served by `claude-compliance serve` on loopback in its own
process, over a fresh temporary home with one account (created by `users add`, at the
production scrypt cost). A prober requests `GET /login` one at a time throughout; the
server's RSS is sampled from /proc every 20 ms. First at rest, then while `--burst` threads
post the login form at once:

- unknown: bogus usernames (the issue's case: each used to cost a full 32 MiB scrypt);
- wrong password: the real username with wrong passwords (each needs a hash to be refused).

    python benchmarks/login_burst.py [--burst 40] [--rest-probes 30]

Status codes are counted per scenario (401 refused, 429 throttled, 503 hashing slots busy).
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

PASSWORD = "benchmark password"
USERNAME = "bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_mb(pid: int) -> float:
    """Resident set size of one process, from /proc (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=20)[18]


class Sampler:
    """Samples the server's RSS, and the latency of `GET /login` one request at a time."""

    def __init__(self, base: str, pid: int) -> None:
        self.base = base
        self.pid = pid
        self.rss: list[float] = []
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._sample_rss, daemon=True),
            threading.Thread(target=self._probe, daemon=True),
        ]

    def __enter__(self) -> Sampler:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _sample_rss(self) -> None:
        while not self._stop.is_set():
            self.rss.append(rss_mb(self.pid))
            time.sleep(0.02)

    def _probe(self) -> None:
        with httpx.Client(base_url=self.base, timeout=120) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                client.get("/login").raise_for_status()
                self.latencies.append((time.perf_counter() - started) * 1000)


def login_form(client: httpx.Client) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None, "no login form"
    return token.group(1)


def burst(base: str, count: int, usernames: list[str]) -> collections.Counter[int]:
    """`count` login posts released at once; their status codes."""
    codes: collections.Counter[int] = collections.Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def attempt(i: int) -> None:
        with httpx.Client(base_url=base, timeout=300) as client:
            token = login_form(client)
            barrier.wait()
            response = client.post(
                "/login",
                data={
                    "username": usernames[i % len(usernames)],
                    "password": f"not the password {i}",
                    "csrf_token": token,
                    "next": "/",
                },
            )
        with lock:
            codes[response.status_code] += 1

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


class Server:
    """`claude-compliance serve` over a fresh home with one account (so each scenario starts
    from an empty throttle)."""

    def __init__(self) -> None:
        home = Path(tempfile.mkdtemp(prefix="login-burst-"))
        self.env = {
            **os.environ,
            "CLAUDE_COMPLIANCE_HOME": str(home),
            "CLAUDE_COMPLIANCE_MASTER_KEY": Fernet.generate_key().decode(),
            "CLAUDE_COMPLIANCE_FINGERPRINT_KEY": "login-burst-fingerprint-" + "z" * 16,
        }
        self.env.pop("CLAUDE_COMPLIANCE_STATE_DB", None)
        self.cli = [sys.executable, "-m", "claude_compliance.cli"]
        self.base = ""
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        subprocess.run(
            [*self.cli, "users", "add", "--username", USERNAME, "--role", "admin"],
            input=PASSWORD + "\n",
            text=True,
            env=self.env,
            check=True,
            capture_output=True,
        )
        port = free_port()
        self.process = subprocess.Popen(
            [*self.cli, "serve", "--port", str(port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=self.base, timeout=30) as client:
            for _ in range(300):
                try:
                    client.get("/login")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            # one real sign-in, so the server has paid for one full hash before "at rest"
            client.post(
                "/login",
                data={
                    "username": USERNAME,
                    "password": PASSWORD,
                    "csrf_token": login_form(client),
                    "next": "/",
                },
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=40)
    parser.add_argument("--rest-probes", type=int, default=30)
    args = parser.parse_args()

    scenarios = {
        "unknown usernames": [f"nobody{i}" for i in range(args.burst)],
        "known user, wrong password": [USERNAME],
    }
    print(f"{'':32} {'peak RSS':>10} {'GET /login p95':>15} {'p50':>8}  statuses")
    for name, usernames in scenarios.items():
        with Server() as server:
            with Sampler(server.base, server.pid) as rest:
                while len(rest.latencies) < args.rest_probes:
                    time.sleep(0.05)
            print(
                f"{'  at rest':32} {max(rest.rss):>7.0f} MB {p95(rest.latencies):>12.0f} ms "
                f"{statistics.median(rest.latencies):>5.0f} ms"
            )
            with Sampler(server.base, server.pid) as during:
                started = time.perf_counter()
                codes = burst(server.base, args.burst, usernames)
                elapsed = time.perf_counter() - started
            statuses = ", ".join(f"{code}x{n}" for code, n in sorted(codes.items()))
            print(
                f"{f'  {args.burst} x {name}':32} {max(during.rss):>7.0f} MB "
                f"{p95(during.latencies):>12.0f} ms "
                f"{statistics.median(during.latencies):>5.0f} ms  {statuses} "
                f"(burst {elapsed:.1f} s, {len(during.latencies)} probes)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
