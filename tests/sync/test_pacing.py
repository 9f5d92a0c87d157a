"""Four extract tasks sharing one rate budget stay under it, instead of meeting 429s."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from claude_compliance.api import ComplianceClient, RetryPolicy
from claude_compliance.sync.extract import extract_interval
from compliance_simulator import SimConfig, Simulator, serve
from tests.fixtures.simulator import ANCHOR
from tests.sync.test_completeness import NO_WAIT
from tests.sync.test_extract import DAYS

pytestmark = pytest.mark.slow


def test_parallel_extracts_share_a_lowered_limit_with_at_most_one_percent_429(
    tmp_path: Path,
) -> None:
    # 60 requests per 3-second window: the 1,200/min of four busy workers squeezed into a
    # budget a twentieth of the real one, in a window short enough for a test.
    sim = Simulator(
        SimConfig(
            seed=11,
            users=24,
            days=3,
            anchor=ANCHOR,
            rate_limit_per_minute=60,
            rate_limit_window_s=3,
        )
    )
    intervals = [*DAYS, DAYS[0]]  # four tasks; two of them re-run the same interval
    errors: list[BaseException] = []
    with serve(sim, host="127.0.0.1", port=0) as server:

        def work(n: int) -> None:
            try:
                with ComplianceClient(
                    sim.keys.compliance, server.url, retry=RetryPolicy(max_attempts=10)
                ) as api:
                    extract_interval(
                        api, tmp_path / f"lake{n}", "ck_t", intervals[n], options=NO_WAIT
                    )
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert errors == []
    statuses = [r.status for r in sim.requests]
    assert len(statuses) > 150, "the run must need several windows of budget"
    limited = statuses.count(429)
    print(f"requests {len(statuses)}, 429s {limited} ({limited / len(statuses):.2%})")
    assert limited <= 0.01 * len(statuses)
