"""Requests a full sync spends against the lower bound, and what a second run re-downloads.

Syncs every day of a simulator organization (rate limit off) with the real sync, then
computes the bound from what the sync wrote: for each interval, the list pages needed at
the maximum page size plus one request per detail or content item, plus the sessions' own
bound (list pages and one transcript walk per session, from the simulator). A second run over
the same unchanged data must download no file or document content (but the documents whose
extraction failed, retried by the next syncs).

    .venv/bin/python benchmarks/sync_requests.py [--users 40] [--days 7] [--seed 7]

Measured 2026-12-05 (40 users, 7 days, 968 messages, 94 files, 12 documents, sessions):
first run 623 requests against a bound of 593 (1.05x; sessions 198 against 198, 1.00x),
104 content downloads; second run 2 content downloads (the two documents whose extraction
failed, tried again).
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq

from claude_compliance.api import ComplianceClient
from claude_compliance.lake.interval import Interval, daily_intervals
from claude_compliance.sync.extract import SyncOptions, extract_interval
from claude_compliance.sync.plan import plan_interval
from compliance_simulator import SimConfig, Simulator

PAGE = {"organizations": 1000, "users": 1000, "roles": 1000, "groups": 1000, "members": 1000}


def rows(lake: Path, table: str, dt: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in (lake / "raw" / table).glob(f"key=ck_b/dt={dt}/part-*.parquet"):
        out.extend(pq.read_table(path).to_pylist())
    return out


def lower_bound(lake: Path, sim: Simulator, dt: str) -> int:
    """Pages at max size + one request per detail or content item, for one interval."""
    orgs = rows(lake, "organizations", dt)
    users = Counter(r["organization_uuid"] for r in rows(lake, "users", dt))
    roles = Counter(r["organization_uuid"] for r in rows(lake, "roles", dt))
    groups = rows(lake, "groups", dt)
    members = Counter(r["group_id"] for r in rows(lake, "group_members", dt))
    activities = rows(lake, "activities", dt)
    chats = rows(lake, "chats", dt)
    messages = Counter(r["chat_id"] for r in rows(lake, "chat_messages", dt))
    files = [r for r in rows(lake, "chat_files", dt) if _downloaded(r)]
    projects = rows(lake, "projects", dt)
    attachments = rows(lake, "project_attachments", dt)
    n = 1  # organizations
    n += sum(max(1, math.ceil(users[o["organization_uuid"]] / 1000)) for o in orgs)
    n += sum(max(1, math.ceil(roles[o["organization_uuid"]] / 1000)) for o in orgs)
    n += max(1, math.ceil(len(groups) / 1000))
    n += sum(max(1, math.ceil(members[g["group_id"]] / 1000)) for g in groups)
    n += len(orgs)  # effective settings, one per organization
    n += max(1, math.ceil(len(activities) / 5000))
    n += max(1, math.ceil(len(chats) / 1000))
    n += sum(max(1, math.ceil(messages[c["chat_id"]] / 1000)) for c in chats)
    n += len(files)
    n += max(1, math.ceil(len(projects) / 100))
    for project in projects:
        total = len(sim.data.project_documents(str(project["project_id"]))) + len(
            sim.data.project_files(str(project["project_id"]))
        )
        n += 1  # details
        n += max(1, math.ceil(total / 100))  # attachment pages
        n += 1  # collaborators
    n += sum(1 for a in attachments if _downloaded(a))
    return n + session_bound(sim, dt)


def _downloaded(row: dict[str, object]) -> bool:
    """Every file within the size cap is downloaded (its bytes decide what it is)."""
    return row["skipped_reason"] not in ("oversize", "deleted", "not_found")


def session_bound(sim: Simulator, dt: str) -> int:
    """Local sessions: the simulator's own count (list pages at 500 and one transcript walk
    per listed session, response-size cap included) with the sync's filters. Remote sessions
    have no updated_at filter: every one created before the end is listed, and only those
    changed since the start can hold the interval's messages, so only those are walked."""
    start = datetime.fromisoformat(dt).replace(tzinfo=UTC)
    end = start + timedelta(days=1)
    plan = plan_interval(Interval(start, end))
    local = sim.session_request_lower_bound(_wire(plan.local_sessions), None)
    listed = sim.session_request_lower_bound(None, _wire(plan.remote_sessions))
    walks = sum(
        max(1, math.ceil(len(s.message_ids) / 1000))
        for s in sim.data.remote_sessions
        if s.created_at < end and s.updated_at >= start and s.status != "pending"
    )
    return local.total + listed.remote_list_pages + walks


def _wire(params: dict[str, object]) -> list[tuple[str, str]]:
    return [
        (k, v.isoformat().replace("+00:00", "Z") if isinstance(v, datetime) else str(v))
        for k, v in params.items()
        if k != "limit"
    ]


def content_requests(sim: Simulator, since: int) -> int:
    return sum(
        1
        for r in sim.requests[since:]
        if r.path.endswith("/content")
        or ("/projects/documents/" in r.path and not r.path.endswith("/metadata"))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    anchor = date(2026, 11, 20)
    sim = Simulator(
        SimConfig(
            seed=args.seed, users=args.users, days=args.days, anchor=anchor, rate_limit_per_minute=0
        )
    )
    options = SyncOptions(activity_lag=timedelta(0))
    start = anchor - timedelta(days=args.days)
    with tempfile.TemporaryDirectory() as tmp:
        lake = Path(tmp)
        print(
            f"simulator: {args.users} users, {args.days} days, {len(sim.data.messages)} messages, "
            f"{len(sim.data.files)} files, {len(sim.data.documents)} documents"
        )
        print(
            f"{'run':<8} {'requests':>9} {'bound':>7} {'ratio':>6} "
            f"{'content downloads':>18} {'seconds':>8} "
            f"{'session req':>12} {'bound':>6} {'ratio':>6}"
        )
        for run in ("first", "second"):
            before = len(sim.requests)
            started = time.perf_counter()
            with ComplianceClient(
                sim.keys.compliance, "http://sim", transport=sim.transport()
            ) as api:
                for interval in daily_intervals(start, anchor):
                    extract_interval(api, lake, "ck_b", interval, options=options)
            seconds = time.perf_counter() - started
            spent = len(sim.requests) - before
            # Our own calls add compliance_api_accessed events; the bound counts them too
            # since they are in the interval's activities as synced.
            bound = sum(lower_bound(lake, sim, i.dt) for i in daily_intervals(start, anchor))
            sessions = sum(1 for r in sim.requests[before:] if "/sessions/" in r.path)
            s_bound = sum(session_bound(sim, i.dt) for i in daily_intervals(start, anchor))
            print(
                f"{run:<8} {spent:>9} {bound:>7} {spent / bound:>6.2f} "
                f"{content_requests(sim, before):>18} {seconds:>8.2f} "
                f"{sessions:>12} {s_bound:>6} {sessions / s_bound:>6.2f}"
            )
    print(f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
