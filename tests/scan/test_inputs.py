"""The scan's inputs: every source of the registry, read from the raw lake as the sync wrote
it; what is an input (user turns, tool results, names) and what is not (assistant turns,
tool calls, synthetic markers)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import write_interval
from claude_compliance.scan.inputs import read_inputs
from claude_compliance.scan.sources import SOURCE_NAMES, SOURCES, dbt_macro, source
from claude_compliance.sync import records

KEY = "key_test"
DAY = Interval(datetime(2026, 11, 19, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC))
AT = "2026-11-19T10:00:00Z"
SYNCED = datetime(2026, 11, 20, 1, tzinfo=UTC)


def _write(lake: Path, table: str, rows: list[dict[str, Any]]) -> None:
    write_interval(lake, "raw", table, KEY, DAY, rows, RAW[table])


def _message(message_id: str, role: str, content: list[dict[str, Any]], **extra: Any) -> dict:
    return {"id": message_id, "role": role, "created_at": AT, "content": content, **extra}


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    root = tmp_path / "lake"
    session = {
        "type": "compliance_local_session",
        "id": "clls_1",
        "organization_uuid": "org-1",
        "user": {"id": "user_1", "email_address": None},
        "product_surface": "claude_code",
        "created_at": AT,
        "updated_at": AT,
        "truncated": False,
    }
    remote = {
        "id": "cse_1",
        "organization_uuid": "org-1",
        "user": None,
        "agent_id": "cagt_1",
        "started_by_user": {"id": "user_2", "email_address": None},
        "status": "active",
        "created_at": AT,
        "updated_at": AT,
        "product_surface": "cowork_remote",
        "claude_project_id": "claude_proj_1",
    }
    _write(
        root,
        "sessions",
        [
            records.session_row(session, "local", KEY, SYNCED),
            records.session_row(remote, "remote", KEY, SYNCED),
        ],
    )
    result = {
        "type": "tool_result",
        "tool_use_id": "toolu_1",
        "name": "Read",
        "is_error": False,
        "content": [{"type": "text", "text": "DB_PASSWORD=x"}, {"type": "text", "text": "tail"}],
        "truncated": False,
    }
    messages = [
        _message("clsm_user", "user", [{"type": "text", "text": "look at .env"}, result]),
        _message(
            "clsm_assistant",
            "assistant",
            [
                {"type": "text", "text": "decoy"},
                {"type": "tool_use", "id": "toolu_1", "name": "Read", "input": '{"p": 1}'},
            ],
        ),
        _message(
            "clsm_marker",
            "user",
            [{"type": "text", "text": "[system prompt content not shown]"}],
            provenance={"type": "synthetic_marker"},
        ),
        _message(
            "clsm_gone",
            "user",
            [],
            provenance={"type": "content_unavailable", "reason": "retention_elapsed"},
        ),
        _message(
            "clsm_new_kind",
            "user",
            [{"type": "text", "text": "typed"}],
            provenance={"type": "some_future_kind"},
        ),
    ]
    rows = [
        records.session_message_row(m, "clls_1", "local", i, KEY, SYNCED)
        for i, m in enumerate(messages)
    ]
    rows.append(
        records.session_message_row(
            _message("csev_1", "user", [], content_unavailable=True, sent_by_user_id="user_3"),
            "cse_1",
            "remote",
            0,
            KEY,
            SYNCED,
        )
    )
    rows.append(
        records.session_message_row(
            _message("csev_2", "user", [{"type": "text", "text": "hello"}], sent_by_user_id=None),
            "cse_1",
            "remote",
            1,
            KEY,
            SYNCED,
        )
    )
    _write(root, "session_messages", rows)
    chat = {
        "id": "claude_chat_1",
        "name": "my ssn 536-22-8843",
        "created_at": AT,
        "updated_at": AT,
        "organization_uuid": "org-1",
        "user": {"id": "user_1", "email_address": "a@example.com"},
    }
    _write(root, "chats", [records.chat_row(chat, KEY, SYNCED)])
    project = {"id": "claude_proj_1", "name": "Proj", "created_at": AT, "description": "d"}
    _write(root, "projects", [records.project_row(project, KEY, SYNCED)])
    return root


def _by_id(lake: Path) -> dict[tuple[str, str], dict[str, Any]]:
    table = read_inputs(lake, KEY, DAY)
    return {(r["source"], r["source_id"]): r for r in table.to_pylist()}


def test_a_user_message_is_its_text_and_its_tool_results_in_order(lake: Path) -> None:
    row = _by_id(lake)[("session_message", "clsm_user")]
    assert row["text"] == "look at .env\nDB_PASSWORD=x\ntail"
    assert row["session_id"] == "clls_1"
    assert row["user_id"] == "user_1"
    assert row["organization_uuid"] == "org-1"
    assert row["skipped_reason"] is None


def test_assistant_turns_and_synthetic_markers_are_not_inputs(lake: Path) -> None:
    ids = {i for s, i in _by_id(lake) if s == "session_message"}
    assert "clsm_assistant" not in ids
    assert "clsm_marker" not in ids
    # an unknown provenance is scanned, not dropped
    assert "clsm_new_kind" in ids


def test_unavailable_content_is_recorded_with_its_reason(lake: Path) -> None:
    inputs = _by_id(lake)
    local = inputs[("session_message", "clsm_gone")]
    assert local["skipped_reason"] == "content_unavailable:retention_elapsed"
    assert local["text"] is None
    remote = inputs[("session_message", "csev_1")]
    assert remote["skipped_reason"] == "content_unavailable"
    # the remote message's sender is its user; an agent session's human initiator otherwise
    assert remote["user_id"] == "user_3"
    assert inputs[("session_message", "csev_2")]["user_id"] == "user_2"
    assert inputs[("session_message", "csev_2")]["project_id"] == "claude_proj_1"


def test_names_are_inputs(lake: Path) -> None:
    inputs = _by_id(lake)
    assert inputs[("chat_name", "claude_chat_1")]["text"] == "my ssn 536-22-8843"
    assert inputs[("chat_name", "claude_chat_1")]["chat_id"] == "claude_chat_1"
    assert inputs[("project_name", "claude_proj_1")]["text"] == "Proj"


def test_every_source_of_the_registry_is_read(lake: Path) -> None:
    assert {s for s, _ in _by_id(lake)} <= set(SOURCE_NAMES)
    assert {"session_message", "chat_name", "project_name", "project_description"} <= {
        s for s, _ in _by_id(lake)
    }


def test_a_partition_written_before_a_column_existed_still_reads(tmp_path: Path) -> None:
    """Older file sets lack the newer columns (detected_format, segments…): read as null."""
    import pyarrow as pa

    from claude_compliance.lake.fs import write_table_atomic
    from claude_compliance.lake.writer import data_path

    old = RAW["chat_files"].remove(RAW["chat_files"].get_field_index("content_segments"))
    root = tmp_path / "lake"
    _write(
        root, "chat_messages", [records.message_row(_message("m1", "user", []), "c1", KEY, SYNCED)]
    )
    row = {
        "file_id": "f1",
        "chat_id": "c1",
        "message_id": "m1",
        "content_text": "hello",
        "key_id": KEY,
        "synced_at": SYNCED,
    }
    write_table_atomic(
        data_path(root, "raw", "chat_files", KEY, DAY), pa.Table.from_pylist([row], schema=old)
    )
    inputs = _by_id(root)
    assert inputs[("chat_file", "f1")]["text"] == "hello"
    assert inputs[("chat_file", "f1")]["segments"] is None


def test_the_dbt_macro_is_generated_from_the_registry() -> None:
    committed = Path(__file__).parents[2] / "dbt_project" / "macros" / "dlp_sources.sql"
    assert committed.read_text(encoding="utf-8") == dbt_macro(), (
        "regenerate: python -m claude_compliance.vocabulary dbt_project"
    )
    assert source("session_message").table == "session_messages"
    assert [s.name for s in SOURCES if s.is_title] == ["chat_name", "project_name"]
    with pytest.raises(KeyError, match="known"):
        source("nope")


def test_the_scan_masks_names_and_tags_session_findings(lake: Path) -> None:
    from claude_compliance.lake.schemas import DLP
    from claude_compliance.lake.writer import read_interval
    from claude_compliance.scan.step import scan_interval
    from scanners import load_engine

    engine = load_engine(secret=b"s" * 32)
    result = scan_interval(lake, KEY, DAY, engine)
    version = result.ruleset_version
    names = read_interval(lake, "dlp", "masked_names", KEY, DAY, DLP["masked_names"], version)
    by_source = {r["source_id"]: r for r in names.to_pylist()}
    masked = by_source["claude_chat_1"]["masked_name"]
    assert "536-22-8843" not in masked and masked.startswith("my ssn ")
    assert by_source["claude_proj_1"]["masked_name"] == "Proj"
    findings = read_interval(lake, "dlp", "findings", KEY, DAY, DLP["findings"], version)
    rows = findings.to_pylist()
    assert {(r["source"], r["category"]) for r in rows} >= {("chat_name", "ssn")}
    session_rows = [r for r in rows if r["source"] == "session_message"]
    assert all(r["session_id"] == "clls_1" for r in session_rows)


def test_location_is_found_by_offset() -> None:
    from claude_compliance.scan.step import _location as location_at

    parts = [{"start": 0, "location": "page 1"}, {"start": 10, "location": "page 2"}]
    assert location_at(parts, 0) == "page 1"
    assert location_at(parts, 9) == "page 1"
    assert location_at(parts, 10) == "page 2"
    assert location_at(parts, 500) == "page 2"
    assert location_at([], 3) is None
    assert location_at(None, 3) is None


def test_findings_past_the_cap_are_counted_not_listed(tmp_path: Path) -> None:
    from claude_compliance.lake.schemas import DLP
    from claude_compliance.lake.writer import read_interval
    from claude_compliance.scan.step import scan_interval
    from scanners import load_engine

    root = tmp_path / "lake"
    text = " ".join(f"10.1.{i // 250}.{i % 250 + 1}" for i in range(1200))
    message = _message("m1", "user", [{"type": "text", "text": text}])
    _write(root, "chat_messages", [records.message_row(message, "c1", KEY, SYNCED)])
    engine = load_engine(secret=b"s" * 32, max_findings_per_input=1000)
    version = scan_interval(root, KEY, DAY, engine).ruleset_version
    scanned = read_interval(root, "dlp", "scanned_inputs", KEY, DAY, DLP["scanned_inputs"], version)
    row = next(r for r in scanned.to_pylist() if r["source"] == "chat_message")
    assert (row["finding_count"], row["findings_dropped"]) == (1000, 200)
    findings = read_interval(root, "dlp", "findings", KEY, DAY, DLP["findings"], version)
    assert findings.num_rows == 1000
