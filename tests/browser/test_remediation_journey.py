"""The remediation journey in headless Chromium: an analyst requests removal from a finding,
an admin other than the requester approves it, and the page names the key that could run it."""

from __future__ import annotations

from typing import Any

import pytest

from claude_compliance.remediation import service
from claude_compliance.remediation.store import Status
from tests.browser.test_journeys import login
from tests.web.fixtures import Built, Web, findings_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_analyst_requests_removal_and_an_admin_approves(
    served: tuple[Web, str], built: Built, browser: Any, shots: Any
) -> None:
    web, base = served
    finding_id = next(
        str(r["finding_id"])
        for r in findings_rows(
            built,
            "select finding_id, chat_id from findings where source = 'chat_message' "
            "order by finding_id",
        )
        if "XSS" not in str(r["chat_id"])
    )
    analyst = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    login(analyst, base, "analyst", f"/findings/{finding_id}")
    analyst.fill("#remediate-form input[name=note]", "card pasted in a chat")
    analyst.click("#remediate-form button[type=submit]")
    analyst.wait_for_load_state()
    assert "Removal requested" in analyst.inner_text(".notice")
    assert "/remediation/rem_" in analyst.url
    request_id = analyst.url.rsplit("/", 1)[-1].split("?")[0]
    assert "no registered key can execute this" in analyst.inner_text("#key-advice")
    assert analyst.locator("text=Approve removal").count() == 0
    assert built.planted_card not in analyst.content()
    shots(analyst, "requested")

    admin = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    login(admin, base, "admin", "/remediation")
    admin.click(f"a[href$='/remediation/{request_id}']")
    admin.wait_for_load_state()
    admin.click("text=Approve removal")
    admin.wait_for_load_state()
    assert "Removal approved" in admin.inner_text(".notice")
    shots(admin, "approved")
    record = service.get(web.settings, request_id)
    assert record.status is Status.APPROVED
    assert (record.requested_by, record.decided_by) == ("analyst", "admin")
