"""Print p50 / p95 response times of the dashboard's Findings page with 1M findings.

A synthetic warehouse (the published marts' columns, 1,000,000 findings over a year, 3 keys,
4 organizations, 2,000 users, 9 categories, 20 detectors) and a state DB (5,000 triage
decisions, 25 suppression rules) are built in a temporary home; the dashboard is served by
`claude-compliance serve` in its own process and requested over loopback by one client.
Beside each page figure: two baselines measured in the same run, the HTTP floor (a static
file from the same server) and the page's own SQL run directly in DuckDB (same filters,
same triage tables, no HTTP or rendering).

    python benchmarks/dashboard.py [--findings 1000000] [--requests 40] [--keep DIR]

Target: p95 < 300 ms for every Findings page scenario on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import httpx
from cryptography.fernet import Fernet

PASSWORD = "benchmark password"
TARGET_P95_MS = 300.0

SCENARIOS: list[tuple[str, str]] = [
    ("unfiltered (newest first)", ""),
    ("severity=CRITICAL, last 30 days", "severity=CRITICAL&start=2026-10-21&end=2026-11-19"),
    ("one user", "user=user_0042"),
    ("user email contains", "user=user17"),
    ("category + source", "category=credit_card&source=chat_file"),
    ("preview text", "q=4111"),
    ("triage status acknowledged", "status=acknowledged"),
    ("sorted by severity, page 20", "sort=severity&order=desc&page=20"),
    ("suppressed only", "suppressed=only"),
]


def build_warehouse(path: Path, findings: int) -> None:
    """The marts the Findings page reads, with the published contract's columns."""
    detectors = [
        ("us-ssn", "ssn", "CRITICAL"),
        ("credit-card", "credit_card", "CRITICAL"),
        ("aws-access-key-id", "api_key", "CRITICAL"),
        ("github-token", "api_key", "CRITICAL"),
        ("slack-token", "api_key", "CRITICAL"),
        ("anthropic-api-key", "api_key", "CRITICAL"),
        ("openai-api-key", "api_key", "CRITICAL"),
        ("stripe-secret-key", "api_key", "CRITICAL"),
        ("private-key", "private_key", "CRITICAL"),
        ("password", "password", "HIGH"),
        ("generic-secret", "password", "HIGH"),
        ("bearer-token", "bearer_token", "HIGH"),
        ("jwt", "bearer_token", "HIGH"),
        ("email", "email", "MEDIUM"),
        ("email-obfuscated", "email", "MEDIUM"),
        ("phone-number", "phone", "MEDIUM"),
        ("phone-intl", "phone", "MEDIUM"),
        ("ip-address", "ip_address", "LOW"),
        ("ipv6-address", "ip_address", "LOW"),
        ("internal-ip", "ip_address", "LOW"),
    ]
    sources = [
        "chat_message",
        "chat_file",
        "project_description",
        "project_instruction",
        "project_file",
    ]
    with duckdb.connect(str(path)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(
            "create table detectors as select * from (values "
            + ", ".join(f"({i}, '{d}', '{c}', '{s}')" for i, (d, c, s) in enumerate(detectors))
            + ") t(detector_index, detector, category, severity)"
        )
        con.execute(f"""
            create table findings as
            with base as (
                select i,
                       cast(hash(i * 7) % 20 as bigint) as d,
                       cast(hash(i * 13) % 2000 as bigint) as u,
                       cast(hash(i * 17) % 4 as bigint) as o,
                       cast(hash(i * 19) % 5 as bigint) as s,
                       timestamptz '2026-11-20 00:00:00+00'
                         - to_seconds(cast(hash(i * 11) % (365 * 86400) as bigint)) as t
                from range({findings}) r(i)
            )
            select
                md5('finding' || i) as finding_id,
                'ck_bench' || (o % 3) as key_id,
                'org-0000-' || o as organization_uuid,
                'Organization ' || o as organization_name,
                'user_' || lpad(cast(u as varchar), 4, '0') as user_id,
                'user' || u || '@example.com' as user_email,
                ({sources!r})[s + 1] as source,
                md5('input' || (i // 3)) as source_id,
                case when s < 2 then 'claude_chat_' || (i // 9) end as chat_id,
                case when s >= 2 then 'claude_proj_' || (i // 50) end as project_id,
                t as occurred_at,
                detectors.detector, detectors.category, detectors.severity,
                cast(hash(i) % 500 as bigint) as start_offset,
                cast(hash(i) % 500 + 16 as bigint) as end_offset,
                case detectors.category
                    when 'credit_card'
                        then '4111 •••• •••• ' || lpad(cast(i % 10000 as varchar), 4, '0')
                    when 'email' then 'j•••@example' || (i % 50) || '.com'
                    when 'ssn' then '•••-••-' || lpad(cast(i % 10000 as varchar), 4, '0')
                    else substr(md5(cast(i as varchar)), 1, 4) || '…'
                        || substr(md5(cast(i as varchar)), 29, 4)
                end as redacted_match,
                sha256('value' || (i % 250000)) as fingerprint,
                0.9 as confidence,
                'ruleset-bench' as ruleset_version,
                t + interval 1 hour as scanned_at
            from base join detectors on detectors.detector_index = base.d
        """)
        con.execute("""
            create table organizations as
            select distinct organization_uuid, 'ck_bench0' as key_id, organization_name,
                   timestamptz '2024-01-01 00:00:00+00' as created_at, 500 as user_count,
                   now() as synced_at
            from findings
        """)
        con.execute("drop table detectors")
        con.execute("checkpoint")


def build_state(home: Path, warehouse: Path) -> None:
    from claude_compliance import runtime
    from claude_compliance.settings import Settings
    from claude_compliance.state.triage import FindingRef, TriageStore
    from claude_compliance.state.users import UserStore

    settings = Settings.from_env()
    engine = runtime.state_engine(settings)
    UserStore(engine).add("bench", PASSWORD, "analyst", actor="benchmark")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sample = con.execute(
            "select finding_id, fingerprint, detector, user_id from findings "
            "using sample 7000 rows (reservoir, 42)"
        ).fetchall()
    refs = [FindingRef(*row) for row in sample]
    store = TriageStore(engine)
    for start, status in ((0, "acknowledged"), (3000, "false_positive"), (4000, "resolved")):
        store.set_status(refs[start : start + 1000 if start else 3000], status, actor="bench")
    for ref in refs[5000:5020]:
        store.add_suppression("fingerprint", fingerprint=ref.fingerprint, actor="bench")
    for ref in refs[5020:5025]:
        store.add_suppression(
            "detector_user", detector=ref.detector, user_id=ref.user_id, actor="bench"
        )
    assert home.exists()


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(call: Callable[[], object], count: int) -> tuple[float, float]:
    call()  # warm
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def direct_sql(warehouse: Path, query: str) -> Callable[[], object]:
    """The page's own queries straight in DuckDB: the floor of what the page can cost."""
    from starlette.datastructures import QueryParams

    from claude_compliance import runtime
    from claude_compliance.settings import Settings
    from claude_compliance.state.triage import TriageStore
    from claude_compliance.web.findings import FindingFilter, build_marks, search

    tables = TriageStore(runtime.state_engine(Settings.from_env())).tables()
    f = FindingFilter.from_params(
        QueryParams(query), today=datetime(2026, 11, 19, tzinfo=UTC).date()
    )
    con = duckdb.connect(str(warehouse), read_only=True)
    marks = build_marks(con.cursor(), tables)  # the app caches these per state version too

    def run() -> object:
        cursor = con.cursor()
        cursor.execute("set TimeZone = 'UTC'")
        try:
            return search(cursor, f, marks)
        finally:
            cursor.close()

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="build the home here and keep it")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="cc-dashboard-bench-"))
    home = root / "home"
    os.environ.update(
        CLAUDE_COMPLIANCE_HOME=str(home),
        CLAUDE_COMPLIANCE_MASTER_KEY=Fernet.generate_key().decode(),
        CLAUDE_COMPLIANCE_FINGERPRINT_KEY="benchmark-fingerprint-secret-" + "z" * 8,
    )
    os.environ.pop("CLAUDE_COMPLIANCE_STATE_DB", None)
    warehouse = home / "warehouse" / "compliance.duckdb"
    (home / "warehouse").mkdir(parents=True, exist_ok=True)
    if not warehouse.exists():
        started = time.perf_counter()
        build_warehouse(warehouse, args.findings)
        build_state(home, warehouse)
        print(
            f"built {args.findings:,} findings + state DB in {time.perf_counter() - started:.1f} s"
            f" ({warehouse.stat().st_size / 1e6:.0f} MB) under {home}"
        )

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "claude_compliance.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(200):
                try:
                    client.get("/login")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
            assert token is not None
            client.post(
                "/login",
                data={
                    "username": "bench",
                    "password": PASSWORD,
                    "csrf_token": token.group(1),
                    "next": "/",
                },
            )
            assert client.get("/findings").status_code == 200, "login failed"

            def page(query: str) -> Callable[[], object]:
                def get() -> object:
                    response = client.get("/findings?" + query)
                    response.raise_for_status()
                    return response

                return get

            floor = timed(lambda: client.get("/static/app.css").raise_for_status(), args.requests)
            print(
                f"\n{args.findings:,} findings, {args.requests} requests per row, one client, "
                f"{os.cpu_count()} CPUs"
            )
            print(
                f"baseline HTTP floor (static file)      p50 {floor[0]:7.1f} ms  "
                f"p95 {floor[1]:7.1f} ms"
            )
            print(f"{'Findings page':<40} {'p50':>9} {'p95':>9}   {'SQL only p50':>12} {'p95':>7}")
            worst = 0.0
            for name, query in SCENARIOS:
                http = timed(page(query), args.requests)
                sql = timed(direct_sql(warehouse, query), args.requests)
                worst = max(worst, http[1])
                print(
                    f"{name:<40} {http[0]:7.1f}ms {http[1]:7.1f}ms   {sql[0]:10.1f}ms "
                    f"{sql[1]:5.1f}ms"
                )
            # the first page after a triage decision rebuilds the triage/suppression row marks
            csrf = client.get("/api/session").json()["csrf_token"]
            listed = client.get("/findings").text
            finding_id = re.findall(r'name="finding_id" value="([0-9a-f]+)"', listed)[0]
            statuses = ["acknowledged", "resolved"]

            def after_triage(turn: int) -> float:
                data = {"finding_id": finding_id, "status": statuses[turn % 2], "csrf_token": csrf}
                assert client.post("/findings/triage", data=data).status_code == 303
                started = time.perf_counter()
                client.get("/findings").raise_for_status()
                return (time.perf_counter() - started) * 1000

            cold = percentiles([after_triage(turn) for turn in range(args.requests)])
            worst = max(worst, cold[1])
            print(
                f"{'unfiltered, first after a triage change':<40} {cold[0]:7.1f}ms {cold[1]:7.1f}ms"
            )
            print(
                f"\nworst p95 {worst:.1f} ms (target < {TARGET_P95_MS:.0f} ms): "
                f"{'met' if worst < TARGET_P95_MS else 'NOT met'}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
