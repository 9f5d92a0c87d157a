"""The keys JSON API and pages (admin only), validating against the simulator."""

from __future__ import annotations

import re

import pytest

from claude_compliance.state.audit import AuditLog
from tests.web.fixtures import Built, Web

pytestmark = pytest.mark.slow  # the session fixture runs the pipeline (~20 s)


def test_register_list_get_validate_revoke_over_the_json_api(web: Web, built: Built) -> None:
    sim = built.sim
    client = web.anonymous()
    login = client.post(
        "/api/session", json={"username": "admin", "password": "correct horse battery"}
    )
    assert login.status_code == 200 and login.json()["role"] == "admin"
    csrf = {"x-csrf-token": login.json()["csrf_token"]}
    assert client.get("/api/keys").json() == {"keys": []}

    created = client.post(
        "/api/keys", json={"name": "Acme", "key": sim.keys.compliance}, headers=csrf
    )
    assert created.status_code == 201
    key = created.json()["key"]
    assert key["status"] == "active" and key["fingerprint"].startswith("sk-ant-api01-…")
    assert set(key["scopes"]) == {"activities", "org_data", "user_data"}
    key_id = key["key_id"]
    assert [k["key_id"] for k in client.get("/api/keys").json()["keys"]] == [key_id]
    assert client.get(f"/api/keys/{key_id}").json()["key"]["created_by"] == "web:admin"
    assert (
        client.post(f"/api/keys/{key_id}/validate", headers=csrf).json()["key"]["status"]
        == "active"
    )

    refused = client.post(
        "/api/keys", json={"name": "x", "key": sim.keys.deactivated}, headers=csrf
    )
    assert refused.status_code == 400 and "deactivated" in refused.json()["error"]
    wrong = client.post("/api/keys", json={"name": "x", "key": sim.keys.claude_api}, headers=csrf)
    assert wrong.status_code == 400 and "Claude API key" in wrong.json()["error"]
    assert (
        client.post(
            "/api/keys", json={"name": "x", "key": sim.keys.compliance}, headers=csrf
        ).status_code
        == 409
    )
    assert client.get("/api/keys/ck_nope").status_code == 404

    revoked = client.post(f"/api/keys/{key_id}/revoke", headers=csrf)
    assert revoked.json()["key"]["status"] == "revoked"
    assert "does not disable the key at Anthropic" in revoked.json()["notice"]
    assert client.post(f"/api/keys/{key_id}/revoke", headers=csrf).status_code == 409
    actions = [e.action for e in AuditLog(web.engine).recent()[0]]
    assert actions[:6] == [
        "key_revoke",
        "key_register_refused",
        "key_register_refused",
        "key_register_refused",
        "key_validate",
        "key_register",
    ]
    assert client.delete("/api/session", headers=csrf).status_code == 200
    assert client.get("/api/keys").status_code == 401


def test_register_and_revoke_with_confirmation_in_the_pages(web: Web, built: Built) -> None:
    admin = web.client("admin")
    added = web.post("admin", "/keys", {"name": "Acme", "key": built.sim.keys.compliance})
    assert added.status_code == 303 and added.headers["location"] == "/keys?notice=key_added"
    page = admin.get("/keys?notice=key_added").text
    assert "Its plaintext is not shown again" in page
    key_id = re.search(r'data-key="(ck_[0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    assert 'data-status="active"' in page and built.sim.keys.compliance not in page
    confirm = admin.get(f"/keys/{key_id}/revoke").text
    assert "does not disable the key at Anthropic" in confirm
    not_confirmed = web.post("admin", f"/keys/{key_id}/revoke", {"confirm": "yes"})
    assert not_confirmed.status_code == 400 and "Type the key id" in not_confirmed.text
    done = web.post("admin", f"/keys/{key_id}/revoke", {"confirm": key_id})
    assert done.status_code == 303
    assert 'data-status="revoked"' in admin.get("/keys").text
    refused = web.post("admin", "/keys", {"name": "Old", "key": built.sim.keys.deactivated})
    assert refused.status_code == 400 and "deactivated" in refused.text
    assert built.sim.keys.deactivated not in refused.text
    assert 'value="Old"' in refused.text  # the name is kept, the key field is empty
