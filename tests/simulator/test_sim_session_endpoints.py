"""The session endpoints (§5.8, §5.9): page tokens to the end, filters, validation, truncation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from compliance_simulator import SimConfig, Simulator
from compliance_simulator.keys import READ_ACTIVITIES, READ_ORG_AUDIT, READ_ORG_DATA
from compliance_simulator.model import SessionToolResult, SessionToolUse
from compliance_simulator.session_endpoints import SERVER_MAX_BYTES

from .conftest import SMALL, make_client

BASE = "/v1/compliance/apps/sessions"
LOCAL, REMOTE = f"{BASE}/local", f"{BASE}/remote"
SUFFIX = "…[truncated; pass tool_result_max_bytes=-1 for the server max]"
UNLIMITED = dataclasses.replace(
    SMALL, rate_limit_per_minute=0, remote_session_rate_limit_per_minute=0
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def ssim() -> Simulator:
    return Simulator(UNLIMITED)


@pytest.fixture(scope="module")
def api(ssim: Simulator) -> Iterator[httpx.Client]:
    with make_client(ssim, ssim.keys.compliance) as c:
        yield c


def walk(
    client: httpx.Client,
    path: str,
    params: dict[str, Any] | list[tuple[str, str]] | None = None,
) -> list[Any]:
    """Follow ``next_page`` to the end; returns the items (and checks the envelope)."""
    out: list[Any] = []
    token: str | None = None
    pairs = list(params.items()) if isinstance(params, dict) else list(params or [])
    for _ in range(10_000):
        page = client.get(path, params=[*pairs, *([("page", token)] if token else [])])
        assert page.status_code == 200, page.text
        body = page.json()
        assert "has_more" not in body
        out += body["data"]
        token = body["next_page"]
        if token is None:
            return out
        assert token.startswith("page_")
    raise AssertionError("walk did not end")


def error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    message: str = response.json()["error"]["message"]
    return message


def _desc(records: list[Any]) -> list[str]:
    return [r.id for r in sorted(records, key=lambda r: (r.created_at, r.id), reverse=True)]


# --- local sessions list ------------------------------------------------------------------------


def test_local_list_is_created_at_desc_and_tiny_pages_equal_one_page(
    ssim: Simulator, api: httpx.Client
) -> None:
    full = walk(api, LOCAL, {"limit": 500})
    assert [s["id"] for s in full] == _desc(ssim.data.local_sessions)
    first = api.get(LOCAL, params={"limit": 500}).json()
    assert first["next_page"] is None and first["data"] == full
    for limit in (1, 2, 3):
        assert walk(api, LOCAL, {"limit": limit}) == full
    assert len(api.get(LOCAL).json()["data"]) == min(100, len(full))


def test_local_session_record_shape(ssim: Simulator, api: httpx.Client) -> None:
    full = walk(api, LOCAL, {"limit": 500})
    assert set(full[0]) == {
        "type",
        "id",
        "organization_uuid",
        "workspace_id",
        "user",
        "product_surface",
        "created_at",
        "updated_at",
        "truncated",
    }
    assert {s["type"] for s in full} == {"compliance_local_session"}
    emails = [s["user"]["email_address"] for s in full]
    assert emails.count(None) == 1 and all(e is None or "@" in e for e in emails)
    one = api.get(f"{LOCAL}/{full[0]['id']}")
    assert one.status_code == 200 and one.json() == full[0]


def test_local_created_at_filters_and_bounds(ssim: Simulator, api: httpx.Client) -> None:
    day = SMALL.window_start + dt.timedelta(days=3)
    gte, lt = day.isoformat(), (day + dt.timedelta(days=1)).isoformat()
    got = walk(api, LOCAL, {"created_at.gte": gte, "created_at.lt": lt, "limit": 2})
    expected = [s for s in ssim.data.local_sessions if day <= s.created_at < day + dt.timedelta(1)]
    assert got and [s["id"] for s in got] == _desc(expected)
    same = api.get(LOCAL, params={"created_at.gte": gte, "created_at.lt": gte})
    assert error(same, 400) == "created_at.lt must be strictly after created_at.gte."
    inverted = api.get(LOCAL, params={"created_at.gte": lt, "created_at.lt": gte})
    assert error(inverted, 400) == "created_at.lt must be strictly after created_at.gte."
    naive = api.get(LOCAL, params={"created_at.gte": "2026-03-05T00:00:00"})
    assert error(naive, 400) == "created_at.gte: Input should have timezone info"
    offset = api.get(LOCAL, params={"created_at.gte": day.strftime("%Y-%m-%dT%H:%M:%S+00:00")})
    assert offset.status_code == 200


def test_local_updated_at_finds_sessions_started_earlier(
    ssim: Simulator, api: httpx.Client
) -> None:
    """The interval rule: a session with messages in D is found by updated_at >= D.start."""
    spanning = next(
        s for s in ssim.data.local_sessions if s.updated_at.date() > s.created_at.date()
    )
    later = ssim.data.session_message_list(spanning)[-1].created_at
    day = dt.datetime(later.year, later.month, later.day, tzinfo=dt.UTC)
    got = walk(api, LOCAL, {"updated_at.gte": day.isoformat(), "limit": 3})
    ids = [s["id"] for s in got]
    assert spanning.id in ids and spanning.created_at < day
    assert ids == _desc([s for s in ssim.data.local_sessions if s.updated_at >= day])
    both = walk(api, LOCAL, {"updated_at.gte": day.isoformat(), "created_at.lt": day.isoformat()})
    assert spanning.id in [s["id"] for s in both]


@pytest.mark.parametrize(
    ("param", "hint"),
    [
        ("created_at.gt", None),
        ("created_at.lte", None),
        ("updated_at.lt", None),
        ("organization_ids[]", None),
        ("user_ids[]", None),
        ("created_at[gte]", "Did you mean 'created_at.gte'?"),
        ("order", None),
    ],
)
def test_local_list_rejects_other_parameters(
    api: httpx.Client, param: str, hint: str | None
) -> None:
    message = error(api.get(LOCAL, params={param: "2026-03-05T00:00:00Z"}), 400)
    assert message.startswith(f"Unknown query parameter: '{param}'.")
    if hint:
        assert message.endswith(hint)


@pytest.mark.parametrize("limit", ["0", "501", "x"])
def test_local_list_limit_is_1_to_500(api: httpx.Client, limit: str) -> None:
    assert error(api.get(LOCAL, params={"limit": limit}), 400).startswith("limit: ")
    assert api.get(LOCAL, params={"limit": "500"}).status_code == 200


def test_list_tokens_are_bound_to_listing_and_filters(api: httpx.Client) -> None:
    gte = SMALL.window_start.isoformat()
    token = api.get(LOCAL, params={"limit": 1, "created_at.gte": gte}).json()["next_page"]
    assert token
    assert (
        api.get(LOCAL, params={"limit": 1, "created_at.gte": gte, "page": token}).status_code == 200
    )
    invalid = "The page parameter is not a valid cursor for this request."
    assert error(api.get(LOCAL, params={"page": token}), 400) == invalid
    assert error(api.get(REMOTE, params={"page": token, "created_at.gte": gte}), 400) == invalid
    assert error(api.get(LOCAL, params={"page": "page_garbage"}), 400) == invalid
    assert error(api.get(LOCAL, params={"page": token.removeprefix("page_")}), 400) == invalid


def test_short_pages_at_the_size_cap_are_not_the_end() -> None:
    small = Simulator(dataclasses.replace(UNLIMITED, session_page_max_bytes=900))
    with make_client(small, small.keys.compliance) as c:
        first = c.get(LOCAL, params={"limit": 10}).json()
        assert 1 <= len(first["data"]) < 10 and first["next_page"]
        assert walk(c, LOCAL, {"limit": 10}) == walk(c, LOCAL, {"limit": 1})
        assert [s["id"] for s in walk(c, REMOTE, {"limit": 500})] == _desc(
            small.data.remote_sessions
        )
        session = max(small.data.local_sessions, key=lambda s: len(s.message_ids))
        path = f"{LOCAL}/{session.id}/messages"
        page = c.get(path, params={"limit": 1000}).json()
        assert len(page["data"]) < len(session.message_ids) and page["next_page"]
        assert [m["id"] for m in walk(c, path, {"limit": 1000})] == list(session.message_ids)


# --- one local session --------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/messages"])
def test_local_session_ids_malformed_or_unknown(api: httpx.Client, suffix: str) -> None:
    for bad in ("cse_01abc", "claude_chat_01abc", "clls_", "12345"):
        assert error(api.get(f"{LOCAL}/{bad}{suffix}"), 400)
    unknown = api.get(f"{LOCAL}/clls_01ThisSessionDoesNotExist{suffix}")
    assert error(unknown, 404) == "Local session not found."
    assert unknown.json()["error"]["type"] == "not_found_error"


def test_local_session_rejects_parameters(ssim: Simulator, api: httpx.Client) -> None:
    session = ssim.data.local_sessions[0]
    assert error(api.get(f"{LOCAL}/{session.id}", params={"limit": 1}), 400).startswith(
        "Unknown query parameter: 'limit'."
    )


# --- local messages -----------------------------------------------------------------------------


def test_local_messages_walk_in_server_order(ssim: Simulator, api: httpx.Client) -> None:
    for session in ssim.data.local_sessions[:6]:
        path = f"{LOCAL}/{session.id}/messages"
        full = walk(api, path, {"limit": 1000})
        assert [m["id"] for m in full] == list(session.message_ids)
        for limit in (1, 2, 3):
            assert walk(api, path, {"limit": limit}) == full
        assert walk(api, path, {"order": "desc", "limit": 2}) == list(reversed(full))
        body = api.get(path).json()
        assert body["session"]["id"] == session.id
        assert body["session"]["user"]["email_address"] is None
        assert body["session"]["user"]["id"] == session.user_id


def test_local_message_record_shape(ssim: Simulator, api: httpx.Client) -> None:
    provenances: set[Any] = set()
    for session in ssim.data.local_sessions:
        for message in walk(api, f"{LOCAL}/{session.id}/messages", {"limit": 1000}):
            assert set(message) == {
                "type",
                "id",
                "role",
                "model",
                "created_at",
                "provenance",
                "content",
            }
            assert message["type"] == "compliance_local_session_message"
            assert message["role"] in ("user", "assistant")
            provenance = message["provenance"]
            provenances.add(json.dumps(provenance, sort_keys=True))
            if provenance and provenance["type"] == "content_unavailable":
                assert message["content"] == []
            for block in message["content"]:
                keys = {
                    "text": {"type", "text", "truncated"},
                    "tool_use": {"type", "id", "name", "input", "truncated"},
                    "tool_result": {
                        "type",
                        "tool_use_id",
                        "name",
                        "is_error",
                        "content",
                        "truncated",
                    },
                }[block["type"]]
                assert set(block) == keys
                if block["type"] == "tool_result":
                    assert all(set(i) == {"type", "text"} for i in block["content"])
    reasons = {
        "not_captured",
        "client_aborted",
        "cmek_key_revoked",
        "retention_elapsed",
        "oversize",
    }
    expected = {
        json.dumps({"type": "content_unavailable", "reason": r}, sort_keys=True) for r in reasons
    }
    expected |= {"null", '{"type": "client_asserted"}', '{"type": "synthetic_marker"}'}
    assert expected < provenances  # plus one type the spec does not list


def test_message_tokens_are_bound_to_session_and_order(ssim: Simulator, api: httpx.Client) -> None:
    a, b = [s for s in ssim.data.local_sessions if len(s.message_ids) > 2][:2]
    path_a, path_b = f"{LOCAL}/{a.id}/messages", f"{LOCAL}/{b.id}/messages"
    token = api.get(path_a, params={"limit": 1}).json()["next_page"]
    invalid = "The page parameter is not a valid cursor for this request."
    assert error(api.get(path_a, params={"page": token, "order": "desc"}), 400) == invalid
    assert error(api.get(path_b, params={"page": token}), 400) == invalid
    assert error(api.get(path_a, params={"page": "page_x"}), 400) == invalid
    assert api.get(path_a, params={"page": token, "limit": 5}).status_code == 200
    remote = next(s for s in ssim.data.remote_sessions if len(s.message_ids) > 2)
    remote_path = f"{REMOTE}/{remote.id}/messages"
    remote_token = api.get(remote_path, params={"limit": 1}).json()["next_page"]
    assert error(api.get(path_a, params={"page": remote_token}), 400) == invalid
    assert error(api.get(remote_path, params={"page": token}), 400) == invalid


def test_message_tokens_expire_24h_after_the_walks_first_page() -> None:
    clock = FakeClock()
    sim = Simulator(UNLIMITED, clock=clock)
    session = next(s for s in sim.data.local_sessions if len(s.message_ids) > 3)
    path = f"{LOCAL}/{session.id}/messages"
    expired = (
        "The page cursor has expired. Restart the walk without a page parameter; results will "
        "reflect the current retention boundary."
    )
    with make_client(sim, sim.keys.compliance) as c:
        first = c.get(path, params={"limit": 1}).json()["next_page"]
        clock.now += 23 * 3600
        second = c.get(path, params={"limit": 1, "page": first}).json()["next_page"]
        assert second
        clock.now += 3600  # 24 h after the first page, 1 h after the second
        assert error(c.get(path, params={"limit": 1, "page": second}), 400) == expired
        assert error(c.get(path, params={"limit": 1, "page": first}), 400) == expired
        restarted = walk(c, path, {"limit": 1})
        assert [m["id"] for m in restarted] == list(session.message_ids)
        # remote message tokens carry no such expiry
        remote = next(s for s in sim.data.remote_sessions if len(s.message_ids) > 2)
        remote_path = f"{REMOTE}/{remote.id}/messages"
        token = c.get(remote_path, params={"limit": 1}).json()["next_page"]
        clock.now += 48 * 3600
        assert c.get(remote_path, params={"limit": 1, "page": token}).status_code == 200


@pytest.mark.parametrize("base", [LOCAL, REMOTE])
@pytest.mark.parametrize(
    ("params", "start"),
    [
        ({"limit": 0}, "limit: "),
        ({"limit": 1001}, "limit: "),
        ({"order": "newest"}, "order: "),
        ({"tool_result_max_bytes": 0}, "tool_result_max_bytes: "),
        ({"tool_use_input_max_bytes": 0}, "tool_use_input_max_bytes: "),
        ({"tool_result_max_bytes": -2}, "tool_result_max_bytes: "),
        ({"tool_result_max_chars": 10}, "Unknown query parameter: 'tool_result_max_chars'."),
        ({"after_id": "x"}, "Unknown query parameter: 'after_id'."),
    ],
)
def test_message_parameters_are_validated(
    ssim: Simulator, api: httpx.Client, base: str, params: dict[str, Any], start: str
) -> None:
    sessions = ssim.data.local_sessions if base == LOCAL else ssim.data.remote_sessions
    session = next(s for s in sessions if s.message_ids)
    assert error(api.get(f"{base}/{session.id}/messages", params=params), 400).startswith(start)


def _far_plant(ssim: Simulator, prefix: str) -> tuple[Any, Any]:
    """A planted value past byte 10,000 of a tool result, in a ``prefix`` message."""
    for entry in ssim.truth():
        if entry.source != "session_message" or not entry.source_id.startswith(prefix):
            continue
        block = ssim.data.session_messages[entry.source_id].content[0]
        if (
            isinstance(block, SessionToolResult)
            and len(block.texts[0][: entry.start].encode()) > 10_000
        ):
            return entry, ssim.data.session_messages[entry.source_id]
    raise AssertionError("no far plant")


@pytest.mark.parametrize(("prefix", "base"), [("clsm_", LOCAL), ("csev_", REMOTE)])
def test_a_value_past_byte_10000_arrives_only_with_minus_one(
    ssim: Simulator, api: httpx.Client, prefix: str, base: str
) -> None:
    entry, message = _far_plant(ssim, prefix)
    path = f"{base}/{message.session_id}/messages"

    def served(**params: Any) -> dict[str, Any]:
        found: dict[str, Any] = next(
            m for m in walk(api, path, {"limit": 1000, **params}) if m["id"] == message.id
        )
        return found

    default = served()["content"][0]
    text = default["content"][0]["text"]
    assert default["truncated"] is True and text.endswith(SUFFIX)
    assert len(text.removesuffix(SUFFIX).encode()) <= 10_000
    assert entry.value not in text
    whole = served(tool_result_max_bytes=-1)["content"][0]
    assert whole["truncated"] is False and entry.value in whole["content"][0]["text"]
    assert whole["content"][0]["text"] == message.content[0].texts[0]
    larger = served(tool_result_max_bytes=entry.end * 4)["content"][0]
    assert entry.value in larger["content"][0]["text"]


def test_larger_limits_are_clamped_to_the_server_max(ssim: Simulator, api: httpx.Client) -> None:
    message = next(
        m
        for m in ssim.data.session_messages.values()
        if m.content
        and isinstance(m.content[0], SessionToolResult)
        and len(m.content[0].texts[0].encode()) > SERVER_MAX_BYTES
    )
    path = f"{LOCAL}/{message.session_id}/messages"
    for value in (-1, 50_000_000):
        served = next(
            m
            for m in walk(api, path, {"limit": 1000, "tool_result_max_bytes": value})
            if m["id"] == message.id
        )
        text = served["content"][0]["content"][0]["text"]
        assert served["content"][0]["truncated"] is True
        assert len(text.removesuffix(SUFFIX).encode()) == SERVER_MAX_BYTES


def test_tool_use_input_truncation_breaks_its_json(ssim: Simulator, api: httpx.Client) -> None:
    message = next(
        m
        for m in ssim.data.session_messages.values()
        if m.id.startswith("clsm_") and any(isinstance(b, SessionToolUse) for b in m.content)
    )
    path = f"{LOCAL}/{message.session_id}/messages"
    served = next(
        m
        for m in walk(api, path, {"limit": 1000, "tool_use_input_max_bytes": 5})
        if m["id"] == message.id
    )
    block = next(b for b in served["content"] if b["type"] == "tool_use")
    assert block["truncated"] is True
    assert block["input"].endswith(
        "…[truncated; pass tool_use_input_max_bytes=-1 for the server max]"
    )
    with pytest.raises(json.JSONDecodeError):
        json.loads(block["input"])
    whole = next(m for m in walk(api, path, {"limit": 1000}) if m["id"] == message.id)
    block = next(b for b in whole["content"] if b["type"] == "tool_use")
    assert block["truncated"] is False and isinstance(json.loads(block["input"]), dict)


def test_served_messages_rebuild_the_truth_offsets(ssim: Simulator, api: httpx.Client) -> None:
    """The scanned-input definition applied to the wire (with -1) finds every plant."""
    wanted = [t for t in ssim.truth() if t.source == "session_message"]
    served: dict[str, dict[str, Any]] = {}
    params = {"limit": 1000, "tool_result_max_bytes": -1, "tool_use_input_max_bytes": -1}
    for base, sessions in ((LOCAL, ssim.data.local_sessions), (REMOTE, ssim.data.remote_sessions)):
        for session in sessions:
            if {m for m in session.message_ids} & {t.source_id for t in wanted}:
                for message in walk(api, f"{base}/{session.id}/messages", params):
                    served[message["id"]] = message
    for entry in wanted:
        message = served[entry.source_id]
        assert message["role"] == "user"
        pieces: list[str] = []
        for block in message["content"]:
            if block["type"] == "text":
                pieces.append(block["text"])
            elif block["type"] == "tool_result":
                pieces += [i["text"] for i in block["content"] if i["type"] == "text"]
        assert "\n".join(pieces)[entry.start : entry.end] == entry.value


# --- remote sessions ----------------------------------------------------------------------------


def test_remote_list_walks_and_shapes(ssim: Simulator, api: httpx.Client) -> None:
    full = walk(api, REMOTE, {"limit": 500})
    assert [s["id"] for s in full] == _desc(ssim.data.remote_sessions)
    for limit in (1, 2, 3):
        assert walk(api, REMOTE, {"limit": limit}) == full
    assert set(full[0]) == {
        "id",
        "organization_uuid",
        "user",
        "agent_id",
        "started_by_user",
        "status",
        "created_at",
        "updated_at",
        "product_surface",
        "claude_project_id",
    }
    agent = next(s for s in full if s["started_by_user"])
    assert agent["user"] is None and agent["agent_id"].startswith("cagt_")
    assert "@" in agent["started_by_user"]["email_address"]


def test_remote_list_filters(ssim: Simulator, api: httpx.Client) -> None:
    sessions = ssim.data.remote_sessions
    pivot = sorted(sessions, key=lambda s: s.created_at)[len(sessions) // 2].created_at
    cases = {
        "created_at.gte": lambda s: s.created_at >= pivot,
        "created_at.gt": lambda s: s.created_at > pivot,
        "created_at.lte": lambda s: s.created_at <= pivot,
        "created_at.lt": lambda s: s.created_at < pivot,
    }
    for name, keep in cases.items():
        got = walk(api, REMOTE, {name: pivot.isoformat(), "limit": 2})
        assert [s["id"] for s in got] == _desc([s for s in sessions if keep(s)]), name
    org = ssim.data.orgs[0]
    for alias in (org.uuid, org.org_id):
        got = walk(api, REMOTE, {"organization_ids[]": alias})
        assert [s["id"] for s in got] == _desc(
            [s for s in sessions if s.organization_uuid == org.uuid]
        )
    foreign = api.get(REMOTE, params={"organization_ids[]": "00000000-0000-4000-8000-000000000000"})
    assert foreign.status_code == 403
    started_by = next(s for s in sessions if s.started_by_user_id)
    owner_ids = [started_by.started_by_user_id, *{s.user_id for s in sessions if s.user_id}][:3]
    got = walk(api, REMOTE, [("user_ids[]", str(u)) for u in owner_ids])
    assert [s["id"] for s in got] == _desc([s for s in sessions if s.user_id in owner_ids])
    assert started_by.id not in {s["id"] for s in got}  # agent-owned, even if a user started it
    too_many = [("user_ids[]", f"user_01{i:022d}") for i in range(11)]
    assert error(api.get(REMOTE, params=too_many), 400).startswith("user_ids[]: ")
    orgs = [("organization_ids[]", ssim.data.orgs[0].uuid)] * 501
    assert error(api.get(REMOTE, params=orgs), 400).startswith("organization_ids[]: ")


@pytest.mark.parametrize("param", ["updated_at.gte", "updated_at.lt", "order", "user_ids"])
def test_remote_list_has_no_updated_at_filter(api: httpx.Client, param: str) -> None:
    message = error(api.get(REMOTE, params={param: "2026-03-05T00:00:00Z"}), 400)
    assert message.startswith(f"Unknown query parameter: '{param}'.")


def test_remote_messages_walk_and_shape(ssim: Simulator, api: httpx.Client) -> None:
    unavailable = 0
    for session in ssim.data.remote_sessions:
        path = f"{REMOTE}/{session.id}/messages"
        if session.status == "pending":
            assert error(api.get(path), 404) == "Remote session not found."
            continue
        full = walk(api, path, {"limit": 1000})
        assert [m["id"] for m in full] == list(session.message_ids)
        assert walk(api, path, {"limit": 2}) == full
        assert walk(api, path, {"limit": 1, "order": "desc"}) == list(reversed(full))
        body = api.get(path).json()
        assert body["session"]["started_by_user"] is None
        assert body["session"]["claude_project_id"] is None
        if body["session"]["user"] is not None:
            assert body["session"]["user"]["email_address"] is None
        for message in full:
            assert set(message) == {
                "id",
                "role",
                "created_at",
                "content",
                "sent_by_user_id",
                "content_unavailable",
            }
            if message["content_unavailable"]:
                unavailable += 1
                assert message["content"] == []
            if message["role"] == "assistant":
                assert message["sent_by_user_id"] is None
    assert unavailable


def test_remote_messages_ids_malformed_unknown_or_deleted() -> None:
    sim = Simulator(UNLIMITED)
    with make_client(sim, sim.keys.compliance) as c:
        for bad in ("clls_01abc", "cse_", "claude_chat_01abc"):
            assert error(c.get(f"{REMOTE}/{bad}/messages"), 400)
        missing = c.get(f"{REMOTE}/cse_01ThisSessionDoesNotExist0/messages")
        assert error(missing, 404) == "Remote session not found."
        victim = next(s for s in sim.data.remote_sessions if s.message_ids)
        assert c.get(f"{REMOTE}/{victim.id}/messages").status_code == 200
        sim.delete_remote_session(victim.id)
        assert error(c.get(f"{REMOTE}/{victim.id}/messages"), 404) == "Remote session not found."
        assert victim.id not in {s["id"] for s in walk(c, REMOTE, {"limit": 500})}
        assert c.get(f"{REMOTE}/{victim.id}").status_code == 404  # no retrieve endpoint


# --- scopes and budgets -------------------------------------------------------------------------


def _paths(sim: Simulator) -> list[str]:
    local = sim.data.local_sessions[0].id
    remote = next(s for s in sim.data.remote_sessions if s.message_ids).id
    return [
        LOCAL,
        f"{LOCAL}/{local}",
        f"{LOCAL}/{local}/messages",
        REMOTE,
        f"{REMOTE}/{remote}/messages",
    ]


def test_session_scopes(ssim: Simulator) -> None:
    for scopes, status in (
        ([READ_ACTIVITIES], 403),
        ([READ_ORG_DATA], 403),
        ([READ_ORG_AUDIT], 200),
    ):
        key = ssim.add_key(scopes)
        with make_client(ssim, key) as c:
            for path in _paths(ssim):
                response = c.get(path)
                assert response.status_code == status, (scopes, path)
                if status == 403:
                    assert response.json()["error"]["message"].endswith(
                        "Needed one of: ['read:compliance_user_data', 'read:org_audit']"
                    )


def test_remote_sessions_have_a_second_small_budget() -> None:
    clock = FakeClock()
    config = dataclasses.replace(SMALL, remote_session_rate_limit_per_minute=3)
    sim = Simulator(config, clock=clock)
    remote_messages = _paths(sim)[-1]
    with make_client(sim, sim.keys.compliance) as c:
        assert c.get(REMOTE).status_code == 200
        assert c.get(remote_messages).status_code == 200
        assert c.get(REMOTE, params={"limit": 1}).status_code == 200
        limited = c.get(remote_messages)
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "1"
        assert limited.json()["error"]["type"] == "rate_limit_error"
        # its rate-limit headers describe the shared budget (600, four units spent)
        assert limited.headers["anthropic-ratelimit-requests-limit"] == "600"
        assert limited.headers["anthropic-ratelimit-requests-remaining"] == "596"
        for path in _paths(sim)[:3]:  # local sessions are not in that budget
            assert c.get(path).status_code == 200
        assert c.get(REMOTE).status_code == 429
        clock.now += 61
        assert c.get(REMOTE).status_code == 200


def test_default_budget_lets_a_full_sync_of_the_small_org_through() -> None:
    sim = Simulator(SMALL)
    with make_client(sim, sim.keys.compliance) as c:
        for session in walk(c, REMOTE, {"limit": 500}):
            if session["status"] != "pending":
                walk(c, f"{REMOTE}/{session['id']}/messages", {"limit": 1000})
    assert all(r.status == 200 for r in sim.requests)


def test_config_rejects_bad_session_knobs() -> None:
    with pytest.raises(ValueError, match="session"):
        SimConfig(local_sessions_per_user_day=-1)
    with pytest.raises(ValueError, match="session_page_max_bytes"):
        SimConfig(session_page_max_bytes=0)
    with pytest.raises(ValueError, match="remote_session_rate_limit_per_minute"):
        SimConfig(remote_session_rate_limit_per_minute=-1)


@pytest.mark.parametrize("cap", [None, 4_000])
def test_request_lower_bound_is_a_max_page_walk(cap: int | None) -> None:
    config = (
        UNLIMITED if cap is None else dataclasses.replace(UNLIMITED, session_page_max_bytes=cap)
    )
    sim = Simulator(config)
    day = SMALL.window_start + dt.timedelta(days=4)
    local = [("updated_at.gte", day.isoformat())]
    remote = [("created_at.gte", (day - dt.timedelta(days=2)).isoformat())]
    bound = sim.session_request_lower_bound(local, remote)
    assert not sim.requests  # computed in process, nothing served
    messages = {"limit": 1000, "tool_result_max_bytes": -1, "tool_use_input_max_bytes": -1}
    with make_client(sim, sim.keys.compliance) as c:
        listed = walk(c, LOCAL, [("limit", "500"), *local])
        for session in listed:
            walk(c, f"{LOCAL}/{session['id']}/messages", messages)
        local_requests = len(sim.requests)
        remote_listed = walk(c, REMOTE, [("limit", "500"), *remote])
        for session in remote_listed:
            if session["status"] != "pending":
                walk(c, f"{REMOTE}/{session['id']}/messages", messages)
    assert local_requests == bound.local_list_pages + bound.local_message_pages
    assert len(sim.requests) == bound.total
    active = [s for s in remote_listed if s["status"] != "pending"]
    if cap is None:
        # no page is cut short: one list page per kind and one messages page per session
        assert bound.local_list_pages == bound.remote_list_pages == 1
        assert bound.local_message_pages == len(listed)
        assert bound.remote_message_pages == len(active)
    else:
        assert bound.local_list_pages > 1
        assert bound.local_message_pages > len(listed)
    only_local = sim.session_request_lower_bound(local, None)
    assert only_local.remote_list_pages == only_local.remote_message_pages == 0
