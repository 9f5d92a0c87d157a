"""Roles, permissions, groups, members, effective settings and project collaborators."""

from __future__ import annotations

import httpx

from compliance_simulator import Simulator

from .conftest import make_client

BASE = "/v1/compliance"


def _all(client: httpx.Client, path: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    params: dict[str, object] = {"limit": 1}
    while True:
        body = client.get(BASE + path, params=params).json()
        out += body["data"]
        if not body["has_more"]:
            return out
        params = {"limit": 1, "page": body["next_page"]}


def test_roles_and_permissions(sim: Simulator, client: httpx.Client) -> None:
    org = sim.data.orgs[0].uuid
    roles = _all(client, f"/organizations/{org}/roles")
    assert len(roles) == 3
    assert set(roles[0]) == {"id", "name", "description", "created_at", "updated_at"}
    role_id = str(roles[0]["id"])
    assert client.get(f"{BASE}/organizations/{org}/roles/{role_id}").json() == roles[0]
    permissions = _all(client, f"/organizations/{org}/roles/{role_id}/permissions")
    assert permissions and set(permissions[0]) == {"action", "resource_id", "resource_type"}
    missing = client.get(f"{BASE}/organizations/{org}/roles/rbac_role_01nope")
    assert missing.status_code == 404 and missing.json()["error"]["message"] == "Role not found."


def test_groups_and_members(sim: Simulator, client: httpx.Client) -> None:
    groups = _all(client, "/groups")
    assert {g["source_type"] for g in groups} == {"direct", "scim"}
    group = groups[0]
    assert set(group) == {
        "id",
        "name",
        "description",
        "source_type",
        "roles",
        "created_at",
        "updated_at",
    }
    assert client.get(f"{BASE}/groups/{group['id']}").json() == group
    members = _all(client, f"/groups/{group['id']}/members")
    assert members and set(members[0]) == {"user_id", "email", "created_at", "updated_at"}
    assert len({m["user_id"] for m in members}) == len(members)
    prefixed = client.get(f"{BASE}/groups", params={"name_prefix": "Sec"}).json()["data"]
    assert [g["name"] for g in prefixed] == ["Security Team"]
    assert client.get(f"{BASE}/groups/rbac_group_01nope").status_code == 404


def test_group_members_need_user_data_scope(sim: Simulator) -> None:
    org_only = sim.add_key(["read:compliance_org_data"])
    group_id = sim.directory.groups[0].id
    with make_client(sim, org_only) as client:
        assert client.get(f"{BASE}/groups/{group_id}").status_code == 200
        assert client.get(f"{BASE}/groups/{group_id}/members").status_code == 403


def test_effective_settings(sim: Simulator, client: httpx.Client) -> None:
    org = sim.data.orgs[1].uuid
    body = client.get(f"{BASE}/organizations/{org}/settings").json()
    assert body["type"] == "effective_organization_settings"
    assert body["organization_id"] == org
    assert {row["type"] for row in body["settings"]} >= {"boolean", "data_retention"}
    keys = body["api_keys"]
    assert any(k["is_active"] is False for k in keys)
    assert all(k["id"].startswith("apikey_") and "sk-ant" not in str(k) for k in keys)
    unknown = client.get(f"{BASE}/organizations/{sim.data.parent_uuid}/settings")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"] == (
        f"organization `{sim.data.parent_uuid}` not found in this organization's hierarchy"
    )


def test_settings_answers_unauthenticated_with_401(sim: Simulator) -> None:
    org = sim.data.orgs[0].uuid
    with make_client(sim, None) as client:
        assert client.get(f"{BASE}/organizations/{org}/settings").status_code == 401
        assert client.get(f"{BASE}/organizations/{org}/users").status_code == 404


def test_project_collaborators(sim: Simulator, client: httpx.Client) -> None:
    project = sim.data.projects[0]
    grants = _all(client, f"/apps/projects/{project.id}/collaborators")
    assert grants[0] == {
        "type": "user",
        "user_id": project.user_id,
        "role": "owner",
        "granted_at": grants[0]["granted_at"],
    }
    assert all(g["role"] in {"owner", "admin", "editor", "viewer"} for g in grants)
    times = [str(g["granted_at"]) for g in grants]
    assert times == sorted(times)
