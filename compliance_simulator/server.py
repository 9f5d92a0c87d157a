"""Serving the simulator over real sockets: a threaded HTTP/1.1 server on loopback."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING
from urllib.parse import unquote

from .config import SimConfig
from .faults import ConnectionDropped
from .simulator import Simulator

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment


class _Handler(BaseHTTPRequestHandler):
    """Runs one WSGI call per request; no Content-Length means a chunked body."""

    protocol_version = "HTTP/1.1"
    server_version = "ComplianceSimulator/1"
    app: WSGIApplication

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: requests are recorded by the app (and must never echo keys)."""

    def do_GET(self) -> None:
        self._run()

    def do_DELETE(self) -> None:
        self._run()

    def do_POST(self) -> None:
        self._run()

    def do_PUT(self) -> None:
        self._run()

    def _environ(self) -> WSGIEnvironment:
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        address: tuple[str, int] = self.server.server_address  # type: ignore[assignment]
        host, port = address[0], address[1]
        environ: dict[str, object] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path),
            "QUERY_STRING": query,
            "SERVER_NAME": str(host),
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "CONTENT_LENGTH": str(length),
            "CONTENT_TYPE": self.headers.get("content-type", ""),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        return environ

    def _run(self) -> None:
        captured: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: object = None
        ) -> None:
            captured.append((status, headers))

        try:
            chunks = self.app(self._environ(), start_response)  # type: ignore[arg-type]
        except ConnectionDropped:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        status, headers = captured[-1]
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        is_sized = any(name.lower() == "content-length" for name, _ in headers)
        for name, value in headers:
            self.send_header(name, value)
        if not is_sized:
            self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for chunk in chunks:
            if not chunk:
                continue
            if is_sized:
                self.wfile.write(chunk)
            else:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        if not is_sized:
            self.wfile.write(b"0\r\n\r\n")


class SimServer:
    """A bound server: ``url`` is known at once; ``start()`` serves in a daemon thread."""

    def __init__(self, sim: Simulator, host: str = "127.0.0.1", port: int = 0) -> None:
        handler = type("SimHandler", (_Handler,), {"app": sim.app})
        self.sim = sim
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SimServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                name="compliance-sim",
                kwargs={"poll_interval": 0.1},
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``close()`` (or KeyboardInterrupt)."""
        self._httpd.serve_forever(poll_interval=0.2)

    def close(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def serve(sim: Simulator, host: str = "127.0.0.1", port: int = 0) -> SimServer:
    """Bind a server for ``sim`` (port 0 = any free port); use as a context manager or start()."""
    return SimServer(sim, host, port)


def write_keys(sim: Simulator, path: Path) -> None:
    """The simulator's plaintext keys as JSON, readable only by the owner (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(sim.keys.as_dict(), out, indent=2)
    os.chmod(path, 0o600)


def run_server(
    config: SimConfig, host: str, port: int, truth_path: Path | None, keys_path: Path | None
) -> None:
    """Serve until Ctrl-C or SIGTERM; write the truth and the keys file first."""
    sim = Simulator(config)
    if truth_path is not None:
        sim.write_truth(truth_path)
    if keys_path is not None:
        write_keys(sim, keys_path)
    server = serve(sim, host, port)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
    print(
        f"Compliance API simulator at {server.url} (keys: {keys_path or 'not written'}, "
        f"truth: {truth_path or 'not written'})",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
