"""README's "Using it" and "Airflow" walkthrough, executed: the shell blocks marked
`<!-- walkthrough: run -->` (must exit 0) and `<!-- walkthrough: background -->` (servers left
running) run in order, as a reader would paste them, in a scratch directory that links the
repository's `dags/`, `plugins/` and `.venv`.

What the test adds around the README's text, and only that: free ports instead of 8765 and
8080 (so parallel runs never collide; Airflow's base and execution-API URLs follow its port),
waiting for each server to answer, moving aside the lake `run` wrote before Airflow starts (so
what is compared comes from the backfill), and waiting for the backfill's runs to finish.
Then the backfill rule is checked: `run --start A --end B` and
`backfill create --from-date A --to-date <B - 1 day>` wrote the same raw and DLP partitions,
file for file, with the same rows (when they were written and the ledger's request ids aside).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from deploy.airflow_api import is_healthy
from tests.deploy.support import free_port, port_is_open

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"<!-- walkthrough: (run|background) -->\n```bash\n(.*?)\n```", re.S)
RANGE = ("2026-11-02", "2026-11-03", "2026-11-04")  # run --start 2026-11-02 --end 2026-11-05
# When a row was written, and the sync ledger's record of that sync (its times, the request id
# the API gave it): they differ between any two syncs of the same interval by nature.
VOLATILE = {"synced_at", "scanned_at", "started_at", "finished_at", "last_request_id"}


@dataclass(frozen=True)
class Block:
    kind: str
    text: str


def walkthrough_blocks() -> list[Block]:
    text = (REPO / "README.md").read_text()
    return [Block(kind, body) for kind, body in BLOCK.findall(text)]


def test_the_readme_marks_the_walkthrough_blocks() -> None:
    blocks = walkthrough_blocks()
    assert [b.kind for b in blocks] == ["background", "run", "run", "background", "run"]
    joined = "\n".join(b.text for b in blocks)
    for step in (
        "claude-compliance simulator",
        "keys add",
        "claude-compliance run --start 2026-11-02 --end 2026-11-05",
        "airflow db migrate",
        "airflow pools set compliance_api 4",
        "airflow pools set duckdb_writer 1",
        "airflow dags test compliance_sync",
        "airflow standalone",
        "airflow dags unpause compliance_sync",
        "--from-date 2026-11-02 --to-date 2026-11-04",
    ):
        assert step in joined, step


class Walkthrough:
    """Runs blocks in one scratch directory; exports carry over from block to block."""

    def __init__(self, root: Path, env: dict[str, str], ports: dict[str, int]) -> None:
        self.root = root
        self.env = env
        self.ports = ports
        self.state = root / ".walkthrough-env"
        self.state.write_text("")
        self.servers: list[subprocess.Popen[bytes]] = []
        self.log = root / "walkthrough.log"

    def text(self, block: Block) -> str:
        return block.text.replace("8765", str(self.ports["simulator"])).replace(
            "localhost:8080", f"localhost:{self.ports['airflow']}"
        )

    def run(self, block: Block, timeout: float = 900) -> None:
        script = self.root / ".walkthrough-block.sh"
        script.write_text(self.text(block) + "\n")
        wrapper = f'source "{self.state}"\nsource "{script}"\nexport -p > "{self.state}"\n'
        with open(self.log, "ab") as log:
            log.write(f"\n$ {block.text}\n".encode())
            log.flush()
            proc = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", wrapper],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        assert proc.returncode == 0, f"README block failed:\n{block.text}\n{self.tail()}"

    def start(self, block: Block, name: str) -> None:
        command = self.text(block).strip()
        with open(self.root / f"{name}.log", "ab") as log:
            self.servers.append(
                subprocess.Popen(
                    ["bash", "-c", f'source "{self.state}"\nexec {command}'],
                    cwd=self.root,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def airflow_json(self, *args: str) -> object:
        proc = subprocess.run(
            ["bash", "-c", f'source "{self.state}"\nexec .venv/bin/airflow "$@"', "_", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Standalone stops its components in turn on SIGINT (ARCHITECTURE §6); then the
        group gets SIGTERM, then SIGKILL."""
        for proc in reversed(self.servers):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 60
        for proc in self.servers:
            try:
                proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for proc in self.servers:
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    continue
            time.sleep(5)
        for proc in self.servers:
            proc.wait(timeout=30)


def wait_until(condition: object, what: str, timeout_s: float, every_s: float = 2) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(every_s)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def walkthrough(tmp_path: Path) -> Iterator[Walkthrough]:
    root = tmp_path / "checkout"
    root.mkdir()
    for name in ("dags", "plugins", "dbt_project"):
        (root / name).symlink_to(REPO / name)
    (root / ".venv").symlink_to(Path(sys.prefix))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AIRFLOW", "CLAUDE_COMPLIANCE_", "_CLAUDE_COMPLIANCE"))
    }
    # This checkout's code, whatever the venv's editable install points at.
    env["PYTHONPATH"] = f"{REPO / 'plugins'}{os.pathsep}{REPO}"
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
    ports = {"simulator": free_port(), "airflow": free_port()}
    base_url = f"http://127.0.0.1:{ports['airflow']}"
    env.update(
        {
            "AIRFLOW__API__PORT": str(ports["airflow"]),
            "AIRFLOW__API__BASE_URL": base_url,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base_url}/execution/",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        }
    )
    runner = Walkthrough(root, env, ports)
    try:
        yield runner
    finally:
        runner.stop()


def partitions(lake: Path) -> dict[str, Path]:
    """Every file of the range's raw and DLP partitions, by path relative to the lake."""
    found = {}
    for path in lake.rglob("*"):
        if path.is_file() and any(f"dt={day}" in path.parts for day in RANGE):
            found[str(path.relative_to(lake))] = path
    return found


def rows(path: Path) -> list[tuple[object, ...]]:
    table = pq.read_table(path)
    table = table.drop_columns([c for c in table.column_names if c in VOLATILE])
    return sorted(
        tuple(json.dumps(v, sort_keys=True, default=str) for v in row.values())
        for row in table.to_pylist()
    )


def test_the_readme_walkthrough_runs_verbatim_and_backfill_equals_run(
    walkthrough: Walkthrough,
) -> None:
    started = time.monotonic()
    root = walkthrough.root
    simulator, using_it, airflow_setup, standalone, backfill = walkthrough_blocks()

    walkthrough.start(simulator, "simulator")
    wait_until(
        lambda: (
            (root / "var" / "simulator-keys.json").exists()
            and port_is_open("127.0.0.1", walkthrough.ports["simulator"])
        ),
        "the simulator",
        120,
    )
    walkthrough.run(using_it)
    lake = root / "var" / "lake"
    from_run = root / "lake-from-run"
    lake.rename(from_run)
    written_by_run = partitions(from_run)
    assert {p.split("/")[0] for p in written_by_run} == {"raw", "dlp"}
    assert any(p.endswith(".parquet") for p in written_by_run)

    walkthrough.run(airflow_setup)
    pools = walkthrough.airflow_json("pools", "list", "-o", "json")
    slots = {p["pool"]: int(p["slots"]) for p in pools}  # type: ignore[union-attr, index]
    assert (slots["compliance_api"], slots["duckdb_writer"]) == (4, 1)
    runs = walkthrough.airflow_json("dags", "list-runs", "compliance_sync", "-o", "json")
    assert [(r["logical_date"][:10], r["state"]) for r in runs] == [  # type: ignore[index, union-attr]
        ("2026-11-07", "success")
    ]

    walkthrough.start(standalone, "airflow-standalone")
    base_url = f"http://127.0.0.1:{walkthrough.ports['airflow']}"
    wait_until(lambda: is_healthy(base_url), "Airflow standalone to be healthy", 300)
    walkthrough.run(backfill)

    def backfill_runs() -> dict[str, str]:
        listed = walkthrough.airflow_json("dags", "list-runs", "compliance_sync", "-o", "json")
        return {
            r["logical_date"][:10]: r["state"]  # type: ignore[index]
            for r in listed  # type: ignore[union-attr]
            if str(r["run_id"]).startswith("backfill__")  # type: ignore[index]
        }

    wait_until(
        lambda: (
            len(backfill_runs()) == 3 and set(backfill_runs().values()) <= {"success", "failed"}
        ),
        "the backfill's runs to finish",
        1200,
        every_s=15,  # each look is an `airflow` CLI start: seconds of CPU on a shared machine
    )
    assert backfill_runs() == dict.fromkeys(RANGE, "success")

    written_by_backfill = partitions(lake)
    assert sorted(written_by_backfill) == sorted(written_by_run)
    for name, path in written_by_run.items():
        if name.endswith(".parquet"):
            assert rows(written_by_backfill[name]) == rows(path), name
    # Nothing outside the range came from the backfill. The other days: the dags test's
    # (2026-11-06), the scheduled run unpausing added (the latest finished day), our own API
    # calls (`own_requests`, by the day they were made: today) and the `key=_schema`
    # placeholders (1970-01-01).
    days = {p.name for p in lake.rglob("dt=*")}
    today = datetime.now(UTC).date()
    expected_elsewhere = {"dt=1970-01-01", "dt=2026-11-06"} | {
        f"dt={today - timedelta(days=n)}" for n in (0, 1, 2)
    }
    assert days - {f"dt={d}" for d in RANGE} <= expected_elsewhere
    print(f"\nREADME walkthrough wall time: {time.monotonic() - started:.0f} s")
