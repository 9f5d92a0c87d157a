"""The analyst's and the admin's main journeys in headless Chromium."""

from __future__ import annotations

import csv
import re
from collections import Counter
from typing import Any

import pytest

from claude_compliance.state.audit import AuditLog
from tests.browser.conftest import ARTIFACTS
from tests.web.fixtures import PASSWORD, XSS_CHAT, Built, Web, findings_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def login(page: Any, base: str, username: str, target: str = "/") -> None:
    page.goto(base + target)
    assert "/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url


def test_analyst_filters_opens_triages_and_exports(
    served: tuple[Web, str], built: Built, browser: Any, shots: Any
) -> None:
    web, base = served
    rows = findings_rows(built)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    login(page, base, "analyst", "/findings")
    assert page.url.endswith("/findings")
    shots(page, "findings")
    assert int(page.get_attribute("[data-total]", "data-total")) == len(rows)

    # filter by severity and user
    critical = [r for r in rows if r["severity"] == "CRITICAL"]
    user_id, expected = Counter(r["user_id"] for r in critical).most_common(1)[0]
    email = next(r["user_email"] for r in critical if r["user_id"] == user_id)
    page.check("input[name=severity][value=CRITICAL]")
    page.fill("input[name=user]", email)
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    assert "severity=CRITICAL" in page.url and "user=" in page.url
    assert int(page.get_attribute("[data-total]", "data-total")) == expected
    badges = page.locator("table.findings tbody .badge.sev-CRITICAL").count()
    assert badges == expected
    users = page.locator("table.findings tbody td:nth-child(7)").all_inner_texts()
    assert users and all(email in u.replace("\n", "") for u in users)
    shots(page, "filtered")

    # export the filtered set
    with page.expect_download() as download_info:
        page.click("#export")
    download = download_info.value
    target = ARTIFACTS / "findings-export.csv"
    download.save_as(str(target))
    records = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(records) == expected
    assert {r["severity"] for r in records} == {"CRITICAL"}
    assert {r["user_id"] for r in records} == {user_id}

    # open a detail and mark it a false positive
    first = page.locator("a.match").first
    finding_id = first.get_attribute("href").rsplit("/", 1)[1]
    first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/findings/{finding_id}")
    assert page.locator("#masked-match").inner_text().strip() == next(
        r["redacted_match"] for r in rows if r["finding_id"] == finding_id
    )
    shots(page, "detail")
    page.select_option("#triage-form select[name=status]", "false_positive")
    page.fill("#triage-form textarea[name=note]", "test data in a fixture")
    page.click("#triage-form button[type=submit]")
    page.wait_for_load_state()
    assert "Triage saved." in page.inner_text(".notice")
    assert "false positive" in page.inner_text("main")
    assert "test data in a fixture" in page.inner_text("main")
    shots(page, "false-positive")

    # the list reflects it; bulk acknowledge the rest of the filtered page
    page.goto(base + "/findings?status=false_positive")
    assert page.locator("a.match").count() == 1
    page.goto(base + "/findings?status=open&severity=CRITICAL")
    open_count = int(page.get_attribute("[data-total]", "data-total"))
    page.check("#select-all")
    assert page.inner_text("#selected-count") == f"{min(open_count, 50)} selected"
    page.select_option("#bulk select[name=status]", "acknowledged")
    page.click("#bulk button[type=submit]")
    page.wait_for_load_state()
    assert int(page.get_attribute("[data-total]", "data-total")) == max(open_count - 50, 0)
    shots(page, "bulk-acknowledged")

    actions = Counter(e.action for e in AuditLog(web.engine).recent(limit=500)[0])
    assert actions["view_finding"] >= 1 and actions["export_csv"] == 1
    assert actions["triage"] == 2
    context.close()


def test_markup_in_a_message_stays_text_in_the_browser(
    served: tuple[Web, str], built: Built, browser: Any, shots: Any
) -> None:
    _, base = served
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, base, "analyst", f"/conversation/chat/{XSS_CHAT}?finding={built.xss_finding_id}")
    text = page.inner_text("ol.messages")
    assert '<script>alert("xss-body")</script>' in text
    assert "<img src=x onerror=alert(2)>" in text
    assert page.locator("ol.messages img").count() == 0
    assert page.locator("script").count() == 1  # app.js only
    assert page.locator("mark#highlight").count() == 1
    page.goto(base + "/directory/chats")
    assert "<script>alert('xss-name')</script>" in page.inner_text("table")
    shots(page, "inert-markup")
    assert dialogs == []
    page.close()


def test_admin_registers_a_key_against_the_simulator_and_revokes_it(
    served: tuple[Web, str], built: Built, browser: Any, shots: Any
) -> None:
    web, base = served
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    login(page, base, "admin", "/keys")
    page.fill("#register-key input[name=name]", "Acme (simulator)")
    page.fill("#register-key input[name=key]", built.sim.keys.deactivated)
    page.click("#register-key button[type=submit]")
    page.wait_for_load_state()
    assert "deactivated" in page.inner_text("#key-error")
    assert page.input_value("#register-key input[name=key]") == ""
    shots(page, "refused")

    page.fill("#register-key input[name=key]", built.sim.keys.compliance)
    page.click("#register-key button[type=submit]")
    page.wait_for_load_state()
    assert "Key registered and validated" in page.inner_text(".notice")
    row = page.locator("#keys tbody tr").first
    key_id = row.get_attribute("data-key")
    assert re.fullmatch(r"ck_[0-9a-f]{10}", key_id or "")
    assert row.locator("[data-status]").inner_text() == "active"
    assert built.sim.keys.compliance not in page.content()
    shots(page, "registered")

    page.click(f"tr[data-key='{key_id}'] a.danger")
    page.wait_for_load_state()
    assert "does not disable the key at Anthropic" in page.inner_text("#revoke-notice")
    shots(page, "confirm-revoke")
    page.fill("#revoke-form input[name=confirm]", key_id)
    page.click("#revoke-form button[type=submit]")
    page.wait_for_load_state()
    assert "Key revoked" in page.inner_text(".notice")
    assert page.locator(f"tr[data-key='{key_id}'] [data-status]").inner_text() == "revoked"
    shots(page, "revoked")
    store = web.app.state.ctx.key_store()
    assert store.get(key_id).status == "revoked"
    assert [e["actor"] for e in store.events(key_id)] == ["web:admin", "web:admin"]
    page.close()
