"""What the DAG files share without importing Airflow: the published warehouse's asset name,
which failures an Airflow retry can help, and how a waiting task stops on SIGTERM.

DAG files import this module at parse time, so it stays stdlib-only (no Airflow, no
pipeline): `tests/dags/test_dagbag.py` checks that parsing loads nothing heavy.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType

PUBLISHED_WAREHOUSE_ASSET = "compliance_warehouse"
"""Name (and URI) of the Airflow Asset the `publish` tasks update: the published
`warehouse/compliance.duckdb`. A name, not a file URI: the home differs per deployment."""


def is_retryable(exc: BaseException) -> bool:
    """Whether retrying the task that raised `exc` later could succeed.

    The API client already retries transient answers (429, 5xx, timeouts) a bounded number of
    times, so what reaches Airflow is either an outage that outlived those retries (worth a
    later retry) or an answer that will not change (a bad, revoked or under-scoped key, a
    missing resource): retrying those only delays the failure the operator has to see.
    `pipeline.extract` raises `PipelineError(...) from None`, so the API error is the context.
    """
    from claude_compliance.api.errors import (
        ComplianceAPIError,
        RateLimitError,
        ServerError,
        TransportError,
    )
    from claude_compliance.keys.store import KeyStoreError
    from claude_compliance.pipeline import PipelineError

    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, TransportError | RateLimitError | ServerError):
        return True
    if isinstance(cause, ComplianceAPIError | KeyStoreError):
        return False
    # A PipelineError of its own (a revoked key) is a decision, not an accident; anything
    # else (a full disk, a lost worker) may well pass.
    return not (isinstance(exc, PipelineError) and cause is None)


def stop_on_sigterm() -> None:
    """Make SIGTERM end this process at once, as it does for any program.

    Airflow's in-process task runner (what `airflow dags test` / `dag.test()` use) installs a
    SIGTERM handler that only calls the task's `on_kill()` and leaves it installed after the
    task ends; a rescheduling sensor then waits in `dag.test()`'s loop and SIGTERM is ignored
    for hours. A waiting task has nothing to clean up, so the default disposition is right
    under every executor (the supervisor then records the task as terminated).
    """
    if threading.current_thread() is not threading.main_thread():
        return

    def terminate(signum: int, _frame: FrameType | None) -> None:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, terminate)
