"""The suite's fixtures live in the `tests.fixtures` plugin package; this file registers it."""

from __future__ import annotations

pytest_plugins = [
    "tests.fixtures.home",
    "tests.fixtures.simulator",
    "tests.fixtures.warehouse",
    "tests.fixtures.airflow",
    "tests.fixtures.grouping",
]
