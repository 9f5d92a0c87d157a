"""End-to-end cost of the pipeline by stage, for simulator organizations of growing size.

For each size: a fresh home, the simulator in process (rate limit off), then the real
stages — extract every day, scan every day, dbt build, publish — each timed. Prints seconds
per stage and user messages per second through scan + dbt, so growth can be read across
sizes (linear growth keeps messages/s flat).

    .venv/bin/python benchmarks/pipeline.py --messages 10000 100000 [1000000]

Measured 2026-11-26 on the 2-core machine (seconds; scan + dbt in user messages/s):
       messages  extract   scan    dbt   scan+dbt msg/s
         10,534      4.1    0.7    8.9              548   dbt's ~8 s start-up dominates
        106,166     22.6    2.1    8.3            5,118
      1,063,090    216.6   16.1   13.1           18,166   2.8 GB peak RSS
Extract grows linearly (9.6x for 10x) once the simulator's listings stopped filtering the
whole organization per page: before that, 1M took 414 s to extract.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from cryptography.fernet import Fernet

DAYS = 7
CHATS_PER_USER_DAY = 2.0
TURNS = 3


def run_size(messages: int, root: Path) -> dict[str, float]:
    home = root / f"home-{messages}"
    os.environ.update(
        {
            "CLAUDE_COMPLIANCE_HOME": str(home),
            "CLAUDE_COMPLIANCE_MASTER_KEY": Fernet.generate_key().decode(),
            "CLAUDE_COMPLIANCE_FINGERPRINT_KEY": "benchmark-fingerprint-secret-0123456789",
        }
    )
    from claude_compliance import pipeline, runtime
    from claude_compliance.lake.interval import daily_intervals
    from claude_compliance.settings import Settings
    from compliance_simulator import SimConfig, Simulator

    settings = Settings.load()
    anchor = date(2026, 11, 20)
    users = max(1, round(messages / (DAYS * CHATS_PER_USER_DAY * TURNS * 2)))
    started = time.perf_counter()
    sim = Simulator(
        SimConfig(
            seed=7,
            users=users,
            days=DAYS,
            anchor=anchor,
            orgs=3,
            chats_per_user_day=CHATS_PER_USER_DAY,
            turns_per_chat=TURNS,
            rate_limit_per_minute=0,
        )
    )
    figures = {"generate": time.perf_counter() - started}
    total = len(sim.data.messages)
    user_messages = sum(1 for m in sim.data.messages.values() if m.role == "user")
    record = runtime.key_store(settings).add(
        sim.keys.compliance, name="bench", scopes=[], organizations=[], actor="benchmark"
    )
    intervals = list(daily_intervals(anchor - timedelta(days=DAYS), anchor))
    settings = dataclasses.replace(settings, activity_lag_s=0.001)
    for stage in ("extract", "scan"):
        started = time.perf_counter()
        for interval in intervals:
            if stage == "extract":
                pipeline.extract(settings, record.key_id, interval, transport=sim.transport())
            else:
                pipeline.scan(settings, record.key_id, interval)
        figures[stage] = time.perf_counter() - started
    started = time.perf_counter()
    pipeline.build(settings)
    figures["dbt"] = time.perf_counter() - started
    started = time.perf_counter()
    pipeline.publish_warehouse(settings)
    figures["publish"] = time.perf_counter() - started
    figures.update(messages=total, user_messages=user_messages)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print(
        f"{'messages':>9} {'user msgs':>9} {'generate':>8} {'extract':>8} {'scan':>7} "
        f"{'dbt':>7} {'publish':>7} {'total':>8} {'user msg/s scan+dbt':>20} {'per 1k msgs':>11}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.messages:
            f = run_size(size, Path(tmp))
            total = f["extract"] + f["scan"] + f["dbt"] + f["publish"]
            rate = f["user_messages"] / (f["scan"] + f["dbt"])
            print(
                f"{int(f['messages']):>9} {int(f['user_messages']):>9} {f['generate']:>8.1f} "
                f"{f['extract']:>8.1f} {f['scan']:>7.1f} {f['dbt']:>7.1f} {f['publish']:>7.2f} "
                f"{total:>8.1f} {rate:>20,.0f} {1000 * total / f['messages']:>10.2f}s",
                flush=True,
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:,.0f} MB (dbt runs in a child process)")


if __name__ == "__main__":
    main()
