"""The engine's scan time grows linearly on every adversarial shape of benchmarks/adversarial_scan.

Issue 13, class 3: a `BEGIN … PRIVATE KEY` or PuTTY header followed by one long line of letters
took 0.4 s at 16 KB, 9 s at 64 KB and 155 s at 256 KB (quadratic). Each shape is timed at 16 KB
(scanned 16 times) and at 256 KB, medians of 3 interleaved rounds (`judged_growth`, shared with
tests/scanners/test_scan_password_forms.py): a linear engine gives a ratio of 16, a quadratic
one 256; the test fails above 32 (twice linear). A shape too fast to time reliably (under 20 ms
at 256 KB) is timed again at 64 KB vs 1 MB; one that scans 1 MB in under 20 ms passes whatever
its ratio.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from scanners import Engine, load_engine

# CPU-bound and independent: xdist spreads them over every worker (tests/fixtures/grouping.py)
pytestmark = pytest.mark.spread


def _benchmark() -> ModuleType:
    path = Path(__file__).parents[2] / "benchmarks" / "adversarial_scan.py"
    spec = importlib.util.spec_from_file_location("adversarial_scan", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BENCHMARK = _benchmark()
MEASURABLE: float = BENCHMARK.MEASURABLE


@pytest.fixture(scope="module")
def engine() -> Engine:
    return load_engine(secret=b"test-installation-secret")


@pytest.mark.slow
@pytest.mark.parametrize("shape", BENCHMARK.SHAPES, ids=lambda shape: shape.name)
def test_no_shape_grows_faster_than_twice_linear(engine: Engine, shape: object) -> None:
    ratio, large_time, linear = BENCHMARK.judged_growth(engine, shape)
    assert large_time < MEASURABLE or ratio < 2 * linear, (ratio, large_time)


def test_shapes_cover_every_detector_family() -> None:
    names = " ".join(shape.name for shape in BENCHMARK.SHAPES)
    for needle in ("PRIVATE KEY", "PuTTY", "digits", "4111", "password", "Bearer", "Basic"):
        assert needle in names
    for shape in BENCHMARK.SHAPES:
        assert 15_000 <= len(shape.build(16_000)) <= 16_000 + 100, shape.name
