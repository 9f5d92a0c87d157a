"""Shared fixtures for the scanner tests."""

from __future__ import annotations

import pytest

from scanners import Engine, load_engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return load_engine(secret=b"test-installation-secret")
