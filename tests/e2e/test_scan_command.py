"""`claude-compliance scan`: the output shape, batches equal single lines, workers keep order,
bad input fails clearly, and the command imports nothing the scan does not need."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claude_compliance.cli import main
from claude_compliance.scan import command
from tests.fixtures.scripts import SCRIPTS

LINES = [
    "my ssn is 536-90-4399",
    "nothing here",
    "IBAN DE44 4531 1841 7252 6806 71 and jane.doe@example.com",
    "Bearer token: Zr8Kq2Lm5Xp9Vt3Wn7Yb",
    "é ü — codice fiscale RFMDRP73H68C792W after multibyte text",
]
KEYS = ["id", "detector", "category", "severity", "start", "end", "redacted"]


def _jsonl(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            out.write(json.dumps({"id": index, "text": LINES[index % len(LINES)]}) + "\n")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    assert main(list(argv)) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_one_text_prints_the_findings_in_the_documented_shape(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.txt"
    source.write_text(LINES[2], encoding="utf-8")
    records = _run(capsys, "scan", str(source))
    assert [list(record) for record in records] == [KEYS, KEYS]
    assert [record["category"] for record in records] == ["bank_account", "email"]
    assert all(record["id"] is None for record in records)
    assert "DE44 4531" not in json.dumps(records)


def _count_arrow_blocks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether Arrow's reader took each block that was offered to it, in order."""
    taken: list[bool] = []
    read_by_arrow = command._arrow_texts

    def counted(data: bytes, rows: int) -> object:
        texts = read_by_arrow(data, rows)
        taken.append(texts is not None)
        return texts

    monkeypatch.setattr(command, "_arrow_texts", counted)
    return taken


def test_blocks_read_by_arrow_equal_line_by_line_and_workers_keep_order(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    count = command.ARROW_MIN_ROWS * 3 + 7
    source = _jsonl(tmp_path / "in.jsonl", count)
    arrow_blocks = _count_arrow_blocks(monkeypatch)
    # Many small blocks, each read by Arrow.
    monkeypatch.setattr(command, "BLOCK_BYTES", 3000)
    monkeypatch.setattr(command, "ARROW_MIN_ROWS", 1)
    batched = _run(capsys, "scan", "--jsonl", str(source))
    assert len(arrow_blocks) > 3 and all(arrow_blocks)
    # One block, every line parsed by `json`.
    monkeypatch.setattr(command, "BLOCK_BYTES", 1 << 20)
    monkeypatch.setattr(command, "ARROW_MIN_ROWS", count + 1)
    single = _run(capsys, "scan", "--jsonl", str(source))
    assert batched == single
    assert len({record["id"] for record in batched}) == count * 4 // len(LINES)
    for record in batched:
        text = LINES[int(str(record["id"])) % len(LINES)]
        assert str(record["redacted"]) not in (
            "",
            text[int(str(record["start"])) : int(str(record["end"]))],
        )
    monkeypatch.setattr(command, "ARROW_MIN_ROWS", 1)
    # Workers read line-aligned byte ranges of a file: many small ones, order kept.
    monkeypatch.setattr(command, "BLOCK_BYTES", 3000)
    assert len(list(command._chunk_bounds(str(source)))) > 3
    assert _run(capsys, "scan", "--jsonl", "--workers", "2", str(source)) == batched
    # From a pipe, this process reads blocks and the workers parse and scan them.
    monkeypatch.setattr("sys.stdin", io.StringIO(source.read_text(encoding="utf-8")))
    assert _run(capsys, "scan", "--jsonl", "--workers", "2") == batched


# JSON lines that Arrow's reader and `json` must read alike: escapes, surrogate pairs, either
# ensure_ascii, ids of every JSON type or none, fields before and after "text", blank and
# whitespace lines, CRLF endings.
_SHAPES = [
    lambda i, t: json.dumps({"id": i, "text": t}),
    lambda i, t: json.dumps({"text": t, "id": str(i)}, ensure_ascii=False),
    lambda i, t: json.dumps({"meta": {"a": [1, None, True]}, "id": [i, "x"], "text": t}),
    lambda i, t: json.dumps({"id": {"n": i}, "n": 1.5e300, "text": t, "z": None}) + "\r",
    lambda i, t: json.dumps({"text": t}),
    lambda i, t: "   " + json.dumps({"id": None, "text": t}, indent=None) + "  ",
    lambda i, t: "",
    lambda i, t: " \t ",
    lambda i, t: json.dumps({"id": i * 0.5, "text": '\U0001f600 \x00 \\ " / ' + t}),
]
# Lines that Arrow's reader refuses or reads otherwise: `json` decides, as it always did;
# each with whether its text has a finding.
_ODD = [
    ('{"id": 1, "text": "a", "text": "my ssn is 536-90-4399"}', True),  # json keeps the last
    ('{"id": 2, "text": 4111111111111111}', True),  # not a string: scanned as its str()
    ('{"id": 3, "text": "\\ud800 my ssn is 536-90-4399"}', True),  # an unpaired surrogate
    ('{"id": 4, "text": "my ssn is 536-90-4399", "n": 1e999}', True),  # too big for Arrow
    ('{"id": 5, "text": "a", "text": "nothing"}', False),
]


@pytest.mark.parametrize("odd", [None, *_ODD])
def test_arrow_and_json_read_every_line_alike(
    home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    odd: tuple[str, bool] | None,
) -> None:
    texts = [*LINES, "第二 jane.doe@example.com 文字", "tab\there 536-90-4399\nnext"]
    lines = [_SHAPES[n % len(_SHAPES)](n, texts[n % len(texts)]) for n in range(300)]
    if odd is not None:
        lines.insert(150, odd[0])
    source = tmp_path / "in.jsonl"
    # A byte order mark first and no newline last, as some tools write.
    source.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))
    monkeypatch.setattr(command, "ARROW_MIN_ROWS", 1)
    monkeypatch.setattr(command, "BLOCK_BYTES", 4000)
    arrow_blocks = _count_arrow_blocks(monkeypatch)
    by_arrow = _run(capsys, "scan", "--jsonl", str(source))
    # Only the block holding the odd line goes to `json`.
    assert len(arrow_blocks) >= 4
    assert arrow_blocks.count(False) == (0 if odd is None else 1)
    monkeypatch.setattr(command, "ARROW_MIN_ROWS", 10**6)
    by_json = _run(capsys, "scan", "--jsonl", str(source))
    assert by_arrow == by_json
    assert len(by_json) > 200
    odd_ids = [record["id"] for record in by_json if record["id"] in (1, 2, 3, 4, 5)]
    assert odd_ids == ([json.loads(odd[0])["id"]] if odd is not None and odd[1] else [])


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("bad", ['{"id": 2}', "not json", '["text"]', '{"text": "a"}, 3', "\udcff"])
def test_a_bad_line_is_a_clear_error_after_the_good_lines_findings(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    workers: str,
    bad: str,
) -> None:
    text = json.dumps({"id": 1, "text": LINES[0]}) + "\n" + bad + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["scan", "--jsonl", "--workers", workers]) == 1
    captured = capsys.readouterr()
    assert 'line 2: expected a JSON object with "text"' in captured.err
    assert [json.loads(line)["id"] for line in captured.out.splitlines()] == [1]


@pytest.mark.parametrize("argv", [["scan", "--workers", "0"], ["scan", "--workers", "x"]])
def test_bad_worker_counts_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        main(argv)


@pytest.mark.parametrize(
    ("jsonl_lines", "imported"),
    [
        (0, []),  # one plain text
        (1, []),  # one JSON line: parsed by json
        (command.ARROW_MIN_ROWS * 2, ["pyarrow"]),  # Arrow's reader, and still no pandas
    ],
)
def test_scan_imports_only_what_scanning_needs(
    home: Path, tmp_path: Path, jsonl_lines: int, imported: list[str]
) -> None:
    if jsonl_lines:
        source = _jsonl(tmp_path / "in.jsonl", jsonl_lines)
        argv = ["scan", "--jsonl", str(source)]
    else:
        source = tmp_path / "in.txt"
        source.write_text(LINES[0], encoding="utf-8")
        argv = ["scan", str(source)]
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "scan_imports_probe.py"), *argv[1:]],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=True,
    )
    assert done.stderr.strip().splitlines()[-1] == repr(imported)
    assert json.loads(done.stdout.splitlines()[0])["category"] == "ssn"
