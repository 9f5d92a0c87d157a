from __future__ import annotations

from tests.web.fixtures import built, web

__all__ = ["built", "web"]
