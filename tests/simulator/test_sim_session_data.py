"""Generated sessions: every documented (and one unknown) shape, exact truth, old data untouched."""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import itertools
import re

import pytest

from compliance_simulator import SimConfig, Simulator, located_text, scanned_input
from compliance_simulator.model import SessionText, SessionToolResult, SessionToolUse
from compliance_simulator.sensitive import CATEGORIES
from compliance_simulator.session_data import (
    LOCAL_SURFACES,
    REMOTE_STATUSES,
    UNAVAILABLE_REASONS,
    UNKNOWN_LOCAL_SURFACE,
    UNKNOWN_PROVENANCE,
    UNKNOWN_REMOTE_STATUS,
)

from .conftest import ANCHOR, SMALL

CHAT_SOURCES = (
    "chat_message",
    "chat_file",
    "project_description",
    "project_instruction",
    "project_file",
)

# sha256 of the data generated before sessions, names and documents existed, computed with
# `_legacy_digest` on the code of commit acfbcff: the later generators (sessions, names holding
# values, document uploads) must not move a single other byte. Left out: names (some now carry
# values on purpose), the uploads `document_files` adds (and their ids on the messages they
# are attached to) and the new `StoredFile.text` field.
LEGACY = [
    (SMALL, "18f7b08c3deb7828b1e5f4878102ce0d800cc35093c68266fa7fd1877f604204"),
    (
        SimConfig(seed=2, users=2, days=1, orgs=1, anchor=ANCHOR),
        "a59fd21a3413db0adde8144a47787995a50942a855cf25e64d4664a0edd1a573",
    ),
    (
        SimConfig(seed=11, users=30, days=10, anchor=ANCHOR, orgs=3),
        "5a9b146bb98d569dfd40ab7f7c686b504e1efc7335c6e8194a42d43d469c5358",
    ),
]
LEGACY_FILE_FIELDS = (
    "id",
    "uuid",
    "filename",
    "mime_type",
    "created_at",
    "content",
    "user_id",
    "organization_uuid",
    "chat_id",
    "message_id",
    "project_id",
)


def _legacy_digest(sim: Simulator) -> str:
    d = sim.data
    docs = d.document_file_ids
    files = {
        k: tuple(getattr(f, n) for n in LEGACY_FILE_FIELDS)
        for k, f in d.files.items()
        if k not in docs
    }
    messages = {
        k: dataclasses.replace(m, file_ids=tuple(i for i in m.file_ids if i not in docs))
        for k, m in d.messages.items()
    }
    parts = [
        d.parent_uuid,
        d.orgs,
        d.users,
        [dataclasses.replace(c, name="") for c in d.chats],
        messages,
        files,
        [dataclasses.replace(p, name="") for p in d.projects],
        d.documents,
        d.activities,
        [t for t in sim.truth() if t.source in CHAT_SOURCES and t.source_id not in docs],
        [x for x in sim.decoys() if x.source in CHAT_SOURCES],
        _legacy_keys(sim),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class _Verbatim(str):
    def __repr__(self) -> str:
        return str(self)


def _legacy_keys(sim: Simulator) -> _Verbatim:
    """The repr the keys had before the remediation key joined them (appended last, so the
    earlier keys' plaintexts must not move)."""
    legacy = {k: v for k, v in sim.keys.as_dict().items() if k != "remediation"}
    return _Verbatim("SimKeys(" + ", ".join(f"{k}={v!r}" for k, v in legacy.items()) + ")")


@pytest.mark.parametrize(("config", "digest"), LEGACY)
def test_chats_projects_and_activities_did_not_change(config: SimConfig, digest: str) -> None:
    assert _legacy_digest(Simulator(config)) == digest


def test_session_rates_change_sessions_only() -> None:
    busy = Simulator(dataclasses.replace(SMALL, local_sessions_per_user_day=1.5))
    assert _legacy_digest(busy) == LEGACY[0][1]
    assert len(busy.data.local_sessions) > len(Simulator(SMALL).data.local_sessions)


def test_same_seed_same_sessions() -> None:
    first, second = Simulator(SMALL), Simulator(SMALL)
    assert first.data.local_sessions == second.data.local_sessions
    assert first.data.remote_sessions == second.data.remote_sessions
    assert first.data.session_messages == second.data.session_messages
    other = Simulator(dataclasses.replace(SMALL, seed=8))
    assert {s.id for s in other.data.local_sessions}.isdisjoint(
        {s.id for s in first.data.local_sessions}
    )


def test_sessions_lie_inside_the_window_and_span_their_messages(sim: Simulator) -> None:
    start, end = SMALL.window_start, SMALL.window_end
    sessions = [*sim.data.local_sessions, *sim.data.remote_sessions]
    assert sessions
    for session in sessions:
        messages = sim.data.session_message_list(session)
        assert start <= session.created_at <= session.updated_at < end
        for message in messages:
            assert message.session_id == session.id
            assert start <= message.created_at < end
        if messages:
            assert session.updated_at == max(m.created_at for m in messages)
    for session in sim.data.local_sessions:
        # created_at is the earliest retained call: the first message
        messages = sim.data.session_message_list(session)
        assert session.created_at == messages[0].created_at
    prefixes = {m.id.split("_01")[0] for m in sim.data.session_messages.values()}
    assert prefixes == {"clsm", "csev"}


def test_local_sessions_show_every_surface_and_flag(sim: Simulator) -> None:
    local = sim.data.local_sessions
    surfaces = {s.product_surface for s in local}
    assert set(LOCAL_SURFACES) | {None, UNKNOWN_LOCAL_SURFACE} <= surfaces
    assert UNKNOWN_LOCAL_SURFACE not in LOCAL_SURFACES
    assert any(s.truncated for s in local) and not all(s.truncated for s in local)
    workspaces = {s.workspace_id for s in local}
    assert None in workspaces and any(w and w.startswith("wrkspc_") for w in workspaces)
    assert all(s.id.startswith("clls_") for s in local)
    departed = [s for s in local if s.user_id not in sim.data.users_by_id]
    assert len(departed) == 1


def test_remote_sessions_show_every_status_and_owner(sim: Simulator) -> None:
    remote = sim.data.remote_sessions
    assert {s.status for s in remote} == {*REMOTE_STATUSES, UNKNOWN_REMOTE_STATUS}
    for session in remote:
        assert session.id.startswith("cse_")
        assert session.user_id is None or session.agent_id is None
        assert session.user_id is not None or session.agent_id is not None
        if session.user_id is not None:
            assert session.started_by_user_id is None
        if session.status == "pending":
            assert session.message_ids == ()
    agents = [s for s in remote if s.agent_id]
    assert all(s.agent_id and s.agent_id.startswith("cagt_") for s in agents)
    assert any(s.started_by_user_id for s in agents)
    assert any(s.started_by_user_id is None for s in agents)
    assert any(s.claude_project_id for s in remote)
    assert any(s.claude_project_id is None for s in remote)
    assert {s.product_surface for s in remote} == {"cowork_remote", None}


@pytest.mark.parametrize("seed", [7, 1, 2, 3])
def test_every_provenance_value_appears(seed: int) -> None:
    config = SMALL if seed == 7 else SimConfig(seed=seed, users=2, days=1, orgs=1, anchor=ANCHOR)
    data = Simulator(config).data
    local = [m for m in data.session_messages.values() if m.id.startswith("clsm_")]
    seen = {(m.provenance.type, m.provenance.reason) if m.provenance else None for m in local}
    expected = {("content_unavailable", r) for r in UNAVAILABLE_REASONS}
    expected |= {None, ("client_asserted", None), ("synthetic_marker", None)}
    expected |= {(UNKNOWN_PROVENANCE, None)}
    assert seen == expected
    for message in local:
        if message.provenance and message.provenance.type == "content_unavailable":
            assert message.content == ()
        if message.role == "user" or message.provenance is not None:
            assert message.model is None
        else:
            assert message.model
    remote = [m for m in data.session_messages.values() if m.id.startswith("csev_")]
    unavailable = [m for m in remote if m.content_unavailable]
    assert unavailable and all(m.content == () for m in unavailable)
    assert all(m.provenance is None and m.model is None for m in remote)


def test_a_session_straddling_retention_starts_with_one_placeholder(sim: Simulator) -> None:
    straddling = 0
    for session in sim.data.local_sessions:
        messages = sim.data.session_message_list(session)
        placeholders = [
            i
            for i, m in enumerate(messages)
            if m.provenance is not None and m.provenance.reason == "retention_elapsed"
        ]
        assert placeholders in ([], [0])
        if placeholders:
            straddling += 1
            assert messages[0].role == "user" and messages[0].content == ()
            assert session.created_at == messages[0].created_at == messages[1].created_at
    assert straddling


def test_blocks_cover_every_documented_shape(sim: Simulator) -> None:
    blocks = [b for m in sim.data.session_messages.values() for b in m.content]
    texts = [b for b in blocks if isinstance(b, SessionText)]
    uses = [b for b in blocks if isinstance(b, SessionToolUse)]
    results = [b for b in blocks if isinstance(b, SessionToolResult)]
    assert any(t.truncated and t.text == "[image content not shown]" for t in texts)
    assert any(u.id is None for u in uses) and any(u.id for u in uses)
    assert any(r.is_error for r in results) and any(len(r.texts) > 1 for r in results)
    assert any(
        re.fullmatch(r"\[\d+ non-text item\(s\) not shown\]", t) for r in results for t in r.texts
    )
    for message in sim.data.session_messages.values():
        for block in message.content:
            if isinstance(block, SessionToolUse):
                assert message.role == "assistant"
            if isinstance(block, SessionToolResult):
                assert message.role == "user"
    assert max(len(t.encode()) for r in results for t in r.texts) > 1_048_576


def test_calls_share_timestamps_and_remote_commits_may_invert(sim: Simulator) -> None:
    for sessions in (sim.data.local_sessions, sim.data.remote_sessions):
        ties = 0
        for session in sessions:
            messages = sim.data.session_message_list(session)
            ties += sum(a.created_at == b.created_at for a, b in itertools.pairwise(messages))
        assert ties
    inverted = [
        s
        for s in sim.data.remote_sessions
        if any(
            b.created_at < a.created_at
            for a, b in itertools.pairwise(sim.data.session_message_list(s))
        )
    ]
    assert inverted
    for session in sim.data.local_sessions:
        times = [m.created_at for m in sim.data.session_message_list(session)]
        assert times == sorted(times)


@pytest.mark.parametrize("kind", ["local", "remote"])
def test_some_sessions_span_several_days(sim: Simulator, kind: str) -> None:
    sessions = sim.data.local_sessions if kind == "local" else sim.data.remote_sessions
    spanning = [
        s
        for s in sessions
        if len({m.created_at.date() for m in sim.data.session_message_list(s)}) > 1
    ]
    assert spanning
    assert all(s.updated_at.date() > s.created_at.date() for s in spanning)


# --- truth -------------------------------------------------------------------------------------


def _independent_scanned_text(sim: Simulator, message_id: str) -> str:
    message = sim.data.session_messages[message_id]
    pieces: list[str] = []
    for block in message.content:
        if isinstance(block, SessionText):
            pieces.append(block.text)
        elif isinstance(block, SessionToolResult):
            pieces += list(block.texts)
    return "\n".join(pieces)


def test_session_truth_offsets_point_at_the_values(sim: Simulator) -> None:
    planted = [t for t in sim.truth() if t.source == "session_message"]
    assert len(planted) >= 20
    for entry in planted:
        text = scanned_input(sim.data, entry.source, entry.source_id)
        assert text == _independent_scanned_text(sim, entry.source_id)
        assert text[entry.start : entry.end] == entry.value, entry
        message = sim.data.session_messages[entry.source_id]
        assert message.role == "user" and not message.content_unavailable
        assert message.provenance is None or message.provenance.type == "client_asserted"
        session = (
            sim.data.local_sessions_by_id.get(message.session_id)
            or (sim.data.remote_sessions_by_id[message.session_id])
        )
        assert entry.user_id in sim.data.users_by_id
        assert entry.organization_uuid == session.organization_uuid
        assert entry.occurred_at.startswith(message.created_at.strftime("%Y-%m-%dT%H:%M:%S"))
        assert entry.chat_id is None and entry.project_id is None


def test_plants_sit_in_prompts_tool_results_and_past_the_default_cap(sim: Simulator) -> None:
    planted = [t for t in sim.truth() if t.source == "session_message"]
    in_results, in_prompts, past_cap = 0, 0, 0
    for entry in planted:
        message = sim.data.session_messages[entry.source_id]
        prompt = message.content[0]
        if isinstance(prompt, SessionText) and entry.end <= len(prompt.text):
            in_prompts += 1
        else:
            in_results += 1
            block = message.content[0]
            assert isinstance(block, SessionToolResult)
            if len(block.texts[0][: entry.start].encode()) > 10_000:
                past_cap += 1
    assert in_prompts and in_results and past_cap >= 2
    assert {t.category for t in planted} == set(CATEGORIES)
    assert any(t.source_id.startswith("csev_") for t in planted) and any(
        t.source_id.startswith("clsm_") for t in planted
    )


def test_session_decoys_sit_where_recorded(sim: Simulator) -> None:
    decoys = [d for d in sim.decoys() if d.source == "session_message"]
    reasons = collections.Counter(d.reason for d in decoys if not d.is_user_input)
    assert set(reasons) == {
        "assistant turn (not a user input)",
        "tool_use input written by the assistant (not a user input)",
        "synthetic marker (not a user input)",
    }
    assert any(d.is_user_input for d in decoys)
    planted = {t.value for t in sim.truth()}
    for decoy in decoys:
        message = sim.data.session_messages[decoy.source_id]
        assert located_text(sim.data, decoy.source, decoy.source_id)[decoy.start : decoy.end] == (
            decoy.value
        )
        assert decoy.value not in planted
        if decoy.reason.startswith("tool_use"):
            assert message.role == "assistant"
            assert any(
                isinstance(b, SessionToolUse) and decoy.value in b.input for b in message.content
            )
        elif decoy.reason.startswith("assistant"):
            assert message.role == "assistant"
        elif decoy.reason.startswith("synthetic"):
            assert message.provenance is not None
            assert message.provenance.type == "synthetic_marker"
        else:
            assert decoy.is_user_input and message.role == "user"


_CRUDE = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "ipv4": re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"),
    "long_digits": re.compile(r"\d(?:[ -]?\d){8,}"),
    "key_prefix": re.compile(r"sk-ant-|sk_live_|sk-proj-|AKIA|ghp_|xox[bp]-|-----BEGIN"),
    "credential_word": re.compile(r"(?i)password|bearer|passwd"),
}


def test_session_filler_contains_nothing_sensitive(sim: Simulator) -> None:
    spans: dict[str, list[tuple[int, int]]] = {}
    for entry in [*sim.truth(), *sim.decoys()]:
        if entry.source == "session_message":
            spans.setdefault(entry.source_id, []).append((entry.start, entry.end))
    matched = 0
    for message in sim.data.session_messages.values():
        text = message.located_text
        if len(text) > 1_000_000:
            text = text[:200_000]  # the huge log repeats one block
        known = spans.get(message.id, [])
        for name, pattern in _CRUDE.items():
            for match in pattern.finditer(text):
                matched += 1
                near = any(s - 60 <= match.start() and match.end() <= e + 60 for s, e in known)
                assert near, (name, message.id, match.group())
    assert matched >= len([t for t in sim.truth() if t.source == "session_message"]) // 2


def test_plant_rate_zero_plants_nothing_in_sessions() -> None:
    clean = Simulator(dataclasses.replace(SMALL, plant_rate=0.0, decoy_rate=0.0))
    assert not [t for t in clean.truth() if t.source == "session_message"]
    assert all(not d.is_user_input for d in clean.decoys())


def test_zero_session_rates_still_give_the_coverage_sessions() -> None:
    quiet = Simulator(
        dataclasses.replace(SMALL, local_sessions_per_user_day=0, remote_sessions_per_user_day=0)
    )
    assert 8 <= len(quiet.data.local_sessions) <= 10
    assert 6 <= len(quiet.data.remote_sessions) <= 9
