"""In-process transport: the WSGI app behind httpx, with dropped connections as httpx errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from .faults import ConnectionDropped

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


class SimTransport(httpx.BaseTransport):
    """``httpx.WSGITransport`` that turns a dropped connection into ``RemoteProtocolError``."""

    def __init__(self, app: WSGIApplication) -> None:
        self._inner = httpx.WSGITransport(app=app, remote_addr="127.0.0.1")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return self._inner.handle_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None

    def close(self) -> None:
        self._inner.close()
