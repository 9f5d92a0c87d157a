"""The simulator over a real loopback socket, and the CLI entry point's files."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import stat
import threading
from pathlib import Path

import httpx
import pytest

from compliance_simulator import SimConfig, Simulator, run_server, serve
from compliance_simulator.server import write_keys

from .conftest import SMALL


def test_loopback_walk_and_chunked_download(sim: Simulator) -> None:
    big = max(sim.data.files.values(), key=lambda f: f.size_bytes)
    with serve(sim, host="127.0.0.1", port=0) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=server.url, headers={"x-api-key": sim.keys.compliance}) as c:
            chats = c.get("/v1/compliance/apps/chats", params={"limit": 2})
            assert chats.status_code == 200 and chats.headers["request-id"].startswith("req_")
            download = c.get(f"/v1/compliance/apps/chats/files/{big.id}/content")
            unauthenticated = httpx.get(server.url + "/v1/compliance/apps/chats")
    assert download.headers["transfer-encoding"] == "chunked"
    assert len(download.content) == big.size_bytes
    assert (
        download.headers["content-md5"]
        == base64.b64encode(hashlib.md5(download.content).digest()).decode()
    )
    assert unauthenticated.status_code == 404


def test_loopback_dropped_connection_then_recovery() -> None:
    sim = Simulator(SMALL)
    server = serve(sim)
    server.start()
    try:
        sim.faults.add("/organizations$", drop=True)
        with httpx.Client(base_url=server.url, headers={"x-api-key": sim.keys.compliance}) as c:
            with pytest.raises(httpx.RemoteProtocolError):
                c.get("/v1/compliance/organizations")
            assert c.get("/v1/compliance/organizations").status_code == 200
    finally:
        server.close()


def test_loopback_serves_concurrent_clients(sim: Simulator) -> None:
    results: list[int] = []
    with serve(sim) as server:

        def fetch() -> None:
            with httpx.Client(base_url=server.url, headers={"x-api-key": sim.keys.compliance}) as c:
                results.extend(c.get("/v1/compliance/apps/projects").status_code for _ in range(5))

        threads = [threading.Thread(target=fetch) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert results == [200] * 20


def test_write_keys_is_private(sim: Simulator, tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    write_keys(sim, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    keys = json.loads(path.read_text())
    assert keys["compliance"] == sim.keys.compliance and set(keys) >= {"admin", "unknown"}


def test_run_server_stops_on_sigterm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = SimConfig(seed=5, users=2, days=1, anchor=SMALL.anchor)
    truth, keys = tmp_path / "truth.jsonl", tmp_path / "keys.json"
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        run_server(config, "127.0.0.1", 0, truth, keys)
    finally:
        timer.cancel()
    line = capsys.readouterr().out.strip()
    assert line.startswith("Compliance API simulator at http://127.0.0.1:")
    assert str(truth) in line and str(keys) in line
    assert Simulator(config).keys.compliance not in line
    assert len(truth.read_text().splitlines()) == len(Simulator(config).truth())
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
