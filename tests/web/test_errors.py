"""Every error the dashboard answers, as a page and under /api as JSON, from one table."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from claude_compliance.web.app import ERROR_PAGES
from tests.web.fixtures import Built, Web

pytestmark = pytest.mark.slow  # the session fixture runs the pipeline (~20 s)

PLANTED_KEY = "sk-ant-api01-" + "Q" * 86 + "AA"

# (exception the case reaches, role or None, method, path, body, status, page title)
CASES = [
    ("Forbidden", "viewer", "GET", "/admin/users", None, 403, "Not allowed"),
    ("Forbidden", "viewer", "GET", "/api/keys", None, 403, None),
    ("CSRFError", "admin", "POST", "/admin/users", {"username": "x"}, 403, "Request refused"),
    ("CSRFError", "admin", "POST", "/api/keys/ck_nope/revoke", None, 403, None),
    ("RequestValidationError", "viewer", "GET", "/risk?page=abc", None, 422, "Invalid request"),
    ("RequestValidationError", "admin", "POST", "/api/keys", {"name": PLANTED_KEY}, 422, None),
    ("HTTPException", "viewer", "GET", "/no-such-page", None, 404, "404"),
    ("HTTPException", "admin", "GET", "/api/keys/ck_nope", None, 404, None),
]


def _send(web: Web, role: str, method: str, path: str, body: dict[str, str] | None) -> object:
    client = web.client(role)
    if method == "GET":
        return client.get(path)
    if path.startswith("/api/") and body is not None:
        # a JSON body with the session's CSRF header: only the body is wrong
        return client.post(path, json=body, headers={"x-csrf-token": web.csrf[role]})
    return client.post(path, data=body or {})  # no csrf_token: refused before the handler


@pytest.mark.parametrize(("raised", "role", "method", "path", "body", "status", "title"), CASES)
def test_each_error_is_a_page_or_json_by_where_it_was_asked(
    web: Web,
    raised: str,
    role: str,
    method: str,
    path: str,
    body: dict[str, str] | None,
    status: int,
    title: str | None,
) -> None:
    response = _send(web, role, method, path, body)
    assert response.status_code == status, (raised, response.text[:300])  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    if path.startswith("/api/"):
        assert set(response.json()) == {"error"}  # type: ignore[attr-defined]
    else:
        assert response.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
        assert f"<h1>{title}</h1>" in text or f">{title}<" in text
    assert PLANTED_KEY not in text  # a validation error names fields, never echoes the body


def test_every_table_entry_is_reached_by_a_case() -> None:
    names = {cls.__name__ for cls in ERROR_PAGES}
    # WarehouseMissing needs a home without a warehouse: its own test below
    assert names == {case[0] for case in CASES} | {"WarehouseMissing"}


def test_a_missing_warehouse_is_503_with_the_next_step(built: Built, tmp_path: Path) -> None:
    empty_home = dataclasses.replace(built.settings, home=tmp_path / "home")
    web = Web(dataclasses.replace(built, settings=empty_home), tmp_path)
    assert not web.settings.published_db_path.exists()
    csv = web.client("admin").get("/findings.csv")
    assert csv.status_code == 503
    assert "No published warehouse yet" in csv.text and "claude-compliance run" in csv.text


def test_anonymous_pages_go_to_login_and_the_api_says_401(web: Web) -> None:
    anonymous = web.anonymous()
    page = anonymous.get("/findings?severity=HIGH")
    assert page.status_code == 303 and "/login?next=" in page.headers["location"]
    posted = anonymous.post("/findings/triage", data={"finding_id": "x"})
    assert posted.status_code == 303 and posted.headers["location"].endswith("/login")
    assert anonymous.get("/api/keys").status_code == 401
    assert anonymous.get("/api/keys").json() == {"error": "authentication required"}
