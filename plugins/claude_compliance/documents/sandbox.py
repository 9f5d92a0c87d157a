"""The child process that parses documents, so a hostile one cannot hang or crash the scan.

One persistent worker (`python -m claude_compliance.documents.sandbox`) per `Sandbox`, started
on first use. It caps its own address space (RLIMIT_AS) and core dumps before it reads a
document; the parent gives each document a wall-time limit and kills the worker when it is
exceeded, when the worker dies, or after it ran out of memory. The next document starts a fresh
worker. Requests and replies are length-prefixed JSON (the document's bytes follow the request
raw): the parent never unpickles what a worker that parsed hostile input sends back.

    parent                                   child
    [4-byte length][JSON {format, limits}]   ->
    [8-byte length][document bytes]          ->
                                             <- [4-byte length][JSON Extraction]
"""

from __future__ import annotations

import json
import logging
import os
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

from claude_compliance.childenv import child_environment
from claude_compliance.documents.formats import DocumentFormat
from claude_compliance.documents.model import Extraction, Limits, Segment, SkipReason

log = logging.getLogger(__name__)

_MAX_REPLY = 1 << 30


class WorkerLost(Exception):
    """The worker timed out, died, or broke the protocol."""


def _deadline_io(fd: int, deadline: float, writable: bool) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise WorkerLost("timed out")
    ready = (
        select.select([], [fd], [], remaining)
        if writable
        else select.select([fd], [], [], remaining)
    )
    if not any(ready):
        raise WorkerLost("timed out")


def _write_all(fd: int, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    while view:
        _deadline_io(fd, deadline, writable=True)
        try:
            written = os.write(fd, view[: 1 << 20])
        except BlockingIOError:
            continue
        except OSError as error:  # BrokenPipeError: the worker is gone
            raise WorkerLost(f"write failed ({error})") from None
        view = view[written:]


def _read_exact(fd: int, count: int, deadline: float) -> bytes:
    parts = []
    while count:
        _deadline_io(fd, deadline, writable=False)
        chunk = os.read(fd, min(count, 1 << 20))
        if not chunk:
            raise WorkerLost("worker exited")
        parts.append(chunk)
        count -= len(chunk)
    return b"".join(parts)


def _from_json(reply: dict[str, Any]) -> Extraction:
    return Extraction(
        text=reply["text"],
        detected_format=reply["detected_format"],
        extractor=reply["extractor"],
        skipped_reason=reply["skipped_reason"],
        segments=tuple(Segment(int(start), str(location)) for start, location in reply["segments"]),
    )


def _to_json(extraction: Extraction, restart: bool) -> bytes:
    # By hand: dataclasses.asdict deep-copies every segment, which cost more than parsing.
    return json.dumps(
        {
            "text": extraction.text,
            "detected_format": extraction.detected_format,
            "extractor": extraction.extractor,
            "skipped_reason": extraction.skipped_reason,
            "segments": [[s.start, s.location] for s in extraction.segments],
            "restart": restart,
        }
    ).encode()


class Sandbox:
    """A worker process that parses one document at a time within `Limits`. Thread-safe
    (documents queue on a lock); `close()` stops the worker."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._memory = 0
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self.restarts = 0

    def _forget_if_forked(self) -> None:
        # A forked process (Celery, Airflow's task runner) inherits this object: the parent's
        # pipes (two conversations with one worker would interleave) and the lock, possibly
        # held by a thread that does not exist in the child (it would never be released).
        if self._pid != os.getpid():
            self._process, self._lock, self._pid = None, threading.Lock(), os.getpid()

    def _start(self, memory_bytes: int) -> subprocess.Popen[bytes]:
        # The allowlisted environment only: the child reads untrusted documents and needs
        # none of our secrets (master key, SIEM token, state DB URL). It imports this very
        # package from the folder that holds it: site-packages when installed, plugins/ in a
        # checkout (its dependencies come with the interpreter's site-packages).
        env = child_environment({"PYTHONPATH": str(Path(__file__).resolve().parents[2])})
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "claude_compliance.documents.sandbox", str(memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # A parser's complaints may quote the document: they never reach our logs.
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert process.stdin is not None
        os.set_blocking(process.stdin.fileno(), False)
        self._memory = memory_bytes
        return process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()

    def parse(self, data: bytes, kind: DocumentFormat, limits: Limits) -> Extraction:
        """The worker's extraction of `data`, or `extraction_failed` when the worker timed
        out, died or ran out of memory (it is then replaced)."""
        self._forget_if_forked()
        with self._lock:
            if self._process is not None and (
                self._process.poll() is not None or self._memory != limits.memory_bytes
            ):
                self._stop()
            if self._process is None:
                self._process = self._start(limits.memory_bytes)
            process = self._process
            assert process.stdin is not None and process.stdout is not None
            deadline = time.monotonic() + limits.timeout_s
            request = json.dumps({"format": kind.value, "limits": asdict(limits)}).encode()
            try:
                _write_all(
                    process.stdin.fileno(),
                    struct.pack(">I", len(request)) + request + struct.pack(">Q", len(data)),
                    deadline,
                )
                _write_all(process.stdin.fileno(), data, deadline)
                fd = process.stdout.fileno()
                (size,) = struct.unpack(">I", _read_exact(fd, 4, deadline))
                if size > _MAX_REPLY:
                    raise WorkerLost("reply too large")
                reply = json.loads(_read_exact(fd, size, deadline))
                extraction = _from_json(reply)
            except (WorkerLost, ValueError, KeyError, TypeError) as error:
                log.warning("document worker lost (%s): restarting it", error)
                self._stop()
                self.restarts += 1
                return Extraction(None, kind.value, None, SkipReason.EXTRACTION_FAILED.value)
            if reply.get("restart"):
                self._stop()
                self.restarts += 1
            return extraction

    def close(self) -> None:
        """Stop the worker: end of input lets it exit; it is killed if it does not."""
        with self._lock:
            process = self._process
            if process is None:
                return
            self._process = None
            try:
                if process.stdin is not None:
                    process.stdin.close()
                process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


# --- the child --------------------------------------------------------------------------


def _read(stream: BinaryIO, count: int) -> bytes | None:
    data = stream.read(count)
    if len(data) < count:
        return None
    return data


def _orphan_watch(parent: int) -> None:
    # A worker stuck in a hostile document never reads the end of its input: if the scan
    # that started it is gone, nobody will kill it, so it ends itself.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _serve(memory_bytes: int) -> None:
    import resource

    threading.Thread(target=_orphan_watch, args=(os.getppid(),), daemon=True).start()

    # Import the parsers before capping memory, so the cap bounds the document, not imports.
    from claude_compliance.documents import parsers, pdf, rtf  # noqa: F401

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = _read(stdin, 4)
        if head is None:
            return
        request = json.loads(_read(stdin, struct.unpack(">I", head)[0]) or b"{}")
        size = _read(stdin, 8)
        if size is None:
            return
        data = _read(stdin, struct.unpack(">Q", size)[0])
        if data is None:
            return
        kind = DocumentFormat(request["format"])
        restart = False
        try:
            extraction = parsers.parse(data, kind, Limits(**request["limits"]))
        except MemoryError:
            extraction = Extraction(None, kind.value, None, SkipReason.EXTRACTION_FAILED.value)
            restart = True
        except RecursionError:
            extraction = Extraction(None, kind.value, None, SkipReason.EXTRACTION_FAILED.value)
        # A parser bug met on hostile input is a failed document, recorded as such.
        except Exception as error:
            log.warning("parser raised %s", type(error).__name__)
            extraction = Extraction(None, kind.value, None, SkipReason.EXTRACTION_FAILED.value)
        del data
        reply = _to_json(extraction, restart)
        stdout.write(struct.pack(">I", len(reply)) + reply)
        stdout.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
