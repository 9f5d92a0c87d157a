"""The DELETE endpoints (spec §5.2, §5.3, §5.6, §5.7, §9): exact scope, hard delete, 404 on a
repeat, 409 for a project with chats, and the deletion activity the API emits."""

from __future__ import annotations

import httpx
import pytest

from compliance_simulator import Simulator
from compliance_simulator.keys import DELETE_USER_DATA, READ_ORG_AUDIT, READ_USER_DATA

from .conftest import SMALL, make_client

API = "/v1/compliance"


@pytest.fixture
def sim() -> Simulator:
    # deletions change the organization: one fresh simulator per test
    return Simulator(SMALL)


def _error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["error"]["type"], body["error"]["message"]


def _activities(sim: Simulator, kind: str) -> list[dict[str, object]]:
    with make_client(sim, sim.keys.compliance) as client:
        body = client.get(
            f"{API}/activities", params={"limit": 5000, "activity_types[]": kind}
        ).json()
    return list(body["data"])


def _live_chat_with_files(sim: Simulator) -> str:
    return next(
        c.id
        for c in sim.data.chats
        if c.deleted_at is None
        and c.project_id is None
        and any(sim.data.messages[m].file_ids for m in c.message_ids)
    )


@pytest.mark.parametrize(
    "key_name", ["compliance", "activities_only"], ids=["read-scopes", "activities-only"]
)
def test_delete_without_the_delete_scope_is_403_needed(sim: Simulator, key_name: str) -> None:
    chat_id = _live_chat_with_files(sim)
    with make_client(sim, getattr(sim.keys, key_name)) as client:
        status, kind, message = _error(client.delete(f"{API}/apps/chats/{chat_id}"))
    assert (status, kind) == (403, "permission_error")
    assert message.endswith(f"Needed: [{DELETE_USER_DATA!r}]")
    assert "Needed one of" not in message
    assert chat_id in sim.data.chats_by_id


def test_org_audit_does_not_reach_deletes(sim: Simulator) -> None:
    key = sim.add_key([READ_ORG_AUDIT, READ_USER_DATA])
    chat_id = _live_chat_with_files(sim)
    with make_client(sim, key) as client:
        assert client.delete(f"{API}/apps/chats/{chat_id}").status_code == 403
        # and the read endpoints still accept it
        assert client.get(f"{API}/apps/chats/{chat_id}/messages").status_code == 200


def test_delete_scope_alone_deletes_but_cannot_read(sim: Simulator) -> None:
    key = sim.add_key([DELETE_USER_DATA])
    chat_id = _live_chat_with_files(sim)
    with make_client(sim, key) as client:
        assert client.get(f"{API}/apps/chats", params={"limit": 1}).status_code == 403
        assert client.delete(f"{API}/apps/chats/{chat_id}").status_code == 200


def test_hard_chat_delete_removes_chat_messages_and_files(sim: Simulator) -> None:
    chat_id = _live_chat_with_files(sim)
    chat = sim.data.chats_by_id[chat_id]
    file_ids = [f for m in chat.message_ids for f in sim.data.messages[m].file_ids]
    assert file_ids
    with make_client(sim, sim.keys.remediation) as client:
        response = client.delete(f"{API}/apps/chats/{chat_id}")
        assert response.status_code == 200
        assert response.json() == {"id": chat_id, "type": "claude_chat_deleted"}
        assert response.headers["request-id"].startswith("req_")
        listed = client.get(f"{API}/apps/chats", params={"limit": 1000}).json()["data"]
        listed_by_update = client.get(
            f"{API}/apps/chats", params={"limit": 1000, "order_by": "updated_at"}
        ).json()["data"]
        assert chat_id not in {c["id"] for c in listed + listed_by_update}
        assert _error(client.get(f"{API}/apps/chats/{chat_id}/messages"))[0] == 404
        for file_id in file_ids:
            assert client.get(f"{API}/apps/chats/files/{file_id}").status_code == 404
            assert client.get(f"{API}/apps/chats/files/{file_id}/content").status_code == 404
        # idempotency is the client's business: a repeat is a plain 404
        again = client.delete(f"{API}/apps/chats/{chat_id}")
    assert _error(again) == (404, "not_found_error", f"Chat conversation not found: '{chat_id}'")
    deleted = _activities(sim, "claude_chat_deleted")
    ours = [a for a in deleted if a["claude_chat_id"] == chat_id]
    assert len(ours) == 1
    actor = ours[0]["actor"]
    assert isinstance(actor, dict) and actor["type"] == "api_actor"
    remediation_key = next(k for k in sim.key_ring.all() if k.name == "Remediation Key")
    assert actor["api_key_id"] == remediation_key.id
    assert ours[0]["organization_uuid"] == chat.organization_uuid


def test_a_chat_deleted_in_claude_ai_can_still_be_hard_deleted(sim: Simulator) -> None:
    soft = next(c for c in sim.data.chats if c.deleted_at is not None)
    with make_client(sim, sim.keys.remediation) as client:
        assert client.delete(f"{API}/apps/chats/{soft.id}").status_code == 200
        listed = client.get(f"{API}/apps/chats", params={"limit": 1000}).json()["data"]
    assert soft.id not in {c["id"] for c in listed}


def test_delete_one_chat_file_leaves_the_chat(sim: Simulator) -> None:
    chat_id = _live_chat_with_files(sim)
    chat = sim.data.chats_by_id[chat_id]
    message = next(sim.data.messages[m] for m in chat.message_ids if sim.data.messages[m].file_ids)
    file_id = message.file_ids[0]
    with make_client(sim, sim.keys.remediation) as client:
        response = client.delete(f"{API}/apps/chats/files/{file_id}")
        assert response.json() == {"id": file_id, "type": "claude_file_deleted"}
        assert client.get(f"{API}/apps/chats/files/{file_id}").status_code == 404
        body = client.get(f"{API}/apps/chats/{chat_id}/messages").json()
        again = client.delete(f"{API}/apps/chats/files/{file_id}")
    served = next(m for m in body["chat_messages"] if m["id"] == message.id)
    assert file_id not in {f["id"] for f in served["files"] or []}
    assert len(body["chat_messages"]) == len(chat.message_ids)
    assert again.status_code == 404
    assert [a["claude_file_id"] for a in _activities(sim, "claude_file_deleted")].count(
        file_id
    ) == 1


def test_delete_project_file_emits_project_file_deleted(sim: Simulator) -> None:
    record = next(f for f in sim.data.files.values() if f.project_id is not None)
    with make_client(sim, sim.keys.remediation) as client:
        assert client.delete(f"{API}/apps/chats/files/{record.id}").status_code == 200
        attachments = client.get(
            f"{API}/apps/projects/{record.project_id}/attachments", params={"limit": 100}
        ).json()["data"]
    assert record.id not in {a["id"] for a in attachments}
    events = _activities(sim, "claude_project_file_deleted")
    assert [(a["claude_file_id"], a["claude_project_id"]) for a in events].count(
        (record.id, record.project_id)
    ) == 1


def test_delete_project_document(sim: Simulator) -> None:
    document = next(iter(sim.data.documents.values()))
    with make_client(sim, sim.keys.remediation) as client:
        response = client.delete(f"{API}/apps/projects/documents/{document.id}")
        assert response.json() == {"id": document.id, "type": "claude_project_document_deleted"}
        gone = client.get(f"{API}/apps/projects/documents/{document.id}")
        again = client.delete(f"{API}/apps/projects/documents/{document.id}")
    assert _error(gone) == (
        404,
        "not_found_error",
        "No project document found with the provided id.",
    )
    assert _error(again)[2] == (
        "No project document found with the provided id, or it has already been deleted."
    )
    events = _activities(sim, "claude_project_document_deleted")
    assert [a["claude_project_document_id"] for a in events].count(document.id) == 1


def test_project_with_chats_is_409_until_its_chats_are_gone(sim: Simulator) -> None:
    project_id = next(p.id for p in sim.data.projects if sim.data.project_chats(p.id))
    chats = [c.id for c in sim.data.project_chats(project_id)]
    with make_client(sim, sim.keys.remediation) as client:
        status, kind, message = _error(client.delete(f"{API}/apps/projects/{project_id}"))
        assert (status, kind) == (409, "invalid_request_error")
        assert message.startswith(f'The "{project_id}" project cannot be deleted')
        assert project_id in sim.data.projects_by_id
        for chat_id in chats:
            assert client.delete(f"{API}/apps/chats/{chat_id}").status_code == 200
        response = client.delete(f"{API}/apps/projects/{project_id}")
        assert response.json() == {"id": project_id, "type": "claude_project_deleted"}
        assert client.get(f"{API}/apps/projects/{project_id}").status_code == 404
        again = client.delete(f"{API}/apps/projects/{project_id}")
    assert _error(again)[2] == (
        "No project found with provided id, or it has already been deleted."
    )
    assert not sim.data.project_documents(project_id)
    assert not sim.data.project_files(project_id)
    events = _activities(sim, "claude_project_deleted")
    assert [a["claude_project_id"] for a in events].count(project_id) == 1


def test_unknown_delete_paths_and_methods_are_404(sim: Simulator) -> None:
    with make_client(sim, sim.keys.remediation) as client:
        assert _error(client.delete(f"{API}/activities"))[0] == 404
        assert _error(client.delete(f"{API}/apps/sessions/remote/x"))[0] == 404
        assert _error(client.post(f"{API}/apps/chats/claude_chat_x"))[0] == 404


def test_keys_file_holds_one_key_with_the_delete_scope(sim: Simulator) -> None:
    keys = sim.keys.as_dict()
    holders = [
        name
        for name, plaintext in keys.items()
        if any(
            DELETE_USER_DATA in k.scopes
            for k in sim.key_ring.all()
            if _matches(sim, k.fingerprint, plaintext)
        )
    ]
    assert holders == ["remediation"]


def _matches(sim: Simulator, fingerprint: str, plaintext: str) -> bool:
    import hashlib

    return hashlib.sha256(plaintext.encode()).hexdigest() == fingerprint
