"""Security: authentication on every route (standalone and mounted), roles, CSRF, inert
markup, bound SQL, and no matched value anywhere the dashboard renders."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import duckdb
import pytest
from fastapi.routing import APIRoute

from tests.web.fixtures import XSS_CHAT, Built, Web, findings_rows

pytestmark = pytest.mark.slow  # the session fixture runs the pipeline (~20 s)

PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/api/session")}
SAMPLE = {
    "finding_id": "f" * 32,
    "key_id": "ck_0000000000",
    "chat_id": "claude_chat_x",
    "project_id": "claude_proj_x",
    "session_id": "clls_x",
    "suppression_id": "1",
    "username": "viewer",
    "request_id": "rem_000000000000",
    "decision": "approve",  # /remediation/{request_id}/{decision}: approve or reject
}


def routes(app: Any) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            path = re.sub(r"\{(\w+)\}", lambda m: SAMPLE[m.group(1)], route.path)
            found += [(method, path) for method in sorted(route.methods)]
    return found


def test_the_route_list_is_what_we_think(web: Web) -> None:
    listed = routes(web.app)
    assert len(listed) >= 35
    assert ("GET", "/findings") in listed and ("POST", "/api/keys") in listed


def _refused(response: Any, path: str, prefix: str = "") -> None:
    if path.startswith("/api/"):
        assert response.status_code == 401, (path, response.status_code)
        assert response.json() == {"error": "authentication required"}
    else:
        assert response.status_code == 303, (path, response.status_code)
        assert response.headers["location"].startswith(f"{prefix}/login")


def test_every_route_refuses_unauthenticated_requests(web: Web, built: Built) -> None:
    client = web.anonymous()
    for method, path in routes(web.app):
        if (method, path) in PUBLIC:
            continue
        response = client.request(method, path)
        _refused(response, path)
        assert built.key_id not in response.text


def test_a_forged_or_ended_session_is_refused(web: Web) -> None:
    client = web.anonymous()
    client.cookies.set("cc_session", "forged-token")
    _refused(client.get("/findings"), "/findings")
    analyst = web.client("analyst")
    assert analyst.get("/findings").status_code == 200
    assert web.post("analyst", "/logout").status_code == 303
    _refused(analyst.get("/findings"), "/findings")


def test_the_dashboard_mounted_like_airflow_mounts_it_refuses_too(web: Web) -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    host = FastAPI()
    host.mount("/compliance", web.app)  # what airflow.api_fastapi.app.init_plugins does
    client = TestClient(host, follow_redirects=False)
    for method, path in routes(web.app):
        if (method, path) in PUBLIC:
            continue
        response = client.request(method, "/compliance" + path)
        _refused(response, path, "/compliance")
    login = client.get("/compliance/login")
    assert 'action="/compliance/login"' in login.text
    assert 'href="/compliance/static/app.css"' in login.text
    assert "path=/compliance" in login.headers["set-cookie"].lower()


ANALYST_PAGES = [
    "/findings",
    "/findings.csv",
    "/findings/{fid}",
    f"/conversation/chat/{XSS_CHAT}",
    "/conversation/session/{sid}",
    "/activity",
    "/directory",
    "/directory/chats",
    "/directory/projects",
    "/suppressions",
]
ADMIN_PAGES = ["/keys", "/api/keys", "/admin/users", "/admin/audit"]


def test_roles_gate_the_pages(web: Web, built: Built) -> None:
    fid = built.xss_finding_id
    with duckdb.connect(str(built.settings.published_db_path), read_only=True) as con:
        sid = con.execute("select min(session_id) from sessions").fetchall()[0][0]
    viewer, analyst, admin = (web.client(r) for r in ("viewer", "analyst", "admin"))
    for path in ANALYST_PAGES + ADMIN_PAGES:
        assert viewer.get(path.format(fid=fid, sid=sid)).status_code == 403, path
    for path in ADMIN_PAGES:
        assert analyst.get(path).status_code == 403, path
    for path in ANALYST_PAGES:
        assert analyst.get(path.format(fid=fid, sid=sid)).status_code == 200, path
    for path in ADMIN_PAGES:
        assert admin.get(path).status_code == 200, path
    for path in ("/", "/?range=all", "/risk", "/sync"):
        assert viewer.get(path).status_code == 200, path
    assert (
        web.post(
            "viewer", "/findings/triage", {"finding_id": fid, "status": "resolved"}
        ).status_code
        == 403
    )
    assert web.post("analyst", "/keys/ck_x/revoke", {"confirm": "ck_x"}).status_code == 403


def test_a_viewer_sees_aggregates_but_no_masked_content(web: Web, built: Built) -> None:
    previews = {r["redacted_match"] for r in findings_rows(built)}
    assert len(previews) > 10
    viewer = web.client("viewer")
    pages = [viewer.get(p).text for p in ("/", "/?range=all", "/risk", "/sync")]
    assert ">CRITICAL<" in pages[1]  # the aggregates are there
    for page in pages:
        shown = [p for p in previews if f">{p}<" in page or f"<code>{p}</code>" in page]
        assert shown == []
        assert "/findings/" not in page  # no link into content either


def test_csrf_is_enforced_on_every_unsafe_route(web: Web) -> None:
    admin = web.client("admin")
    unsafe = [(m, p) for m, p in routes(web.app) if m in ("POST", "DELETE", "PUT", "PATCH")]
    unsafe = [(m, p) for m, p in unsafe if (m, p) not in PUBLIC]
    assert len(unsafe) >= 12
    for method, path in unsafe:
        missing = admin.request(method, path, data={"x": "1"})
        assert missing.status_code == 403, (method, path, missing.status_code)
        wrong = admin.request(method, path, headers={"x-csrf-token": "nope"})
        assert wrong.status_code == 403, (method, path)
    # with the token the same request gets through to the handler
    ok = admin.post(
        "/suppressions",
        data={
            "kind": "detector_user",
            "detector": "email",
            "user_id": "u1",
            "csrf_token": web.csrf["admin"],
        },
    )
    assert ok.status_code == 303


def test_session_cookies_are_httponly_samesite_and_secure_over_https(web: Web) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(web.app, base_url="https://dashboard.example", follow_redirects=False)
    response = client.post(
        "/api/session", json={"username": "viewer", "password": "correct horse battery"}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    plain = web.anonymous().post(
        "/api/session", json={"username": "viewer", "password": "correct horse battery"}
    )
    assert "secure" not in plain.headers["set-cookie"].lower()


def test_login_needs_its_own_csrf_cookie(web: Web) -> None:
    client = web.anonymous()
    response = client.post(
        "/login", data={"username": "admin", "password": "x" * 12, "csrf_token": "guess"}
    )
    assert response.status_code == 403 and "cc_session" not in response.headers.get(
        "set-cookie", ""
    )


def test_failed_logins_are_throttled_and_audited(web: Web) -> None:
    guesser = web._client_class(web.app, client=("203.0.113.7", 40000))
    for _ in range(5):  # an account's free failures (state.throttle)
        assert (
            guesser.post(
                "/api/session", json={"username": "analyst", "password": "wrong password"}
            ).status_code
            == 401
        )
    blocked = guesser.post(
        "/api/session", json={"username": "analyst", "password": "correct horse battery"}
    )
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    log = web.client("admin").get("/admin/audit?action=login_failed").text
    assert log.count("<code>login_failed</code>") == 5
    blocked_log = web.client("admin").get("/admin/audit?action=login_blocked").text
    assert blocked_log.count("<code>login_blocked</code>") == 1 and "203.0.113.7" in blocked_log


def test_markup_in_user_content_renders_inert(web: Web, built: Built) -> None:
    analyst = web.client("analyst")
    pages = {
        "conversation": analyst.get(f"/conversation/chat/{XSS_CHAT}").text,
        "chats": analyst.get("/directory/chats").text,
        "detail": analyst.get(f"/findings/{built.xss_finding_id}").text,
    }
    assert "&lt;script&gt;alert(&#34;xss-body&#34;)&lt;/script&gt;" in pages["conversation"]
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages["conversation"]
    assert "&lt;script&gt;alert(&#39;xss-name&#39;)&lt;/script&gt;" in pages["chats"]
    assert "&lt;script&gt;" in pages["detail"]
    for name, page in pages.items():
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts == ['<script src="/static/app.js" defer>'], name
        assert "onerror=" not in page.replace("onerror=alert(2)&gt;", ""), name
    headers = analyst.get("/findings").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


INJECTIONS = [
    "' OR 1=1 --",
    "x'); drop table findings; --",
    "%' or '1'='1",
    "\\' union select * from users --",
    "1; select 1",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_filter_parameters_cannot_inject_sql(web: Web, built: Built, payload: str) -> None:
    analyst = web.client("analyst")
    total = built.counts["findings"]
    everything = analyst.get("/findings?suppressed=include&per_page=25")
    assert f'data-total="{total}"' in everything.text
    for name in ("user", "q", "detector", "organization", "key", "fingerprint"):
        page = analyst.get("/findings", params={name: payload})
        assert page.status_code == 200, (name, page.status_code)
        assert 'data-total="0"' in page.text, name
    for name in (
        "severity",
        "source",
        "category",
        "status",
        "sort",
        "order",
        "range",
        "suppressed",
    ):
        page = analyst.get("/findings", params={name: payload})
        assert page.status_code == 200
        assert f'data-total="{total}"' in page.text or 'data-total="0"' not in page.text
    unknown = analyst.get("/findings", params={"sort": payload}).text
    assert "ignored unknown sort" in unknown
    export = analyst.get("/findings.csv", params={"user": payload})
    assert len(list(csv.reader(io.StringIO(export.text)))) == 1  # the header only
    for path, name in (
        ("/activity", "user"),
        ("/activity", "type"),
        ("/directory", "q"),
        ("/risk", "q"),
        ("/directory/chats", "user"),
        ("/admin/audit", "actor"),
    ):
        role = "admin" if path.startswith("/admin") else "analyst"
        assert web.client(role).get(path, params={name: payload}).status_code == 200
    # the warehouse is intact
    assert len(findings_rows(built)) == total


def test_like_wildcards_in_the_text_filter_are_literal(web: Web) -> None:
    analyst = web.client("analyst")
    assert 'data-total="0"' in analyst.get("/findings", params={"q": "%"}).text
    assert 'data-total="0"' in analyst.get("/findings", params={"q": "_" * 10}).text
    some = analyst.get("/findings", params={"q": "•"}).text
    assert 'data-total="0"' not in some


def test_no_matched_value_appears_in_any_rendered_page_or_export(web: Web, built: Built) -> None:
    """Every planted value the scanner found is masked wherever the dashboard shows text.

    (A planted value the scanner misses is a recall gap, not a display one: the conversation
    view shows what the scanner does not detect, by definition.)
    """
    analyst = web.client("analyst")
    rows = findings_rows(built)
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for r in rows:
        spans.setdefault((r["source"], r["source_id"]), []).append(
            (r["start_offset"], r["end_offset"])
        )
    matched = {
        e.value
        for e in built.sim.truth()
        if any(s < e.end and e.start < t for s, t in spans.get((e.source, e.source_id), []))
    }
    assert len(matched) >= 0.9 * len(built.sim.truth())
    pages = [
        analyst.get("/findings?suppressed=include&per_page=200").text,
        analyst.get("/findings.csv?suppressed=include").text,
        analyst.get("/activity").text,
        analyst.get("/directory/chats").text,
        analyst.get("/directory/projects").text,
    ]
    pages += [analyst.get(f"/findings/{r['finding_id']}").text for r in rows]
    for chat in {r["chat_id"] for r in rows if r["chat_id"]}:
        page = analyst.get(f"/conversation/chat/{chat}")
        assert page.status_code == 200
        pages.append(page.text)
    for project in {r["project_id"] for r in rows if r["project_id"]}:
        pages.append(analyst.get(f"/conversation/project/{project}").text)
    sessions = {r["session_id"] for r in rows if r["session_id"]}
    assert sessions, "the simulator plants values in session messages"
    for session_id in sessions:
        page = analyst.get(f"/conversation/session/{session_id}")
        assert page.status_code == 200
        pages.append(page.text)
    assert sum(page.count('<mark class="masked') for page in pages) >= len(rows)
    leaked = sorted({v for v in matched | {built.planted_card} for page in pages if v in page})
    assert leaked == []
