"""The public interface exists and serves the main resources."""

from __future__ import annotations

import httpx

from compliance_simulator import Simulator

BASE = "/v1/compliance"


def test_every_main_endpoint_answers(sim: Simulator, client: httpx.Client) -> None:
    org = sim.data.orgs[0].uuid
    chat = next(c for c in sim.data.chats if c.deleted_at is None)
    chat_file = next(
        f
        for f in sim.data.files.values()
        if f.chat_id and sim.data.chats_by_id[f.chat_id].deleted_at is None
    )
    project = sim.data.projects[0]
    document = next(iter(sim.data.documents.values()))
    paths = [
        "/organizations",
        f"/organizations/{org}/users",
        "/activities",
        "/apps/chats",
        f"/apps/chats/{chat.id}/messages",
        f"/apps/chats/files/{chat_file.id}",
        f"/apps/chats/files/{chat_file.id}/content",
        "/apps/projects",
        f"/apps/projects/{project.id}",
        f"/apps/projects/{project.id}/attachments",
        f"/apps/projects/documents/{document.id}",
        f"/apps/projects/documents/{document.id}/metadata",
    ]
    for path in paths:
        response = client.get(BASE + path)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["request-id"].startswith("req_")
