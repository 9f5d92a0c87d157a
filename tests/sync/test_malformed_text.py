"""Malformed text from the API (lone surrogates, NULs) is synced as U+FFFD; nothing is lost."""

from __future__ import annotations

import json
from pathlib import Path

from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import manifest_path, read_interval
from claude_compliance.sync.content import ContentCache, md5_hex
from claude_compliance.sync.extract import extract_interval
from compliance_simulator import Simulator
from tests.malformed_text import FFFD, serve_malformed
from tests.sync.test_extract import DAYS, client

DAY = DAYS[1]


def manifest(lake: Path, table: str) -> dict[str, object]:
    document: dict[str, object] = json.loads(
        manifest_path(lake, "raw", table, "ck_t", DAY).read_text()
    )
    return document


def rows(lake: Path, table: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = read_interval(
        lake, "raw", table, "ck_t", DAY, RAW[table]
    ).to_pylist()
    return found


def test_an_interval_with_malformed_text_is_synced_whole(sim: Simulator, tmp_path: Path) -> None:
    clean_lake = tmp_path / "clean"
    with client(sim) as api:
        extract_interval(api, clean_lake, "ck_t", DAY)
    planted = serve_malformed(sim, DAY.start.date())
    lake = tmp_path / "lake"
    with client(sim) as api:
        reports = extract_interval(api, lake, "ck_t", DAY)

    assert {r.status for r in reports} == {"ok"}
    # Nothing lost: every table holds as many rows as the same day synced without it
    # (plus the one activity planted).
    for table in ("chats", "chat_messages", "chat_files", "projects", "project_attachments"):
        assert len(rows(lake, table)) == len(rows(clean_lake, table)), table
    assert len(rows(lake, "activities")) == len(rows(clean_lake, "activities")) + 1

    chat = next(r for r in rows(lake, "chats") if r["chat_id"] == planted.chat_id)
    assert chat["name"] == planted.chat_name
    assert json.loads(str(chat["raw_json"]))["name"] == planted.chat_name
    message = next(r for r in rows(lake, "chat_messages") if r["message_id"] == planted.message_id)
    assert message["text"] == planted.message_text
    assert f"cut {FFFD}" in str(message["raw_json"])
    file = next(r for r in rows(lake, "chat_files") if r["file_id"] == planted.file_id)
    assert file["filename"] == planted.filename
    # The file is still judged by its (cleaned) extension and its content scanned.
    assert file["skipped_reason"] is None and file["content_text"]
    activity = next(r for r in rows(lake, "activities") if r["activity_id"] == planted.activity_id)
    assert json.loads(str(activity["raw_json"]))[planted.activity_key] == "x"

    counts = {
        table: manifest(lake, table)["replaced_by_column"]
        for table in ("chats", "chat_messages", "chat_files", "activities", "users")
    }
    assert counts["users"] == {}
    assert counts["chats"] == {"name": 3, "raw_json": 3}
    # text: the NUL and both halves of the split pair; raw_json: the two halves (json.dumps
    # escapes the NUL) plus the file name inside the message's file list.
    assert counts["chat_messages"] == {"text": 3, "raw_json": 3}
    assert counts["chat_files"] == {"filename": 1, "raw_json": 1}
    assert counts["activities"] == {"raw_json": 1}
    assert manifest(lake, "chats")["replaced_characters"] == 6

    assert planted.document_id is not None
    attachment = next(
        r for r in rows(lake, "project_attachments") if r["attachment_id"] == planted.document_id
    )
    text = str(attachment["content_text"])
    assert text.endswith(FFFD)
    assert manifest(lake, "project_attachments")["replaced_by_column"] == {"content_text": 1}
    # The content cache holds the same text, as valid UTF-8, under its MD5.
    cache = ContentCache(lake, "ck_t")
    md5 = cache.document_md5(planted.document_id)
    assert md5 == md5_hex(text.encode("utf-8"))
    cached = cache.get(md5)
    assert cached is not None and cached.text == text


def test_a_rerun_from_the_content_cache_gives_the_same_rows(sim: Simulator, tmp_path: Path) -> None:
    serve_malformed(sim, DAY.start.date())
    with client(sim) as api:
        extract_interval(api, tmp_path, "ck_t", DAY)
        first = rows(tmp_path, "project_attachments")
        extract_interval(api, tmp_path, "ck_t", DAY)
    again = rows(tmp_path, "project_attachments")
    assert [r["content_text"] for r in again] == [r["content_text"] for r in first]
    # Whether the document came from the cache (cleaned text) or again from the API, the
    # rows are the same; a manifest counts what its own write replaced.
    assert manifest(tmp_path, "chats")["replaced_by_column"] == {"name": 3, "raw_json": 3}
