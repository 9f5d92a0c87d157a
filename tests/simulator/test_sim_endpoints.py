"""Response shapes per endpoint, against the field lists of the spec (compliance-api.md §5)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from urllib.parse import unquote

import httpx

from compliance_simulator import Simulator
from compliance_simulator.data import UNKNOWN_FIELD
from tests.simulator.conftest import SMALL, make_client

BASE = "/v1/compliance"
CHAT_FIELDS = {
    "id",
    "name",
    "created_at",
    "updated_at",
    "deleted_at",
    "href",
    "model",
    "organization_uuid",
    "organization_id",
    "project_id",
    "user",
}
PROJECT_FIELDS = {
    "id",
    "name",
    "created_at",
    "updated_at",
    "deleted_at",
    "is_private",
    "organization_uuid",
    "organization_id",
    "user",
}


def _rfc3339(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def test_organizations_and_users(sim: Simulator, client: httpx.Client) -> None:
    body = client.get(BASE + "/organizations").json()
    assert set(body) == {"data", "has_more", "next_page"}
    assert len(body["data"]) == sim.config.orgs
    org = body["data"][0]
    assert set(org) == {"uuid", "name", "created_at"}
    users = client.get(f"{BASE}/organizations/{org['uuid']}/users").json()["data"]
    assert users
    for user in users:
        assert set(user) == {"id", "email", "full_name", "organization_role", "created_at"}
        assert user["id"].startswith("user_")
        assert user["organization_role"] in {
            "admin",
            "billing",
            "claude_code_user",
            "developer",
            "managed",
            "membership_admin",
            "owner",
            "primary_owner",
            "user",
        }


def test_activity_records(sim: Simulator, client: httpx.Client) -> None:
    body = client.get(BASE + "/activities", params={"limit": 5000}).json()
    assert set(body) == {"data", "has_more", "first_id", "last_id"}
    common = {"id", "created_at", "organization_id", "organization_uuid", "actor", "type"}
    for record in body["data"]:
        assert common <= set(record)
        assert record["id"].startswith("activity_")
        _rfc3339(record["created_at"])
    by_type = {r["type"]: r for r in body["data"]}
    created = by_type["claude_chat_created"]
    assert created["claude_chat_id"].startswith("claude_chat_")
    assert created["organization_id"].startswith("org_")
    assert created["actor"]["type"] == "user_actor"
    assert set(created["actor"]) == {"type", "email_address", "user_id", "ip_address", "user_agent"}
    upload = by_type["claude_file_uploaded"]
    assert upload["filename"] is None and upload["claude_file_id"].startswith("claude_file_")
    assert by_type["sso_login_succeeded"]["organization_id"] is None
    assert any(UNKNOWN_FIELD in r for r in body["data"])


def test_chat_list_and_messages(sim: Simulator, client: httpx.Client) -> None:
    chats = client.get(BASE + "/apps/chats", params={"limit": 1000}).json()
    assert set(chats) == {"data", "has_more", "first_id", "last_id"}
    for chat in chats["data"]:
        assert set(chat) == CHAT_FIELDS
        assert chat["href"].startswith("https://claude.ai/chat/")
        assert set(chat["user"]) == {"id", "email_address"}
    with_file = next(
        m
        for m in sim.data.messages.values()
        if m.file_ids and sim.data.chats_by_id[m.chat_id].deleted_at is None
    )
    body = client.get(f"{BASE}/apps/chats/{with_file.chat_id}/messages").json()
    assert set(body) == CHAT_FIELDS | {"chat_messages", "has_more", "first_id", "last_id"}
    message = next(m for m in body["chat_messages"] if m["id"] == with_file.id)
    assert set(message) == {
        "id",
        "role",
        "created_at",
        "content",
        "files",
        "generated_files",
        "artifacts",
    }
    assert message["role"] == "user"
    text = message["content"][0]
    assert set(text) == {"type", "text", "thinking_redacted", "truncated"}
    assert text["type"] == "text" and text["truncated"] is False
    assert set(message["files"][0]) == {
        "id",
        "created_at",
        "filename",
        "md5",
        "mime_type",
        "size_bytes",
    }


def test_tool_blocks_and_truncation(sim: Simulator, client: httpx.Client) -> None:
    from compliance_simulator.model import ToolResultBlock

    message = next(
        m
        for m in sim.data.messages.values()
        if any(isinstance(b, ToolResultBlock) for b in m.content)
        and sim.data.chats_by_id[m.chat_id].deleted_at is None
    )
    path = f"{BASE}/apps/chats/{message.chat_id}/messages"
    full = client.get(path, params={"tool_result_max_chars": -1}).json()
    clipped = client.get(path, params={"tool_result_max_chars": 10}).json()
    find = lambda body: next(m for m in body["chat_messages"] if m["id"] == message.id)  # noqa: E731
    tool_use, result = find(full)["content"][:2]
    assert tool_use["type"] == "tool_use" and isinstance(tool_use["input"], str)
    assert result["type"] == "tool_result" and result["truncated"] is False
    short = find(clipped)["content"][1]
    assert short["truncated"] is True and len(short["content"][0]["text"]) == 10


def test_deleted_chat_has_no_content_and_its_files_are_gone(
    sim: Simulator, client: httpx.Client
) -> None:
    chat = next(c for c in sim.data.chats if c.deleted_at is not None)
    listed = client.get(BASE + "/apps/chats", params={"limit": 1000}).json()["data"]
    entry = next(c for c in listed if c["id"] == chat.id)
    assert entry["deleted_at"] and entry["name"] == ""
    assert entry["updated_at"] == entry["deleted_at"]
    body = client.get(f"{BASE}/apps/chats/{chat.id}/messages").json()
    assert len(body["chat_messages"]) == len(chat.message_ids)
    assert all(m["content"] == [] for m in body["chat_messages"])
    deleted_files = [
        f
        for f in sim.data.files.values()
        if f.chat_id and sim.data.chats_by_id[f.chat_id].deleted_at is not None
    ]
    for record in deleted_files:
        assert client.get(f"{BASE}/apps/chats/files/{record.id}").status_code == 404
        assert client.get(f"{BASE}/apps/chats/files/{record.id}/content").status_code == 404


def test_file_metadata_and_download(sim: Simulator, client: httpx.Client) -> None:
    record = next(
        f
        for f in sim.data.files.values()
        if f.chat_id
        and f.mime_type == "image/png"
        and sim.data.chats_by_id[f.chat_id].deleted_at is None
    )
    meta = client.get(f"{BASE}/apps/chats/files/{record.id}").json()
    assert set(meta) == {
        "id",
        "filename",
        "mime_type",
        "size_bytes",
        "md5",
        "created_at",
        "message_ids",
        "claude_chat_ids",
    }
    assert meta["claude_chat_ids"] == [record.chat_id]
    assert meta["message_ids"] == [record.message_id]
    download = client.get(f"{BASE}/apps/chats/files/{record.id}/content")
    assert download.status_code == 200
    assert download.content == record.content
    assert download.headers["content-type"] == "image/png"
    expected_md5 = base64.b64encode(hashlib.md5(download.content).digest()).decode()
    assert download.headers["content-md5"] == expected_md5
    assert meta["md5"] == hashlib.md5(download.content).hexdigest()
    assert meta["size_bytes"] == len(download.content)
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert unquote(disposition.split("''", 1)[1]) == record.filename


def test_projects_detail_attachments_and_documents(sim: Simulator, client: httpx.Client) -> None:
    listed = client.get(BASE + "/apps/projects", params={"limit": 100}).json()
    assert set(listed) == {"data", "has_more", "next_page"}
    for project in listed["data"]:
        assert set(project) == PROJECT_FIELDS
        _rfc3339(project["created_at"])
    project = next(p for p in sim.data.projects if sim.data.project_files(p.id))
    detail = client.get(f"{BASE}/apps/projects/{project.id}").json()
    assert set(detail) == PROJECT_FIELDS | {
        "description",
        "instructions",
        "chats_count",
        "attachments_count",
    }
    assert detail["description"] == project.description
    assert detail["instructions"] == project.instructions
    attachments = client.get(
        f"{BASE}/apps/projects/{project.id}/attachments", params={"limit": 100}
    ).json()["data"]
    assert len(attachments) == detail["attachments_count"]
    kinds = {a["type"] for a in attachments}
    assert kinds == {"project_doc", "project_file"}
    for item in attachments:
        if item["type"] == "project_doc":
            assert set(item) == {"id", "created_at", "filename", "mime_type", "updated_at", "type"}
            doc = client.get(f"{BASE}/apps/projects/documents/{item['id']}").json()
            assert set(doc) == {"id", "filename", "created_at", "content", "user"}
            meta = client.get(f"{BASE}/apps/projects/documents/{item['id']}/metadata").json()
            assert meta["md5"] == hashlib.md5(doc["content"].encode()).hexdigest()
            assert meta["size_bytes"] == len(doc["content"].encode())
            assert meta["claude_project_id"] == project.id
        else:
            assert set(item) == {
                "id",
                "created_at",
                "filename",
                "mime_type",
                "md5",
                "size_bytes",
                "type",
            }
            content = client.get(f"{BASE}/apps/chats/files/{item['id']}/content")
            assert hashlib.md5(content.content).hexdigest() == item["md5"]


def test_project_filters(sim: Simulator, client: httpx.Client) -> None:
    org = sim.data.orgs[1]
    mine = client.get(
        BASE + "/apps/projects", params={"organization_ids[]": org.org_id, "limit": 100}
    ).json()["data"]
    assert {p["id"] for p in mine} == {
        p.id for p in sim.data.projects if p.organization_uuid == org.uuid
    }
    latest = max(p.updated_at for p in sim.data.projects)
    recent = client.get(
        BASE + "/apps/projects", params={"updated_at.gte": latest.isoformat()}
    ).json()["data"]
    assert [p["id"] for p in recent] == [p.id for p in sim.data.projects if p.updated_at == latest]


def test_a_restarted_simulator_serves_the_same_data_under_new_request_ids() -> None:
    """Data is reproducible from the seed; request ids are not: a restarted simulator serving
    the same home must not repeat the ids of its earlier requests (the lake keeps them as the
    pipeline's own requests, unique by id, and the audit feed's activity ids derive from
    them)."""
    responses = []
    for _ in range(2):
        restarted = Simulator(SMALL)
        with make_client(restarted, restarted.keys.compliance) as api:
            responses += [api.get("/v1/compliance/organizations") for _ in range(2)]
    assert len({r.headers["request-id"] for r in responses}) == 4
    assert len({r.content for r in responses}) == 1
