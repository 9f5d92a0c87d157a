"""Malformed text reaches the lake as U+FFFD, counted in the manifest; the write goes on."""

from __future__ import annotations

import doctest
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from claude_compliance.lake import text
from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import manifest_path, read_interval, write_interval
from claude_compliance.sync.records import message_row, raw

DAY = Interval(datetime(2026, 11, 25, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC))
NOW = datetime(2026, 11, 26, 1, tzinfo=UTC)
HIGH, LOW, FFFD = "\ud83d", "\ude00", "\ufffd"

# (text as the API decoded it, text as the lake must hold it, characters replaced)
CASES = {
    "lone high": (f"a{HIGH}b", f"a{FFFD}b", 1),
    "lone low": (f"a{LOW}b", f"a{FFFD}b", 1),
    "low before high": (f"{LOW}{HIGH}", f"{FFFD}{FFFD}", 2),
    "high at the end": (f"ends with {HIGH}", f"ends with {FFFD}", 1),
    "NUL": ("a\x00b", f"a{FFFD}b", 1),
    "mixed": (f"\x00{HIGH}x{LOW}\x00", f"{FFFD}{FFFD}x{FFFD}{FFFD}", 4),
    "only surrogates": (HIGH * 3, FFFD * 3, 3),
    "only low surrogates": (LOW * 2, FFFD * 2, 2),
    "pair after lone highs": (HIGH * 3 + LOW, FFFD * 2 + "\U0001f600", 2),
    "pair inside one string is rejoined": (f"smile {HIGH}{LOW}", "smile \U0001f600", 0),
    "valid astral and BMP text untouched": ("😀 é ü \ufffd", "😀 é ü \ufffd", 0),
}


def message(text: str = "fine", **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "message_id": "msg_1",
        "chat_id": "chat_1",
        "role": "user",
        "created_at": NOW,
        "text": text,
        "file_ids": ["file_1"],
        "tombstone": None,
        "raw_json": "{}",
        "key_id": "ck_1",
        "synced_at": NOW,
    }
    row.update(overrides)
    return row


def write_messages(lake: Path, rows: list[dict[str, Any]]) -> tuple[pa.Table, dict[str, Any]]:
    schema = RAW["chat_messages"]
    write_interval(lake, "raw", "chat_messages", "ck_1", DAY, rows, schema)
    table = read_interval(lake, "raw", "chat_messages", "ck_1", DAY, schema)
    manifest = json.loads(manifest_path(lake, "raw", "chat_messages", "ck_1", DAY).read_text())
    return table, manifest


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("column", ["text", "role", "file_ids", "raw_json"])
def test_every_string_column_is_cleaned_and_counted(tmp_path: Path, case: str, column: str) -> None:
    given, expected, replaced = CASES[case]
    value: Any = [given, "ok"] if column == "file_ids" else given
    table, manifest = write_messages(tmp_path, [message("fine"), message(**{column: value})])
    stored = table.column(column).to_pylist()[1]
    assert stored == ([expected, "ok"] if column == "file_ids" else expected)
    assert manifest["rows"] == 2
    assert manifest["replaced_characters"] == replaced
    assert manifest["replaced_by_column"] == ({column: replaced} if replaced else {})


def test_counts_add_up_per_column_over_many_rows(tmp_path: Path) -> None:
    rows = [message("clean") for _ in range(50)]
    rows[3] = message(f"{HIGH}\x00", raw_json=raw({"name": f"x{LOW}"}))
    rows[40] = message("\x00", file_ids=[HIGH, "\x00\x00", None])
    table, manifest = write_messages(tmp_path, rows)
    assert manifest["replaced_by_column"] == {"text": 3, "raw_json": 1, "file_ids": 3}
    assert manifest["replaced_characters"] == 7
    assert table.column("file_ids").to_pylist()[40] == [FFFD, FFFD * 2, None]
    assert table.num_rows == 50


def test_a_surrogate_pair_split_across_two_strings_is_two_replacements(tmp_path: Path) -> None:
    # The API cut an emoji in half at a string boundary: each half is lone in its own string.
    api_message = {
        "id": "msg_1",
        "role": "user",
        "created_at": "2026-11-25T10:00:00Z",
        "content": [{"type": "text", "text": f"left {HIGH}"}, {"type": "text", "text": LOW}],
    }
    row = message_row(api_message, "chat_1", "ck_1", NOW)
    table, manifest = write_messages(tmp_path, [row])
    assert table.column("text").to_pylist() == [f"left {FFFD}\n{FFFD}"]
    # Two in the joined text, two in the record kept whole.
    assert manifest["replaced_by_column"] == {"text": 2, "raw_json": 2}
    assert json.loads(table.column("raw_json").to_pylist()[0])["content"][1]["text"] == FFFD


def test_a_surrogate_in_a_json_key_leaves_valid_json(tmp_path: Path) -> None:
    record = {f"k{HIGH}": "v", "text": f"\x00{LOW}"}
    table, manifest = write_messages(tmp_path, [message("t", raw_json=raw(record))])
    stored = json.loads(table.column("raw_json").to_pylist()[0])
    # json.dumps escapes the NUL itself (\\u0000), so only the two surrogates are replaced.
    assert stored == {f"k{FFFD}": "v", "text": f"\x00{FFFD}"}
    assert manifest["replaced_by_column"] == {"raw_json": 2}


def test_a_clean_table_reports_zero(tmp_path: Path) -> None:
    table, manifest = write_messages(tmp_path, [message("hello 😀")])
    assert manifest["replaced_characters"] == 0
    assert manifest["replaced_by_column"] == {}
    assert table.column("text").to_pylist() == ["hello 😀"]


def test_an_arrow_table_with_nul_is_cleaned_too(tmp_path: Path) -> None:
    schema = RAW["chat_messages"]
    arrow = pa.Table.from_pylist([message("a\x00b", file_ids=["\x00"])], schema=schema)
    written = write_interval(tmp_path, "raw", "chat_messages", "ck_1", DAY, arrow, schema)
    assert written.replaced == 2
    table = read_interval(tmp_path, "raw", "chat_messages", "ck_1", DAY, schema)
    assert table.column("text").to_pylist() == [f"a{FFFD}b"]
    assert table.column("file_ids").to_pylist() == [[FFFD]]
    manifest = json.loads(manifest_path(tmp_path, "raw", "chat_messages", "ck_1", DAY).read_text())
    assert manifest["replaced_by_column"] == {"text": 1, "file_ids": 1}


def test_a_sliced_arrow_table_counts_only_its_own_rows(tmp_path: Path) -> None:
    # The NUL scan reads whole buffers; a slice whose NUL lies outside it replaces nothing.
    schema = RAW["chat_messages"]
    arrow = pa.Table.from_pylist([message("a\x00"), message("b"), message("c")], schema=schema)
    written = write_interval(tmp_path, "raw", "chat_messages", "ck_1", DAY, arrow.slice(1), schema)
    assert written.replaced == 0
    table = read_interval(tmp_path, "raw", "chat_messages", "ck_1", DAY, schema)
    assert table.column("text").to_pylist() == ["b", "c"]


def test_schema_drift_still_fails_loudly(tmp_path: Path) -> None:
    bad = pa.table({"text": [f"a{HIGH}".encode("utf-8", "surrogatepass")]})
    with pytest.raises(ValueError, match="schema drift"):
        write_interval(tmp_path, "raw", "chat_messages", "ck_1", DAY, bad, RAW["chat_messages"])


def test_the_doctests_of_lake_text() -> None:
    result = doctest.testmod(text)
    assert result.attempted >= 3 and result.failed == 0
