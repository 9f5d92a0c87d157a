"""The synthetic organization: deterministic, consistent, and its truth file exact."""

from __future__ import annotations

import base64
import dataclasses
import ipaddress
import json
import re
from pathlib import Path

import phonenumbers
import pytest

from compliance_simulator import SOURCES, SimConfig, Simulator, located_text, scanned_input
from compliance_simulator.data import UNKNOWN_ACTIVITY_TYPES, UNKNOWN_FIELD
from compliance_simulator.endpoints import catalogue_types
from compliance_simulator.sensitive import (
    CATEGORIES,
    github_checksum,
    luhn_valid,
    ssn_valid,
)

from .conftest import SMALL


def test_same_seed_same_data() -> None:
    first, second = Simulator(SMALL), Simulator(SMALL)
    assert first.data == second.data
    assert first.truth() == second.truth()
    assert first.decoys() == second.decoys()
    assert first.keys == second.keys


def test_different_seed_different_data() -> None:
    other = Simulator(dataclasses.replace(SMALL, seed=8))
    base = Simulator(SMALL)
    assert {c.id for c in other.data.chats}.isdisjoint({c.id for c in base.data.chats})
    assert [p.value for p in other.truth()] != [p.value for p in base.truth()]


def test_data_lies_inside_the_window(sim: Simulator) -> None:
    start, end = SMALL.window_start, SMALL.window_end
    for chat in sim.data.chats:
        assert start <= chat.created_at <= chat.updated_at < end
    for message in sim.data.messages.values():
        assert start <= message.created_at < end
    for activity in sim.data.activities:
        assert start <= activity.created_at < end
    for user in sim.data.users:
        assert user.created_at < start


def test_chat_updated_at_is_its_last_message_or_deletion(sim: Simulator) -> None:
    for chat in sim.data.chats:
        messages = sim.data.chat_messages(chat)
        assert [m.role for m in messages] == ["user", "assistant"] * (len(messages) // 2)
        assert chat.updated_at == (chat.deleted_at or max(m.created_at for m in messages))


def test_some_chats_span_days_sit_in_projects_or_were_deleted(sim: Simulator) -> None:
    chats = sim.data.chats
    spanning = [
        c for c in chats if len({m.created_at.date() for m in sim.data.chat_messages(c)}) > 1
    ]
    assert spanning
    assert any(c.project_id for c in chats)
    deleted = [c for c in chats if c.deleted_at]
    assert deleted and all(c.name == "" for c in deleted)


def test_files_cover_text_binary_and_one_oversized(sim: Simulator) -> None:
    files = list(sim.data.files.values())
    mimes = {f.mime_type for f in files}
    assert {"text/plain", "image/png"} <= mimes
    assert len(mimes) >= 4
    assert max(f.size_bytes for f in files) >= SMALL.large_file_bytes
    png = next(f for f in files if f.mime_type == "image/png")
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_projects_have_documents_and_files(sim: Simulator) -> None:
    for project in sim.data.projects:
        assert project.description and project.instructions
        assert sim.data.project_documents(project.id)
    assert any(sim.data.project_files(p.id) for p in sim.data.projects)


def test_activities_include_content_events_and_unknown_data(sim: Simulator) -> None:
    types = {a.type for a in sim.data.activities}
    assert {
        "claude_chat_created",
        "claude_chat_updated",
        "claude_chat_deleted",
        "claude_file_uploaded",
        "claude_project_created",
        "claude_project_document_uploaded",
        "claude_project_file_uploaded",
        "sso_login_succeeded",
    } <= types
    catalogue = catalogue_types()
    assert len(catalogue) == 514
    assert set(UNKNOWN_ACTIVITY_TYPES) <= types
    assert not set(UNKNOWN_ACTIVITY_TYPES) & catalogue
    assert types - set(UNKNOWN_ACTIVITY_TYPES) <= catalogue
    assert any(UNKNOWN_FIELD in a.fields for a in sim.data.activities)
    chat_ids = {c.id for c in sim.data.chats}
    for activity in sim.data.activities:
        if "claude_chat_id" in activity.fields:
            assert activity.fields["claude_chat_id"] in chat_ids


# --- truth ----------------------------------------------------------------------------------


def test_truth_offsets_point_at_the_values(sim: Simulator) -> None:
    truth = sim.truth()
    assert truth
    for entry in truth:
        text = scanned_input(sim.data, entry.source, entry.source_id)
        assert text[entry.start : entry.end] == entry.value, entry


def test_truth_offsets_follow_the_chat_message_definition(sim: Simulator) -> None:
    """Text blocks joined by a newline, computed here independently of the model helper."""
    split = [m for m in sim.data.messages.values() if m.role == "user" and len(m.content) > 1]
    assert split, "some user messages must have two text blocks"
    for entry in sim.truth():
        if entry.source == "chat_message":
            message = sim.data.messages[entry.source_id]
            joined = "\n".join(b.text for b in message.content if hasattr(b, "text"))
            assert joined[entry.start : entry.end] == entry.value


def test_truth_covers_every_category_and_source(sim: Simulator) -> None:
    truth = sim.truth()
    assert {t.category for t in truth} == set(CATEGORIES)
    assert {t.source for t in truth} == set(SOURCES)
    api_keys = " ".join(t.value for t in truth if t.category == "api_key")
    for prefix in (
        "sk-ant-api03-",
        "sk-ant-admin01-",
        "sk-ant-api01-",
        "AKIA",
        "ghp_",
        "sk_live_",
        "sk-proj-",
        "xoxb-",
    ):
        assert prefix in api_keys


def test_truth_records_are_linked(sim: Simulator) -> None:
    users = sim.data.users_by_id
    for entry in sim.truth():
        assert users[entry.user_id].organization_uuid == entry.organization_uuid
        if entry.source == "chat_message":
            message = sim.data.messages[entry.source_id]
            assert message.role == "user" and message.chat_id == entry.chat_id
            assert sim.data.chats_by_id[entry.chat_id].deleted_at is None
        if entry.source == "chat_file":
            assert sim.data.files[entry.source_id].chat_id == entry.chat_id
        if entry.source.startswith("project"):
            assert entry.project_id in sim.data.projects_by_id


def test_planted_share_of_user_inputs(sim: Simulator) -> None:
    user_messages = [m for m in sim.data.messages.values() if m.role == "user"]
    planted = {t.source_id for t in sim.truth() if t.source == "chat_message"}
    assert 0.03 <= len(planted) / len(user_messages) <= 0.10


def test_planted_values_are_valid_by_their_format(sim: Simulator) -> None:
    for entry in sim.truth():
        value = entry.value
        if entry.category == "ssn":
            assert ssn_valid(value), value
        elif entry.category == "credit_card":
            digits = re.sub(r"\D", "", value)
            assert luhn_valid(digits)
            assert (
                (digits[0] == "4" and len(digits) == 16)
                or (digits[:2] in ("34", "37") and len(digits) == 15)
                or (len(digits) == 16 and digits[0] in "256")
            ), value
        elif entry.category == "api_key" and value.startswith("ghp_"):
            assert len(value) == 40 and github_checksum(value[4:-6]) == value[-6:]
        elif entry.category == "api_key" and value.startswith("sk-ant-"):
            assert value.endswith("AA") and len(value) > 100
        elif entry.category == "private_key":
            begin = re.match(r"-----BEGIN ([A-Z ]+)-----\n", value)
            assert begin and value.endswith(f"-----END {begin[1]}-----")
            body = value[begin.end() : value.rindex("\n-----END")].replace("\n", "")
            assert len(body) >= 64 and base64.b64decode(body)
        elif entry.category == "bearer_token" and value.count(".") == 2:
            header, payload, _ = value.split(".")
            for part in (header, payload):
                assert isinstance(json.loads(base64.urlsafe_b64decode(part + "==")), dict)
        elif entry.category == "phone":
            number = phonenumbers.parse(value, "US")
            assert phonenumbers.is_valid_number(number), value
        elif entry.category == "ip_address":
            assert ipaddress.ip_address(value).is_global, value
        elif entry.category == "email":
            assert re.fullmatch(r"[a-z0-9._]+@[a-z0-9-]+\.[a-z]+", value)


def test_decoys_sit_where_recorded_and_are_not_sensitive(sim: Simulator) -> None:
    decoys = sim.decoys()
    reasons = {d.reason for d in decoys}
    assert len(reasons) >= 9
    for decoy in decoys:
        text = (
            located_text(sim.data, decoy.source, decoy.source_id)
            if not decoy.is_user_input
            else (scanned_input(sim.data, decoy.source, decoy.source_id))
        )
        assert text[decoy.start : decoy.end] == decoy.value
        if decoy.reason.startswith("16 digits"):
            assert not luhn_valid(decoy.value)
        if not decoy.is_user_input and decoy.source == "chat_message":
            assert sim.data.messages[decoy.source_id].role == "assistant"


# Crude detectors: anything they find in a user input must be a planted value or a decoy.
_CRUDE = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "ipv4": re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"),
    "long_digits": re.compile(r"\d(?:[ -]?\d){8,}"),
    "key_prefix": re.compile(r"sk-ant-|sk_live_|sk-proj-|AKIA|ghp_|xox[bp]-|-----BEGIN"),
    "credential_word": re.compile(r"(?i)password|bearer|passwd"),
}


def test_filler_contains_nothing_sensitive(sim: Simulator) -> None:
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for entry in [*sim.truth(), *sim.decoys()]:
        spans.setdefault((entry.source, entry.source_id), []).append((entry.start, entry.end))
    inputs = [("chat_message", m.id) for m in sim.data.messages.values() if m.role == "user"]
    unreadable = {f for f in sim.data.document_file_ids if sim.data.files[f].text is None}
    inputs += [
        ("chat_file", f.id)
        for f in sim.data.files.values()
        if f.chat_id and f.mime_type != "image/png" and f.id not in unreadable
    ]
    for project in sim.data.projects:
        inputs += [("project_description", project.id), ("project_instruction", project.id)]
    inputs += [("project_file", d) for d in sim.data.documents]
    inputs += [
        ("project_file", f.id)
        for f in sim.data.files.values()
        if f.project_id and f.mime_type != "image/png" and f.id not in unreadable
    ]
    matched = 0
    for source, source_id in inputs:
        text = scanned_input(sim.data, source, source_id)
        known = spans.get((source, source_id), [])
        for name, pattern in _CRUDE.items():
            for match in pattern.finditer(text):
                matched += 1
                near = any(s - 40 <= match.start() and match.end() <= e + 40 for s, e in known)
                assert near, (name, source, source_id, match.group())
    # the crude patterns do see the planted values (sessions: test_sim_session_data.py)
    assert matched >= len([t for t in sim.truth() if t.source != "session_message"]) // 2


def test_write_truth_is_json_lines(sim: Simulator, tmp_path: Path) -> None:
    path = tmp_path / "truth.jsonl"
    sim.write_truth(path)
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert len(rows) == len(sim.truth())
    assert set(rows[0]) == {
        "category",
        "value",
        "source",
        "source_id",
        "chat_id",
        "project_id",
        "user_id",
        "organization_uuid",
        "occurred_at",
        "start",
        "end",
    }
    assert rows[0]["occurred_at"].endswith("Z")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tiny_configurations_still_cover_every_category(seed: int) -> None:
    tiny = Simulator(SimConfig(seed=seed, users=2, days=1, orgs=1, anchor=SMALL.anchor))
    assert {t.category for t in tiny.truth()} == set(CATEGORIES)
    for entry in tiny.truth():
        text = scanned_input(tiny.data, entry.source, entry.source_id)
        assert text[entry.start : entry.end] == entry.value


def test_plant_rate_zero_plants_nothing() -> None:
    clean = Simulator(dataclasses.replace(SMALL, plant_rate=0.0, decoy_rate=0.0))
    assert clean.truth() == []
    assert all(not d.is_user_input for d in clean.decoys())
