"""Receivers on 127.0.0.1 for the tests: an HTTP sink (webhooks, SIEM collectors) and an SMTP
sink. Both record what they get; nothing here ever reaches beyond loopback."""

from __future__ import annotations

import email
import email.policy
import json
import socketserver
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def json_lines(self) -> list[Any]:
        return [json.loads(line) for line in self.body.decode().splitlines() if line.strip()]


Responder = Callable[[Received, int], tuple[int, bytes]]
"""(request, 0-based index of the request) → (status, body)."""


class HttpSink:
    """A threaded HTTP server on 127.0.0.1:<free port> recording every POST."""

    def __init__(self, responder: Responder | None = None) -> None:
        self.received: list[Received] = []
        self._responder = responder or (lambda _r, _i: (200, b"ok"))
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = Received(
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
                with sink._lock:
                    index = len(sink.received)
                    sink.received.append(request)
                status, body = sink._responder(request, index)
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> HttpSink:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self) -> None:
        def reply(line: str) -> None:
            self.wfile.write((line + "\r\n").encode())

        reply("220 loopback sink")
        lines: list[str] = []
        in_data = False
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if in_data:
                if line == ".":
                    in_data = False
                    self.server.messages.append("\r\n".join(lines))  # type: ignore[attr-defined]
                    lines = []
                    reply("250 queued")
                else:
                    lines.append(line[1:] if line.startswith("..") else line)
                continue
            verb = line[:4].upper()
            if verb == "EHLO":
                reply("250-loopback")
                reply("250 8BITMIME")
            elif verb == "DATA":
                in_data = True
                reply("354 end with <CRLF>.<CRLF>")
            elif verb == "QUIT":
                reply("221 bye")
                return
            else:
                reply("250 ok")


class _SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """An SMTP server on 127.0.0.1:<free port> keeping every message it accepts."""

    def __init__(self) -> None:
        self._server = _SmtpServer(("127.0.0.1", 0), _SmtpHandler)
        self._server.messages = []  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def raw_messages(self) -> list[str]:
        return list(self._server.messages)  # type: ignore[attr-defined]

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_string(raw, policy=email.policy.default)  # type: ignore[misc]
            for raw in self.raw_messages
        ]

    def airflow_connection(self) -> str:
        """The value of `AIRFLOW_CONN_<ID>` for this sink: the documented plain form, no TLS
        or sender extras (the defaults must do), and no reconnect attempts."""
        return f"smtp://127.0.0.1:{self.port}?retry_limit=0&timeout=10"

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def decoded_parts(message: EmailMessage) -> Iterator[tuple[str, str | None, bytes]]:
    """(content type, filename, decoded bytes) of every leaf part."""
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        yield part.get_content_type(), part.get_filename(), bytes(payload or b"")
