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


def test_batches_through_arrow_equal_line_by_line_and_workers_keep_order(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    count = command.ARROW_MIN_ROWS * 3 + 7
    source = _jsonl(tmp_path / "in.jsonl", count)
    monkeypatch.setattr(command, "BATCH_ROWS", command.ARROW_MIN_ROWS + 1)
    batched = _run(capsys, "scan", "--jsonl", str(source))
    monkeypatch.setattr(command, "BATCH_ROWS", 1)
    single = _run(capsys, "scan", "--jsonl", str(source))
    assert batched == single
    assert len({record["id"] for record in batched}) == count * 4 // len(LINES)
    for record in batched:
        text = LINES[int(str(record["id"])) % len(LINES)]
        assert str(record["redacted"]) not in (
            "",
            text[int(str(record["start"])) : int(str(record["end"]))],
        )
    monkeypatch.setattr(command, "BATCH_ROWS", command.ARROW_MIN_ROWS + 1)
    # Workers read line-aligned byte ranges of a file: many small ones, order kept.
    monkeypatch.setattr(command, "CHUNK_BYTES", 3000)
    assert len(list(command._chunk_bounds(str(source)))) > 3
    assert _run(capsys, "scan", "--jsonl", "--workers", "2", str(source)) == batched
    # From a pipe, this process parses and the workers scan batches.
    monkeypatch.setattr("sys.stdin", io.StringIO(source.read_text(encoding="utf-8")))
    assert _run(capsys, "scan", "--jsonl", "--workers", "2") == batched


def test_workers_report_a_bad_line_by_its_number_in_the_whole_file(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _jsonl(tmp_path / "in.jsonl", 200)
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[150] = '{"id": 150}'
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(command, "CHUNK_BYTES", 2000)
    assert main(["scan", "--jsonl", "--workers", "2", str(source)]) == 1
    captured = capsys.readouterr()
    assert 'line 151: expected a JSON object with "text"' in captured.err
    ids = {json.loads(line)["id"] for line in captured.out.splitlines()}
    assert max(ids) < 150 and 149 in ids


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


def test_scan_imports_only_what_scanning_needs(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text(LINES[0], encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "scan_imports_probe.py"), str(source)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=True,
    )
    assert done.stderr.strip().splitlines()[-1] == "[]"
    assert json.loads(done.stdout.splitlines()[0])["category"] == "ssn"
