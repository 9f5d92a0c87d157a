"""Remediation in the dashboard over real HTTP: an analyst requests removal from a finding,
an admin other than the requester approves or rejects, the page says which key could
execute it; CSRF and roles as everywhere else."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from claude_compliance.remediation import service
from claude_compliance.remediation.store import Status
from claude_compliance.state.schema import users_table
from tests.web.fixtures import Built, Web, _cheap_hash, findings_rows

pytestmark = pytest.mark.slow  # the session fixture runs the pipeline


def _chat_finding(built: Built) -> str:
    rows = findings_rows(
        built,
        "select finding_id from findings where source = 'chat_message' "
        "and chat_id not like '%XSS%' order by finding_id limit 1",
    )
    return str(rows[0]["finding_id"])


def _request_id(response: object) -> str:
    location = response.headers["location"]  # type: ignore[attr-defined]
    found = re.search(r"/remediation/(rem_[0-9a-f]+)", location)
    assert found is not None, location
    return found.group(1)


def _second_admin(web: Web) -> None:
    with web.engine.begin() as conn:
        conn.execute(
            users_table.insert().values(
                username="admin2",
                password_hash=_cheap_hash(),
                role="admin",
                is_disabled=False,
                created_at=datetime.now(UTC),
                created_by="fixture",
            )
        )


def test_analyst_requests_and_another_admin_approves(web: Web, built: Built) -> None:
    finding_id = _chat_finding(built)
    page = web.client("analyst").get(f"/findings/{finding_id}")
    assert 'id="remediate-form"' in page.text
    done = web.post("analyst", f"/findings/{finding_id}/remediate", {"note": "pasted"})
    assert done.status_code == 303
    request_id = _request_id(done)
    record = service.get(web.settings, request_id)
    assert record.status is Status.REQUESTED and record.requested_by == "analyst"
    assert finding_id in record.finding_ids

    detail = web.client("analyst").get(f"/remediation/{request_id}")
    assert detail.status_code == 200
    assert "no registered key can execute this" in detail.text
    assert "Approve removal" not in detail.text  # an analyst cannot decide
    assert web.post("analyst", f"/remediation/{request_id}/approve").status_code == 403

    admin_view = web.client("admin").get(f"/remediation/{request_id}")
    assert "Approve removal" in admin_view.text
    approved = web.post("admin", f"/remediation/{request_id}/approve", {"note": "ok"})
    assert approved.status_code == 303
    assert service.get(web.settings, request_id).status is Status.APPROVED
    listing = web.client("admin").get("/remediation")
    assert request_id in listing.text and "approved" in listing.text
    assert built.planted_card not in listing.text + detail.text + admin_view.text


def test_an_admin_cannot_approve_their_own_request(web: Web, built: Built) -> None:
    _second_admin(web)
    finding_id = _chat_finding(built)
    request_id = _request_id(web.post("admin", f"/findings/{finding_id}/remediate"))
    own = web.client("admin").get(f"/remediation/{request_id}")
    assert "Approve removal" not in own.text and "Waiting for an admin other than" in own.text
    refused = web.post("admin", f"/remediation/{request_id}/approve")
    assert refused.status_code == 400 and "another admin must approve" in refused.text
    assert service.get(web.settings, request_id).status is Status.REQUESTED
    rejected = web.post("admin2", f"/remediation/{request_id}/reject", {"note": "test data"})
    assert rejected.status_code == 303
    assert service.get(web.settings, request_id).status is Status.REJECTED


def test_csrf_and_roles_guard_the_request(web: Web, built: Built) -> None:
    finding_id = _chat_finding(built)
    analyst = web.client("analyst")
    no_token = analyst.post(f"/findings/{finding_id}/remediate", data={})
    assert no_token.status_code == 403
    assert web.post("viewer", f"/findings/{finding_id}/remediate").status_code == 403
    assert web.anonymous().get("/remediation").status_code in (303, 401)
    assert service.requests(web.settings) == []


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_one_handler_decides_and_redirects_with_the_outcome(
    web: Web, built: Built, decision: str
) -> None:
    """Approve and reject share one route: the decision is the path's last segment."""
    finding_id = _chat_finding(built)
    request_id = _request_id(web.post("analyst", f"/findings/{finding_id}/remediate"))
    expected = {"approve": Status.APPROVED, "reject": Status.REJECTED}[decision]
    # only an admin decides, either way, and only with the CSRF token
    assert web.post("analyst", f"/remediation/{request_id}/{decision}").status_code == 403
    assert web.client("admin").post(f"/remediation/{request_id}/{decision}").status_code == 403
    done = web.post("admin", f"/remediation/{request_id}/{decision}", {"note": "n"})
    assert done.status_code == 303
    assert done.headers["location"].endswith(
        f"/remediation/{request_id}?notice=remediation_{expected.value}"
    )
    record = service.get(web.settings, request_id)
    assert (record.status, record.decided_by, record.decision_note) == (expected, "admin", "n")
    page = web.client("admin").get(done.headers["location"])
    assert f"Removal {expected.value}" in page.text


@pytest.mark.parametrize("decision", ["execute", "delete", "APPROVE", "approve/extra"])
def test_anything_but_a_decision_is_refused(web: Web, built: Built, decision: str) -> None:
    finding_id = _chat_finding(built)
    request_id = _request_id(web.post("analyst", f"/findings/{finding_id}/remediate"))
    answer = web.post("admin", f"/remediation/{request_id}/{decision}")
    assert answer.status_code in (404, 405, 422)
    assert service.get(web.settings, request_id).status is Status.REQUESTED
