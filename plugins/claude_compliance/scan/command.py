"""`claude-compliance scan`: text or JSONL in, JSONL findings out, streaming and fast to start.

Imports only what scanning needs (the engine, Settings, the fingerprint secret; pyarrow only
once a block has enough lines to pay for it), so one line is scanned in a fraction of a
second. JSONL input is read in line-aligned blocks of bytes that Arrow's JSON reader parses
straight into a string column, which `Engine.scan_many` scans from its buffer as the
pipeline's scan step does: no Python string is made for a text that the prefilter rejects,
and a line's "id" is parsed only when its text has findings. `--workers N` scans blocks in N
processes and writes their findings in input order.
"""

from __future__ import annotations

import argparse
import codecs
import io
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from claude_compliance.errors import CommandError

__all__ = ["add_parser_to", "cmd_scan"]

# Bytes per block of JSONL (extended to the end of its last line): big enough that Arrow's
# parse and a hand-off to a worker are amortized, small enough to stream.
BLOCK_BYTES = 4 << 20
# Below this many lines a block is parsed with `json` (no pyarrow import at all).
ARROW_MIN_ROWS = 64
# Arrow's JSON reader takes a block size that fits in 32 bits.
_ARROW_MAX_BYTES = (1 << 31) - 2

_engine: Any = None

# (lines of findings, lines read, number of the first bad line in the block or None)
_Scanned = tuple[list[str], int, int | None]


def add_parser_to(commands: Any) -> None:
    """Register the `scan` subcommand."""
    scan = commands.add_parser("scan", help="scan text or JSONL for sensitive data")
    scan.add_argument("path", nargs="?", default="-", help="a file, or - for stdin (default)")
    scan.add_argument("--jsonl", action="store_true", help='input lines are {"id","text"}')
    scan.add_argument(
        "--workers", type=_workers, default=1, help="processes scanning blocks (default 1)"
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
    out = sys.stdout
    if not args.jsonl:
        with sys.stdin if args.path == "-" else open(args.path, encoding="utf-8") as text:
            _init(*options)
            out.writelines(_scan_items([(None, text.read())]))
        return 0
    if args.workers == 1:
        _init(*options)
        with _binary_input(args.path) as stream:
            _write(out, map(_scan_block, _blocks(stream)))
        return 0
    import multiprocessing

    # Forked workers inherit the engine built here (no second import or compile); where
    # there is no fork, each spawned worker builds its own.
    forks = "fork" in multiprocessing.get_all_start_methods()
    if forks:
        _init(*options)
        import pyarrow.json  # noqa: F401 - imported once here rather than in every worker
    context = multiprocessing.get_context("fork" if forks else "spawn")
    initializer = None if forks else _init
    with context.Pool(args.workers, initializer=initializer, initargs=options) as pool:
        if args.path == "-":
            # A pipe cannot be split: this process reads blocks, the workers parse and scan.
            with _binary_input(args.path) as stream:
                _write(out, pool.imap(_scan_block, _blocks(stream), chunksize=1))
            return 0
        # A file is split into line-aligned byte ranges that the workers read themselves:
        # no text crosses a process boundary.
        chunks = ((args.path, start, end) for start, end in _chunk_bounds(args.path))
        _write(out, pool.imap(_scan_chunk, chunks, chunksize=1))
    return 0


def _write(out: IO[str], scanned: Iterable[_Scanned]) -> None:
    """Write each block's findings in order; a bad line stops it, named by its file line."""
    line_base = 0
    for lines, line_count, bad_line in scanned:
        out.write("".join(lines))
        if bad_line is not None:
            raise CommandError(f'line {line_base + bad_line}: expected a JSON object with "text"')
        line_base += line_count


def _binary_input(path: str) -> IO[bytes]:
    """The JSONL input as bytes: the file, or stdin's bytes under its text layer."""
    if path != "-":
        return open(path, "rb")
    raw = getattr(sys.stdin, "buffer", None)
    if raw is not None:
        return raw  # type: ignore[no-any-return]
    # A text stream with no bytes under it (a StringIO from an embedding program or a test):
    # unpaired surrogates stay bytes that are not UTF-8, so their line is reported as bad.
    return io.BytesIO(sys.stdin.read().encode("utf-8", "surrogatepass"))


def _blocks(stream: IO[bytes]) -> Iterator[bytes]:
    """Blocks of about BLOCK_BYTES, each ending at the end of a line (or of the input)."""
    first = True
    while True:
        block = stream.read(BLOCK_BYTES)
        if not block:
            return
        if not block.endswith(b"\n"):
            block += stream.readline()
        if first:
            # A UTF-8 byte order mark (Windows tools write one) is not part of line 1.
            block = block.removeprefix(codecs.BOM_UTF8)
            first = False
        yield block


def _chunk_bounds(path: str) -> Iterator[tuple[int, int]]:
    """Line-aligned (start, end) byte ranges of about BLOCK_BYTES covering the file."""
    with open(path, "rb") as stream:
        stream.seek(0, 2)
        total = stream.tell()
        start = 0
        while start < total:
            stream.seek(min(start + BLOCK_BYTES, total))
            if start + BLOCK_BYTES < total:
                stream.readline()
            end = stream.tell()
            yield start, end
            start = end


def _scan_chunk(task: tuple[str, int, int]) -> _Scanned:
    """`_scan_block` over one byte range of a JSONL file."""
    path, start, end = task
    with open(path, "rb") as stream:
        stream.seek(start)
        data = stream.read(end - start)
    return _scan_block(data.removeprefix(codecs.BOM_UTF8) if start == 0 else data)


def _scan_block(data: bytes) -> _Scanned:
    """The findings of a block of whole JSONL lines, its line count, and its first bad line
    (numbered from 1 in the block; the findings of the lines before it are returned)."""
    raw_lines = data.split(b"\n")
    if raw_lines and not raw_lines[-1]:
        raw_lines.pop()
    bad_line: int | None = None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad_index = data.count(b"\n", 0, error.start)
        bad_line = bad_index + 1
        data = b"\n".join(raw_lines[:bad_index])
        good_lines = raw_lines[:bad_index]
    else:
        good_lines = raw_lines
    lines, bad_json = _scan_lines(data, good_lines)
    return lines, len(raw_lines), bad_json if bad_json is not None else bad_line


def _scan_lines(data: bytes, raw_lines: list[bytes]) -> tuple[list[str], int | None]:
    """Findings of consecutive valid-UTF-8 JSONL lines (`data` is them joined), and the
    number of the first line that is not a JSON object with "text"."""
    nonblank = [index for index, raw in enumerate(raw_lines) if raw.strip()]
    if len(nonblank) >= ARROW_MIN_ROWS:
        texts = _arrow_texts(data, len(nonblank))
        if texts is not None:
            lines: list[str] = []
            for row, findings in enumerate(_engine.scan_many(texts)):
                if findings:
                    # The id is parsed only here, by `json`: any JSON value, echoed as given.
                    item_id = json.loads(raw_lines[nonblank[row]]).get("id")
                    lines.extend(_records(item_id, findings))
            return lines, None
    # Few lines, or some line Arrow's reader did not take: `json` parses them and names the
    # first bad one.
    items, bad_line = _parse_lines([raw.decode("utf-8") for raw in raw_lines])
    return _scan_items(items), bad_line


def _arrow_texts(data: bytes, rows: int) -> Any:
    """The "text" of every line as an Arrow string array, or None when Arrow's reader and
    `json` might disagree about a line: then `json` decides.

    Arrow's reader refuses what `json` refuses (a duplicated key, an unpaired surrogate,
    a control character in a string, a text that is not a string); it also reads two
    objects on one line and a byte order mark, which the row count and the prefix check
    catch. A line without "text" reads as null.
    """
    if len(data) > _ARROW_MAX_BYTES or data.startswith(codecs.BOM_UTF8):
        return None
    import pyarrow as pa
    import pyarrow.json as pa_json

    try:
        table = pa_json.read_json(
            pa.py_buffer(data),
            read_options=pa_json.ReadOptions(use_threads=False, block_size=len(data) + 1),
            parse_options=pa_json.ParseOptions(
                explicit_schema=pa.schema([("text", pa.string())]),
                unexpected_field_behavior="ignore",
            ),
        )
    except pa.ArrowInvalid:
        return None
    texts = table.column("text")
    if table.num_rows != rows or texts.null_count:
        return None
    return texts


def _parse_lines(lines: Sequence[str]) -> tuple[list[tuple[Any, str]], int | None]:
    """The (id, text) items of consecutive JSONL lines, and the number of the first bad line
    (the items before it are returned)."""
    items: list[tuple[Any, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
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


def _scan_items(items: Sequence[tuple[Any, str]]) -> list[str]:
    results = _engine.scan_many([text for _, text in items])
    return [
        line
        for (item_id, _), findings in zip(items, results, strict=True)
        for line in _records(item_id, findings)
    ]


def _records(item_id: Any, findings: Sequence[Any]) -> list[str]:
    """One JSON line per finding (the value itself is never in it)."""
    return [
        json.dumps(
            {
                "id": item_id,
                "detector": finding.detector,
                "category": str(finding.category.value),
                "severity": str(finding.severity.value),
                "start": finding.start,
                "end": finding.end,
                "redacted": finding.redacted,
            },
            ensure_ascii=False,
        )
        + "\n"
        for finding in findings
    ]
