"""The client against the simulator: every endpoint the sync uses, every error class, and
pagination to the last page with tiny pages. In process (WSGI transport) and on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from claude_compliance.api import (
    AuthenticationError,
    BadRequestError,
    ComplianceClient,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TransportError,
)
from claude_compliance.api.pagination import CursorPaginator, PageTokenPaginator

FAST = RetryPolicy(
    max_attempts=3, max_rate_limited_attempts=3, backoff_initial_s=0.0, backoff_max_s=0.0
)


@pytest.fixture(params=["in_process", "loopback"])
def api(request, sim) -> Iterator[ComplianceClient]:  # type: ignore[no-untyped-def]
    if request.param == "in_process":
        client = ComplianceClient(
            sim.keys.compliance,
            "http://sim",
            transport=sim.transport(),
            retry=FAST,
            sleep=lambda _s: None,
        )
        yield client
        client.close()
    else:
        server = request.getfixturevalue("sim_server")
        with ComplianceClient(
            sim.keys.compliance, server.url, retry=FAST, sleep=lambda _s: None, timeout_s=10
        ) as client:
            yield client


def ids(api: ComplianceClient, path: str, paginator, params) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        item.get("id") or item.get("uuid")
        for page in api.paginate(path, paginator, params)
        for item in page.items
    ]


def test_directory_endpoints(api: ComplianceClient, sim) -> None:  # type: ignore[no-untyped-def]
    orgs = ids(api, "/v1/compliance/organizations", PageTokenPaginator(), {"limit": 1})
    assert sorted(orgs) == sorted(o.uuid for o in sim.data.orgs)
    users = []
    for org in orgs:
        small = ids(
            api, f"/v1/compliance/organizations/{org}/users", PageTokenPaginator(), {"limit": 1}
        )
        large = ids(
            api, f"/v1/compliance/organizations/{org}/users", PageTokenPaginator(), {"limit": 1000}
        )
        assert small == large and len(small) == len(set(small))
        users.extend(small)
    assert len(users) == len(sim.data.users)


def test_activities_walk_newest_first_to_the_last_page(api: ComplianceClient) -> None:
    small = ids(
        api,
        "/v1/compliance/activities",
        CursorPaginator(),
        {"limit": 7, "created_at.lt": "2026-11-20T00:00:00Z"},
    )
    large = ids(
        api,
        "/v1/compliance/activities",
        CursorPaginator(),
        {"limit": 5000, "created_at.lt": "2026-11-20T00:00:00Z"},
    )
    assert small == large and len(small) == len(set(small)) > 20


def test_chats_messages_files_walk(api: ComplianceClient, sim) -> None:  # type: ignore[no-untyped-def]
    params = {"order_by": "updated_at", "updated_at.gte": "2026-11-01T00:00:00Z"}
    small = ids(api, "/v1/compliance/apps/chats", CursorPaginator(), {**params, "limit": 2})
    large = ids(api, "/v1/compliance/apps/chats", CursorPaginator(), {**params, "limit": 1000})
    assert small == large and len(small) == len(sim.data.chats)
    files_checked = 0
    for chat_id in small:
        one = ids(
            api,
            f"/v1/compliance/apps/chats/{chat_id}/messages",
            CursorPaginator(items_key="chat_messages"),
            {"limit": 1},
        )
        whole = api.get_json(f"/v1/compliance/apps/chats/{chat_id}/messages").body
        assert one == [m["id"] for m in whole["chat_messages"]]
        for message in whole["chat_messages"]:
            for meta in message.get("files") or []:
                detail = api.get_json(f"/v1/compliance/apps/chats/files/{meta['id']}").body
                assert detail["id"] == meta["id"]
                if whole.get("deleted_at"):
                    continue
                download = api.download(f"/v1/compliance/apps/chats/files/{meta['id']}/content")
                assert download.md5_matches is True
                assert len(download.content) == detail["size_bytes"]
                files_checked += 1
    assert files_checked > 0


def test_projects_attachments_documents(api: ComplianceClient, sim) -> None:  # type: ignore[no-untyped-def]
    small = ids(api, "/v1/compliance/apps/projects", PageTokenPaginator(), {"limit": 1})
    large = ids(api, "/v1/compliance/apps/projects", PageTokenPaginator(), {"limit": 100})
    assert small == large and len(small) == len(sim.data.projects)
    kinds = set()
    for project_id in small:
        detail = api.get_json(f"/v1/compliance/apps/projects/{project_id}").body
        assert {"description", "instructions"} <= set(detail)
        for page in api.paginate(
            f"/v1/compliance/apps/projects/{project_id}/attachments",
            PageTokenPaginator(),
            {"limit": 1},
        ):
            for item in page.items:
                kinds.add(item["type"])
                if item["type"] == "project_doc":
                    doc = api.get_json(f"/v1/compliance/apps/projects/documents/{item['id']}").body
                    assert isinstance(doc["content"], str)
                else:
                    download = api.download(f"/v1/compliance/apps/chats/files/{item['id']}/content")
                    assert download.md5_matches is True
    assert kinds == {"project_doc", "project_file"}


def test_each_error_class(sim) -> None:  # type: ignore[no-untyped-def]
    def client(key: str) -> ComplianceClient:
        return ComplianceClient(
            key, "http://sim", transport=sim.transport(), retry=FAST, sleep=lambda _s: None
        )

    with pytest.raises(AuthenticationError, match="API key is invalid"):
        client(sim.keys.unknown).get_json("/v1/compliance/organizations")
    with pytest.raises(AuthenticationError, match="deactivated"):
        client(sim.keys.deactivated).get_json("/v1/compliance/organizations")
    with pytest.raises(NotFoundError, match="Not found"):
        client(sim.keys.claude_api).get_json("/v1/compliance/organizations")
    with pytest.raises(PermissionDeniedError, match="Needed one of"):
        client(sim.keys.activities_only).get_json("/v1/compliance/apps/chats")
    ok = client(sim.keys.compliance)
    with pytest.raises(BadRequestError, match=r"Did you mean 'created_at\.gte'") as info:
        ok.get_json("/v1/compliance/activities", {"created_at[gte]": "2026-11-01T00:00:00Z"})
    assert info.value.request_id and info.value.status == 400
    with pytest.raises(BadRequestError):
        ok.get_json("/v1/compliance/apps/chats", {"after_id": "garbage"})
    with pytest.raises(NotFoundError):
        ok.get_json("/v1/compliance/apps/projects/claude_proj_missing")

    sim.faults.add("/organizations", status=429, retry_after=0, times=5)
    with pytest.raises(RateLimitError):
        ok.get_json("/v1/compliance/organizations")
    sim.faults.clear()
    sim.faults.add("/organizations", status=500, should_retry=False)
    with pytest.raises(ServerError):
        ok.get_json("/v1/compliance/organizations")
    sim.faults.clear()
    sim.faults.add("/organizations", drop=True, times=5)
    with pytest.raises(TransportError):
        ok.get_json("/v1/compliance/organizations")
    sim.faults.clear()


def test_transient_faults_are_retried_to_success(sim) -> None:  # type: ignore[no-untyped-def]
    waits: list[float] = []
    api = ComplianceClient(
        sim.keys.compliance, "http://sim", transport=sim.transport(), retry=FAST, sleep=waits.append
    )
    sim.faults.add("/organizations", status=429, retry_after=3)
    sim.faults.add("/organizations", status=503)
    sim.faults.add("/organizations", drop=True)
    api.retry = RetryPolicy(max_attempts=5, backoff_initial_s=0.0, backoff_max_s=0.0)
    assert api.get_json("/v1/compliance/organizations").body["data"]
    assert waits[0] == 3.0 and len(waits) == 3


def test_every_response_carries_rate_limit_headers_and_request_id(sim) -> None:  # type: ignore[no-untyped-def]
    import httpx

    with httpx.Client(transport=sim.transport(), base_url="http://sim") as http:
        response = http.get(
            "/v1/compliance/organizations", headers={"x-api-key": sim.keys.compliance}
        )
    assert response.headers["request-id"]
    assert int(response.headers["anthropic-ratelimit-requests-limit"]) == 600
    assert "anthropic-ratelimit-requests-reset" in response.headers
