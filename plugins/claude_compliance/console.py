"""Console output for long commands: live progress on a terminal, logfmt lines otherwise."""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO


class Progress:
    """Reports a command's progress on stderr.

    On a terminal, one status line rewritten in place; otherwise one plain structured line
    per event (`ts=… level=info msg="…"`), suitable for log collectors.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.is_tty = self.stream.isatty()
        self._width = 0

    def __call__(self, message: str) -> None:
        if self.is_tty:
            line = message[:120]
            self.stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
            self.stream.flush()
        else:
            self.stream.write(logfmt("info", message) + "\n")
            self.stream.flush()

    def done(self) -> None:
        if self.is_tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def logfmt(level: str, message: str) -> str:
    ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    escaped = message.replace("\\", "\\\\").replace('"', '\\"')
    return f'ts={ts} level={level} msg="{escaped}"'


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.exc_info:
            text += " " + self.formatException(record.exc_info).replace("\n", " | ")
        return logfmt(record.levelname.lower(), f"{record.name}: {text}")


def configure_logging(debug: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogfmtFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)
