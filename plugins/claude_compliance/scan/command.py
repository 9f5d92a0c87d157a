"""`claude-compliance scan`: text or JSONL in, JSONL findings out, streaming and fast to start.

Imports only what scanning needs (the engine, Settings, the fingerprint secret; pyarrow only
once a batch is big enough to pay for it), so one line is scanned in a fraction of a second.
JSONL input is read in batches that go through `Engine.scan_many` on an Arrow string array,
the path the pipeline's scan step uses; `--workers N` scans batches in N processes and
writes their findings in input order.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from claude_compliance.errors import CommandError

__all__ = ["add_parser_to", "cmd_scan"]

# Rows per batch: big enough that Arrow conversion and process hand-off are amortized.
BATCH_ROWS = 4096
# Below this many rows a batch is scanned as Python strings (no pyarrow import at all).
ARROW_MIN_ROWS = 64

_engine: Any = None


def add_parser_to(commands: Any) -> None:
    """Register the `scan` subcommand."""
    scan = commands.add_parser("scan", help="scan text or JSONL for sensitive data")
    scan.add_argument("path", nargs="?", default="-", help="a file, or - for stdin (default)")
    scan.add_argument("--jsonl", action="store_true", help='input lines are {"id","text"}')
    scan.add_argument(
        "--workers", type=_workers, default=1, help="processes scanning batches (default 1)"
    )
    scan.set_defaults(handler=cmd_scan)


def _workers(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of workers: {value!r}") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"--workers must be at least 1, got {count}")
    return count


def cmd_scan(args: argparse.Namespace) -> int:
    from claude_compliance.keys.master import fingerprint_secret
    from claude_compliance.settings import Settings

    settings = Settings.load()
    options = (fingerprint_secret(settings), settings.rules_path, settings.default_region)
    stream = sys.stdin if args.path == "-" else open(args.path, encoding="utf-8")
    out = sys.stdout
    with stream:
        if not args.jsonl:
            _init(*options)
            out.writelines(_scan_batch([(None, stream.read())]))
            return 0
        if args.workers == 1:
            _init(*options)
            for batch in _jsonl_batches(stream):
                out.writelines(_scan_batch(batch))
            return 0
        import multiprocessing

        # Forked workers inherit the engine built here (no second import or compile); where
        # there is no fork, each spawned worker builds its own.
        forks = "fork" in multiprocessing.get_all_start_methods()
        if forks:
            _init(*options)
            import pyarrow  # noqa: F401 - imported once here rather than in every worker
        context = multiprocessing.get_context("fork" if forks else "spawn")
        initializer = None if forks else _init
        with context.Pool(args.workers, initializer=initializer, initargs=options) as pool:
            if args.path == "-":
                # A pipe cannot be split: this process parses, the workers scan.
                batches = _jsonl_batches(stream)
                for lines in pool.imap(_scan_batch, batches, chunksize=1):
                    out.writelines(lines)
                return 0
            # A file is split into line-aligned byte ranges that the workers read and parse
            # themselves: the parsing is spread too, and no text crosses a process boundary.
            line_base = 0
            chunks = ((args.path, start, end) for start, end in _chunk_bounds(args.path))
            for lines, line_count, bad_line in pool.imap(_scan_chunk, chunks, chunksize=1):
                out.writelines(lines)
                if bad_line is not None:
                    raise CommandError(
                        f'line {line_base + bad_line}: expected a JSON object with "text"'
                    )
                line_base += line_count
    return 0


# Bytes per chunk of a JSONL file scanned by --workers.
CHUNK_BYTES = 4 << 20


def _chunk_bounds(path: str) -> Iterator[tuple[int, int]]:
    """Line-aligned (start, end) byte ranges of about CHUNK_BYTES covering the file."""
    with open(path, "rb") as stream:
        stream.seek(0, 2)
        total = stream.tell()
        start = 0
        while start < total:
            stream.seek(min(start + CHUNK_BYTES, total))
            if start + CHUNK_BYTES < total:
                stream.readline()
            end = stream.tell()
            yield start, end
            start = end


def _scan_chunk(task: tuple[str, int, int]) -> tuple[list[str], int, int | None]:
    """Findings of one byte range of a JSONL file, its line count, and its first bad line."""
    path, start, end = task
    with open(path, "rb") as stream:
        stream.seek(start)
        data = stream.read(end - start)
    raw_lines = data.split(b"\n")
    if raw_lines and not raw_lines[-1]:
        raw_lines.pop()
    lines: list[str] = []
    bad_line: int | None = None
    for number, raw in enumerate(raw_lines, start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            bad_line = number
            break
    items, bad_json = _parse_block(lines, 1)
    out = [line for batch in _batches(items) for line in _scan_batch(batch)]
    return out, len(raw_lines), bad_json if bad_json is not None else bad_line


def _parse_block(
    lines: Sequence[str], first_number: int
) -> tuple[list[tuple[Any, str]], int | None]:
    """The (id, text) items of consecutive JSONL lines, and the number of the first bad line
    (the items before it are returned).

    One `json.loads` of the lines joined into an array: a C-speed parse of the whole block
    instead of a Python call per line; only a block that fails is parsed line by line, to
    name the bad line.
    """
    numbered = [(number, line) for number, line in enumerate(lines, first_number) if line.strip()]
    try:
        parsed = json.loads("[" + ",".join(line for _, line in numbered) + "]")
        if len(parsed) == len(numbered):
            return [(item.get("id"), str(item["text"])) for item in parsed], None
    except (ValueError, KeyError, AttributeError, TypeError):
        pass  # some line is not a JSON object with "text": find it below
    items: list[tuple[Any, str]] = []
    for number, line in numbered:
        try:
            item = json.loads(line)
            items.append((item.get("id"), str(item["text"])))
        except (ValueError, KeyError, AttributeError, TypeError):
            return items, number
    return items, None


def _init(secret: bytes, rules_path: Any, region: str) -> None:
    global _engine
    from scanners import load_engine

    _engine = load_engine(secret=secret, rules_path=rules_path, region=region)


def _scan_batch(batch: Sequence[tuple[Any, str]]) -> list[str]:
    texts = [text for _, text in batch]
    if len(texts) >= ARROW_MIN_ROWS:
        import pyarrow as pa

        results = _engine.scan_many(pa.array(texts, type=pa.large_string()))
    else:
        results = _engine.scan_many(texts)
    lines = []
    for (item_id, _), findings in zip(batch, results, strict=True):
        for finding in findings:
            record = {
                "id": item_id,
                "detector": finding.detector,
                "category": str(finding.category.value),
                "severity": str(finding.severity.value),
                "start": finding.start,
                "end": finding.end,
                "redacted": finding.redacted,
            }
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return lines


def _batches(items: Iterable[tuple[Any, str]]) -> Iterator[list[tuple[Any, str]]]:
    batch: list[tuple[Any, str]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _jsonl_batches(stream: TextIO) -> Iterator[list[tuple[Any, str]]]:
    """Batches of (id, text) items, BATCH_ROWS lines at a time; the good lines before a bad
    one come out before the error."""
    first_number = 1
    while True:
        lines = list(itertools.islice(stream, BATCH_ROWS))
        if not lines:
            return
        items, bad_line = _parse_block(lines, first_number)
        if items:
            yield items
        if bad_line is not None:
            raise CommandError(f'line {bad_line}: expected a JSON object with "text"')
        first_number += len(lines)
