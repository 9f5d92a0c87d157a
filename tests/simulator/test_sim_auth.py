"""Authentication and scopes: 404 / 401 / 403 with the API's exact messages."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from compliance_simulator import Simulator

from .conftest import make_client

CHATS = "/v1/compliance/apps/chats"
ACTIVITIES = "/v1/compliance/activities"
ORGS = "/v1/compliance/organizations"


def _error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    assert body["type"] == "error"
    assert body["request_id"] == response.headers["request-id"]
    return response.status_code, body["error"]["type"], body["error"]["message"]


@pytest.mark.parametrize("path", [CHATS, ACTIVITIES, ORGS])
def test_missing_key_is_not_found(sim: Simulator, path: str) -> None:
    with make_client(sim, None) as client:
        response = client.get(path)
    assert _error(response) == (404, "not_found_error", "Not found")
    assert response.headers["x-should-retry"] == "false"
    assert "anthropic-ratelimit-requests-limit" not in response.headers


def test_claude_api_key_is_not_found(sim: Simulator) -> None:
    with make_client(sim, sim.keys.claude_api) as client:
        assert _error(client.get(CHATS)) == (404, "not_found_error", "Not found")


def test_unknown_key_is_invalid(sim: Simulator) -> None:
    with make_client(sim, sim.keys.unknown) as client:
        response = client.get(CHATS)
    assert _error(response) == (401, "authentication_error", "API key is invalid.")
    assert response.headers["x-should-retry"] == "false"


def test_deactivated_key(sim: Simulator) -> None:
    with make_client(sim, sim.keys.deactivated) as client:
        expected = (401, "authentication_error", "API key has been deactivated.")
        assert _error(client.get(ACTIVITIES)) == expected


def test_missing_scope_lists_got_and_needed(sim: Simulator) -> None:
    with make_client(sim, sim.keys.activities_only) as client:
        assert client.get(ACTIVITIES).status_code == 200
        response = client.get(CHATS)
    assert _error(response) == (
        403,
        "permission_error",
        "Missing required scopes. Got: ['read:compliance_activities'] "
        "Needed one of: ['read:compliance_user_data', 'read:org_audit']",
    )
    assert "anthropic-ratelimit-requests-remaining" in response.headers


def test_admin_key_reaches_only_the_activity_feed(sim: Simulator) -> None:
    with make_client(sim, sim.keys.admin) as client:
        assert client.get(ACTIVITIES).status_code == 200
        status, kind, message = _error(client.get(ORGS))
    assert (status, kind) == (403, "permission_error")
    assert message == (
        "Missing required scopes. Got: ['api:admin', 'read:compliance_activities'] "
        "Needed one of: ['read:compliance_org_data', 'read:org_audit']"
    )


def test_added_keys_and_org_audit_scope(sim: Simulator) -> None:
    audit = sim.add_key(["read:org_audit"])
    inactive = sim.add_key(["read:compliance_user_data"], active=False)
    with make_client(sim, audit) as client:
        assert all(client.get(p).status_code == 200 for p in (CHATS, ACTIVITIES, ORGS))
    with make_client(sim, inactive) as client:
        assert client.get(CHATS).status_code == 401


def test_bearer_header_is_accepted(sim: Simulator) -> None:
    with make_client(sim, None) as client:
        response = client.get(CHATS, headers={"authorization": f"Bearer {sim.keys.compliance}"})
    assert response.status_code == 200


def test_unknown_path_and_method_are_not_found(sim: Simulator, client: httpx.Client) -> None:
    assert _error(client.get("/v1/compliance/nothing")) == (404, "not_found_error", "Not found")
    assert client.post(CHATS).status_code == 404


def test_every_authenticated_request_is_audited(sim: Simulator) -> None:
    key_id = next(k.id for k in sim.key_ring.all() if k.name == "Activity Feed Key")
    with make_client(sim, sim.keys.activities_only) as client:
        denied = client.get(CHATS, params={"limit": 1})
        feed = client.get(ACTIVITIES, params={"activity_types[]": "compliance_api_accessed"})
    events = feed.json()["data"]
    match = next(e for e in events if e["request_id"] == denied.headers["request-id"])
    assert match["actor"] == {
        "type": "api_actor",
        "api_key_id": key_id,
        "ip_address": "127.0.0.1",
        "user_agent": match["actor"]["user_agent"],
    }
    assert match["organization_id"] is None and match["organization_uuid"] is None
    assert match["request_method"] == "GET" and match["status_code"] == 403
    assert match["url"].endswith("/v1/compliance/apps/chats?limit=1")
    records = [r for r in sim.requests if r.request_id == denied.headers["request-id"]]
    assert len(records) == 1 and records[0].key_id == key_id and records[0].status == 403


def test_unauthenticated_requests_are_recorded_but_not_audited(sim: Simulator) -> None:
    with make_client(sim, sim.keys.unknown) as client:
        request_id = client.get(CHATS).headers["request-id"]
    assert any(r.request_id == request_id and r.key_id is None for r in sim.requests)
    assert not any(
        a.fields.get("request_id") == request_id for a in sim.feed.visible(dt.datetime.now(dt.UTC))
    )
