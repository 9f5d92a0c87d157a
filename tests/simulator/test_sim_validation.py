"""400s: unknown parameters, both cursors, naive datetimes, foreign cursors, bad limits."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from compliance_simulator import Simulator

BASE = "/v1/compliance"


def _bad(client: httpx.Client, path: str, params: dict[str, str]) -> str:
    response = client.get(BASE + path, params=params)
    assert response.status_code == 400, response.text
    assert response.headers["x-should-retry"] == "false"
    body = response.json()
    assert body["error"]["type"] == "invalid_request_error"
    message: str = body["error"]["message"]
    return message


def test_bracket_range_gets_a_hint(client: httpx.Client) -> None:
    message = _bad(client, "/activities", {"created_at[gte]": "2026-03-01T00:00:00Z"})
    assert message == ("Unknown query parameter: 'created_at[gte]'. Did you mean 'created_at.gte'?")


def test_missing_array_brackets_get_a_hint(client: httpx.Client) -> None:
    message = _bad(client, "/apps/chats", {"user_ids": "user_01x"})
    assert message == "Unknown query parameter: 'user_ids'. Did you mean 'user_ids[]'?"


@pytest.mark.parametrize("path", ["/organizations", "/apps/projects", "/activities"])
def test_unknown_parameter(client: httpx.Client, path: str) -> None:
    assert _bad(client, path, {"colour": "red"}) == "Unknown query parameter: 'colour'."


def test_both_cursors(client: httpx.Client) -> None:
    first = client.get(BASE + "/activities", params={"limit": 1}).json()["first_id"]
    message = _bad(client, "/activities", {"after_id": first, "before_id": first})
    assert "after_id" in message and "before_id" in message


@pytest.mark.parametrize("value", ["2026-03-01T00:00:00", "2026-03-01"])
def test_datetime_without_timezone(client: httpx.Client, value: str) -> None:
    message = _bad(client, "/activities", {"created_at.gte": value})
    assert message == "created_at.gte: Input should have timezone info"


def test_unparseable_datetime(client: httpx.Client) -> None:
    message = _bad(client, "/apps/chats", {"created_at.gte": "yesterday"})
    assert message.startswith("created_at.gte: Input should be a valid datetime")


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("/activities", "0", "limit: Input should be greater than or equal to 1"),
        ("/activities", "5001", "limit: Input should be less than or equal to 5000"),
        ("/apps/chats", "1001", "limit: Input should be less than or equal to 1000"),
        ("/apps/projects", "101", "limit: Input should be less than or equal to 100"),
        (
            "/organizations",
            "ten",
            "limit: Input should be a valid integer, unable to parse string as an integer",
        ),
    ],
)
def test_limit_out_of_range(client: httpx.Client, path: str, value: str, message: str) -> None:
    assert _bad(client, path, {"limit": value}) == message


def test_max_limits_are_accepted(client: httpx.Client) -> None:
    for path, limit in (("/activities", 5000), ("/apps/chats", 1000), ("/apps/projects", 100)):
        assert client.get(BASE + path, params={"limit": limit}).status_code == 200


def test_garbage_and_foreign_cursors(client: httpx.Client) -> None:
    chats = client.get(BASE + "/apps/chats", params={"limit": 1}).json()
    activities = client.get(BASE + "/activities", params={"limit": 1}).json()
    assert _bad(client, "/activities", {"after_id": "garbage"}) == (
        "Invalid activity_id format: 'garbage'"
    )
    assert _bad(client, "/activities", {"after_id": chats["last_id"]}).startswith(
        "Invalid activity_id format"
    )
    assert _bad(client, "/apps/chats", {"after_id": activities["last_id"]}) == (
        "Invalid pagination cursor for 'after_id'"
    )
    # a cursor issued under order_by=created_at is rejected under order_by=updated_at
    assert _bad(
        client, "/apps/chats", {"order_by": "updated_at", "after_id": chats["last_id"]}
    ) == ("Invalid pagination cursor for 'after_id'")
    forged = base64.b64encode(json.dumps({"k": "created_at"}).encode()).decode()
    assert _bad(client, "/apps/chats", {"after_id": forged}) == (
        "Invalid pagination cursor for 'after_id'"
    )


def test_foreign_page_token(client: httpx.Client, sim: Simulator) -> None:
    token = client.get(BASE + "/apps/projects", params={"limit": 1}).json()["next_page"]
    assert token
    org = sim.data.orgs[0].uuid
    message = _bad(client, f"/organizations/{org}/users", {"page": token})
    assert message == "The page parameter is not a valid cursor for this request."
    assert _bad(client, "/apps/projects", {"page": "%%%"}) == message


def test_raw_activity_id_is_accepted_as_cursor(client: httpx.Client) -> None:
    page = client.get(BASE + "/activities", params={"limit": 3}).json()
    raw = page["data"][0]["id"]
    after = client.get(BASE + "/activities", params={"limit": 2, "after_id": raw}).json()
    assert [a["id"] for a in after["data"]] == [a["id"] for a in page["data"][1:3]]


def test_chat_listing_rules(client: httpx.Client, sim: Simulator) -> None:
    user = sim.data.users[0].id
    since = "2026-03-05T00:00:00Z"
    assert "order_by" in _bad(client, "/apps/chats", {"user_ids[]": user, "order_by": "updated_at"})
    assert "user_ids[]" in _bad(
        client, "/apps/chats", {"user_ids[]": user, "updated_at.gte": since}
    )
    assert "order_by=updated_at" in _bad(client, "/apps/chats", {"updated_at.gte": since})
    assert "order_by=created_at" in _bad(
        client, "/apps/chats", {"order_by": "updated_at", "created_at.gte": since}
    )
    assert "user_ids[]" in _bad(client, "/apps/chats", {"project_ids[]": "claude_proj_01x"})
    eleven = [("user_ids[]", f"user_{i}") for i in range(11)]
    response = client.get(BASE + "/apps/chats", params=eleven)
    assert response.status_code == 400


def test_activity_type_filters(client: httpx.Client) -> None:
    assert _bad(client, "/activities", {"activity_types[]": "not_a_type"}) == (
        "activity_types[].0: Input is not one of the permitted values."
    )
    both = {
        "activity_types[]": "claude_chat_created",
        "exclude_activity_types[]": "sso_login_succeeded",
    }
    assert "mutually exclusive" in _bad(client, "/activities", both)
    created = client.get(
        BASE + "/activities", params={"activity_types[]": "claude_chat_created", "limit": 5000}
    ).json()["data"]
    assert created and all(a["type"] == "claude_chat_created" for a in created)


def test_foreign_organization_filter_is_forbidden(client: httpx.Client, sim: Simulator) -> None:
    response = client.get(BASE + "/activities", params={"organization_ids[]": "org_01nope"})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "Cannot query compliance data for organizations outside this API key's scope"
    )
    org = sim.data.orgs[0]
    for alias in (org.uuid, org.org_id):
        data = client.get(
            BASE + "/activities", params={"organization_ids[]": alias, "limit": 5000}
        ).json()["data"]
        assert {a["organization_uuid"] for a in data} <= {org.uuid, None}


def test_not_found_messages(client: httpx.Client) -> None:
    no_project = "No project is found with the provided id."
    cases = {
        "/apps/chats/claude_chat_01x/messages": "Chat conversation not found: 'claude_chat_01x'",
        "/apps/projects/claude_proj_01nope": no_project,
        "/apps/projects/claude_proj_01nope/attachments": no_project,
        "/apps/projects/documents/claude_proj_doc_01x": (
            "No project document found with the provided id."
        ),
        "/organizations/00000000-0000-4000-8000-000000000000/users": (
            'The "00000000-0000-4000-8000-000000000000" organization does not exist or the '
            "requester is not authorized to access it."
        ),
    }
    for path, message in cases.items():
        response = client.get(BASE + path)
        assert response.status_code == 404, path
        assert response.json()["error"] == {"type": "not_found_error", "message": message}
    missing = client.get(BASE + "/apps/chats/files/claude_file_01nope").json()["error"]["message"]
    assert missing.startswith("File not found: ") and "claude_file_" not in missing
