"""A range attempts every key × interval: one failure, of any kind, stops nothing after it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from claude_compliance import pipeline, runtime
from claude_compliance.lake.interval import Interval
from claude_compliance.scan.step import ScanResult
from claude_compliance.settings import Settings
from compliance_simulator import Simulator
from tests.fixtures.simulator import ANCHOR
from tests.sync.test_extract import DAYS


@pytest.fixture
def key_id(settings: Settings, sim: Simulator) -> str:
    store = runtime.key_store(settings)
    return store.add(sim.keys.compliance, name="k", scopes=[], organizations=[], actor="t").key_id


@pytest.fixture
def stages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Build, publish and deliveries recorded instead of run (dbt is not under test here)."""
    calls: list[str] = []
    monkeypatch.setattr(pipeline, "build", lambda _s, **_k: calls.append("build"))
    monkeypatch.setattr(pipeline, "publish", lambda _s: calls.append("publish"))
    monkeypatch.setattr(pipeline, "deliver", lambda *_a: [])
    return calls


def scan_result() -> ScanResult:
    return ScanResult(inputs=1, findings=0, skipped=0, chars=1, ruleset_version="v")


@pytest.mark.parametrize(
    ("failing_stage", "error"),
    [
        ("extract", KeyError("id")),  # a record without its id
        ("extract", UnicodeEncodeError("utf-8", "\ud83d", 0, 1, "surrogates not allowed")),
        ("extract", OSError(28, "No space left on device")),
        ("scan", ValueError("bad row\nsecond line")),
        ("extract", pipeline.PipelineError("sync of key k failed: 400 from the API")),
    ],
)
def test_every_interval_is_attempted_and_the_failed_one_listed(
    settings: Settings,
    key_id: str,
    stages: list[str],
    monkeypatch: pytest.MonkeyPatch,
    failing_stage: str,
    error: Exception,
) -> None:
    first = DAYS[2].start.date()
    days = [first + timedelta(days=n) for n in range(3)]
    attempted: list[tuple[str, str]] = []

    def stage(name: str):  # type: ignore[no-untyped-def]
        def run(_settings: Settings, k: str, interval: Interval, **_kw: object) -> object:
            attempted.append((name, interval.dt))
            if name == failing_stage and interval.dt == days[1].isoformat():
                raise error
            if name == "extract":
                return pipeline.ExtractSummary(k, str(interval), 1, 1, {})
            return scan_result()

        return run

    monkeypatch.setattr(pipeline, "extract", stage("extract"))
    monkeypatch.setattr(pipeline, "scan", stage("scan"))
    lines: list[str] = []
    with pytest.raises(pipeline.RunIncomplete) as info:
        pipeline.run_range(settings, days[0], ANCHOR, key_ids=[key_id], report=lines.append)

    assert [dt for name, dt in attempted if name == "extract"] == [d.isoformat() for d in days]
    scanned_days = [d.isoformat() for d in days if failing_stage == "scan" or d != days[1]]
    assert [dt for name, dt in attempted if name == "scan"] == scanned_days
    assert len(info.value.scans) == 2
    assert stages == ["build", "publish"]
    (failure,) = info.value.failures
    if isinstance(error, pipeline.PipelineError):
        assert failure == str(error)
    else:
        assert failure.startswith(f"{failing_stage} of key {key_id} for [{days[1].isoformat()}")
        assert f"failed: {type(error).__name__}: " in failure
        assert "\n" not in failure and "second line" not in failure
    assert any(f"{days[1].isoformat()} key {key_id}: FAILED" in line for line in lines)


def test_a_failure_line_carries_no_key_and_no_unencodable_text(
    settings: Settings, sim: Simulator, key_id: str
) -> None:
    failures: list[str] = []
    interval = DAYS[0]

    def leak() -> None:
        raise RuntimeError(f"boom with {sim.keys.compliance} and \ud83d\x00 inside")

    result = pipeline.attempt(settings, key_id, interval, "scan", leak, failures, lambda _: None)
    assert result is None
    (line,) = failures
    assert sim.keys.compliance not in line
    assert runtime.key_store(settings).get(key_id).fingerprint in line
    assert "\ufffd\ufffd inside" in line
    assert line.startswith(f"scan of key {key_id} for {interval} failed: RuntimeError: boom")
    line.encode("utf-8")  # prints and stores anywhere


def test_rescan_goes_on_past_a_failed_interval(
    settings: Settings,
    key_id: str,
    stages: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    intervals = sorted(DAYS)
    monkeypatch.setattr(pipeline, "synced_intervals", lambda *_a: intervals)

    def scan_interval(_lake: Path, k: str, interval: Interval, _engine: object) -> ScanResult:
        if interval == intervals[0]:
            raise OSError("disk gone")
        return scan_result()

    monkeypatch.setattr(pipeline, "scan_interval", scan_interval)
    with pytest.raises(pipeline.RunIncomplete) as info:
        pipeline.rescan_range(settings, DAYS[2].start.date(), ANCHOR, key_ids=[key_id])
    assert len(info.value.scans) == 2 and stages == ["build", "publish"]
    (failure,) = info.value.failures
    assert failure.startswith(f"rescan of key {key_id} for {intervals[0]} failed: OSError")
