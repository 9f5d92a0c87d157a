"""Shared fixtures: one small simulator per module, with a fixed anchor date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest

from compliance_simulator import SimConfig, Simulator

ANCHOR = dt.date(2026, 3, 10)
SMALL = SimConfig(seed=7, users=12, days=7, anchor=ANCHOR, orgs=2)


@pytest.fixture(scope="module")
def sim() -> Simulator:
    return Simulator(SMALL)


def make_client(sim: Simulator, key: str | None) -> httpx.Client:
    headers = {"x-api-key": key} if key is not None else {}
    return httpx.Client(transport=sim.transport(), base_url="http://sim.test", headers=headers)


@pytest.fixture(scope="module")
def client(sim: Simulator) -> Iterator[httpx.Client]:
    with make_client(sim, sim.keys.compliance) as c:
        yield c
