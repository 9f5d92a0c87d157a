"""One extractor (one worker process) for the documents tests, stopped at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from claude_compliance.documents import Extractor


@pytest.fixture(scope="module")
def extractor() -> Iterator[Extractor]:
    with Extractor() as instance:
        yield instance
