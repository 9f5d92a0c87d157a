"""The findings explorer over real HTTP: filters, sorting, paging, export, detail, triage,
suppressions and the audit trail."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from typing import Any

import pytest

from claude_compliance.state.audit import AuditLog
from tests.web.fixtures import XSS_CHAT, Built, Web, findings_rows

pytestmark = pytest.mark.slow  # the session fixture runs the pipeline (~20 s)


def total(page: str) -> int:
    match = re.search(r'data-total="(\d+)"', page)
    assert match is not None
    return int(match.group(1))


def ids(page: str) -> list[str]:
    return re.findall(r'name="finding_id" value="([0-9a-f]+)"', page)


def test_filters_match_the_warehouse(web: Web, built: Built) -> None:
    analyst = web.client("analyst")
    rows = findings_rows(built)
    assert total(analyst.get("/findings").text) == len(rows)
    by_severity = Counter(r["severity"] for r in rows)
    for severity, count in by_severity.items():
        assert total(analyst.get(f"/findings?severity={severity}").text) == count
    assert total(analyst.get("/findings?severity=CRITICAL&severity=LOW").text) == (
        by_severity["CRITICAL"] + by_severity["LOW"]
    )
    user = Counter(r["user_id"] for r in rows).most_common(1)[0]
    email = next(r["user_email"] for r in rows if r["user_id"] == user[0])
    assert total(analyst.get(f"/findings?user={user[0]}").text) == user[1]
    assert total(analyst.get(f"/findings?user={email.upper()}").text) == user[1]
    source = Counter(r["source"] for r in rows).most_common(1)[0]
    assert total(analyst.get(f"/findings?source={source[0]}").text) == source[1]
    detector = Counter(r["detector"] for r in rows).most_common(1)[0]
    assert total(analyst.get(f"/findings?detector={detector[0]}").text) == detector[1]
    category = Counter(r["category"] for r in rows).most_common(1)[0]
    assert total(analyst.get(f"/findings?category={category[0]}").text) == category[1]
    org = Counter(r["organization_uuid"] for r in rows).most_common(1)[0]
    assert total(analyst.get(f"/findings?organization={org[0]}").text) == org[1]
    day = sorted(r["occurred_at"].date() for r in rows)[len(rows) // 2]
    on_day = sum(1 for r in rows if r["occurred_at"].date() == day)
    assert total(analyst.get(f"/findings?start={day}&end={day}").text) == on_day
    preview = rows[0]["redacted_match"]
    assert total(analyst.get("/findings", params={"q": preview}).text) == sum(
        1 for r in rows if preview.lower() in r["redacted_match"].lower()
    )
    assert total(analyst.get("/findings?range=24h").text) <= len(rows)
    bad = analyst.get("/findings?start=yesterday&severity=SEVERE").text
    assert "not a date" in bad and "ignored unknown severity" in bad


def test_sorting_and_paging_cover_every_finding_once(web: Web, built: Built) -> None:
    analyst = web.client("analyst")
    rows = findings_rows(built)
    seen: list[str] = []
    page = 1
    while True:
        html = analyst.get(f"/findings?per_page=25&sort=severity&order=desc&page={page}").text
        seen += ids(html)
        if 'rel="next"' not in html:
            break
        page += 1
    assert sorted(seen) == sorted(r["finding_id"] for r in rows)
    rank = {"CRITICAL": 4, "HIGH": 3, "MEDIUM": 2, "LOW": 1}
    severity = {r["finding_id"]: rank[r["severity"]] for r in rows}
    ranks = [severity[i] for i in seen]
    assert ranks == sorted(ranks, reverse=True)
    oldest = analyst.get("/findings?sort=occurred_at&order=asc&per_page=25").text
    first = min(rows, key=lambda r: (r["occurred_at"], r["finding_id"]))
    assert ids(oldest)[0] == first["finding_id"] or first["occurred_at"] == min(
        r["occurred_at"] for r in rows
    )


def test_csv_export_is_the_filtered_set_masked_and_audited(web: Web, built: Built) -> None:
    analyst = web.client("analyst")
    rows = [r for r in findings_rows(built) if r["severity"] == "CRITICAL"]
    export = analyst.get("/findings.csv?severity=CRITICAL&sort=detector&order=asc")
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    records = list(csv.DictReader(io.StringIO(export.text)))
    assert sorted(r["finding_id"] for r in records) == sorted(r["finding_id"] for r in rows)
    assert all(r["severity"] == "CRITICAL" and r["status"] == "open" for r in records)
    previews = {r["finding_id"]: r["redacted_match"] for r in rows}
    for record in records:
        expected = previews[record["finding_id"]]
        assert record["redacted_match"] in (expected, "'" + expected)
    assert [r["detector"] for r in records] == sorted(r["detector"] for r in records)
    events, _ = AuditLog(web.engine).recent(action="export_csv")
    assert events[0].actor == "analyst" and events[0].detail["filter"] == [
        ["severity", "CRITICAL"],
        ["sort", "detector"],
        ["order", "asc"],
    ]


def test_detail_shows_masked_context_origin_and_the_same_value_elsewhere(
    web: Web, built: Built
) -> None:
    analyst = web.client("analyst")
    rows = findings_rows(built)
    repeated = Counter(r["fingerprint"] for r in rows).most_common(1)[0]
    finding = next(r for r in rows if r["fingerprint"] == repeated[0] and r["chat_id"])
    page = analyst.get(f"/findings/{finding['finding_id']}").text
    assert finding["redacted_match"] in page
    assert 'id="context"' in page and "masked sev-" in page
    assert f"/conversation/chat/{finding['chat_id']}?finding={finding['finding_id']}" in page
    assert "https://claude.ai/chat/" in page
    assert f"Same value elsewhere <small>({repeated[1] - 1})</small>" in page
    project = next(r for r in rows if r["project_id"] and not r["chat_id"])
    page = analyst.get(f"/findings/{project['finding_id']}").text
    assert f"https://claude.ai/project/{project['project_id']}" in page
    assert analyst.get("/findings/" + "0" * 32).status_code == 404
    viewed = AuditLog(web.engine).recent(action="view_finding")[0]
    assert [e.target for e in viewed] == [project["finding_id"], finding["finding_id"]]


def test_triage_single_and_bulk_with_history_and_filter(web: Web, built: Built) -> None:
    rows = findings_rows(built)
    one, *many = [r["finding_id"] for r in rows[:4]]
    done = web.post(
        "analyst",
        "/findings/triage",
        {
            "finding_id": one,
            "status": "false_positive",
            "note": "test fixture data",
            "next": f"/findings/{one}",
        },
    )
    assert done.status_code == 303 and done.headers["location"] == (
        f"/findings/{one}?notice=triaged"
    )
    analyst = web.client("analyst")
    page = analyst.get(f"/findings/{one}").text
    assert "false positive" in page and "test fixture data" in page and "analyst" in page
    client = analyst
    bulk = client.post(
        "/findings/triage",
        data={
            "finding_id": many,
            "status": "acknowledged",
            "csrf_token": web.csrf["analyst"],
            "next": "/findings?status=acknowledged",
        },
    )
    assert bulk.status_code == 303
    listing = analyst.get("/findings?status=acknowledged").text
    assert sorted(ids(listing)) == sorted(many)
    assert total(analyst.get("/findings?status=open").text) == len(rows) - 4
    assert total(analyst.get("/findings?status=false_positive").text) == 1
    events, count = AuditLog(web.engine).recent(action="triage")
    assert count == 2 and events[0].target == "3 findings"
    refused = web.post("analyst", "/findings/triage", {"finding_id": one, "status": "ignored"})
    assert refused.status_code == 400 and "unknown triage status" in refused.text


def test_suppressions_hide_by_default_and_are_countable(web: Web, built: Built) -> None:
    rows = findings_rows(built)
    fingerprint, count = Counter(r["fingerprint"] for r in rows).most_common(1)[0]
    finding = next(r for r in rows if r["fingerprint"] == fingerprint)
    added = web.post(
        "analyst",
        "/suppressions",
        {"kind": "fingerprint", "finding_id": finding["finding_id"], "note": "test card"},
    )
    assert added.status_code == 303
    analyst = web.client("analyst")
    default = analyst.get("/findings").text
    assert total(default) == len(rows) - count
    assert f"{count} suppressed hidden" in default
    assert total(analyst.get("/findings?suppressed=only").text) == count
    assert total(analyst.get("/findings?suppressed=include").text) == len(rows)
    overview = analyst.get("/?range=all").text
    assert f"{count} suppressed and not counted" in overview
    rules = analyst.get("/suppressions").text
    assert "test card" in rules and f'<td class="num">{count}</td>' in rules
    user_rule = next(r for r in rows if r["fingerprint"] != fingerprint and r["user_id"])
    same = sum(
        1
        for r in rows
        if r["detector"] == user_rule["detector"]
        and r["user_id"] == user_rule["user_id"]
        and r["fingerprint"] != fingerprint
    )
    web.post(
        "analyst", "/suppressions", {"kind": "detector_user", "finding_id": user_rule["finding_id"]}
    )
    assert total(analyst.get("/findings").text) == len(rows) - count - same
    rule_id = re.findall(r"/suppressions/(\d+)/remove", analyst.get("/suppressions").text)
    for rid in rule_id:
        assert web.post("analyst", f"/suppressions/{rid}/remove").status_code == 303
    assert total(analyst.get("/findings").text) == len(rows)
    actions = Counter(e.action for e in AuditLog(web.engine).recent()[0])
    assert actions["suppression_add"] == 2 and actions["suppression_remove"] == 2


def test_the_conversation_view_is_audited_and_highlights_the_finding(
    web: Web, built: Built
) -> None:
    analyst = web.client("analyst")
    page = analyst.get(f"/conversation/chat/{XSS_CHAT}?finding={built.xss_finding_id}").text
    assert 'id="highlight"' in page and "masked sev-CRITICAL target" in page
    events, _ = AuditLog(web.engine).recent(action="view_conversation")
    assert events[0].target == f"chat {XSS_CHAT}" and events[0].actor == "analyst"
    assert analyst.get("/conversation/chat/nope").status_code == 404


def _in_tool_result(message: Any, offset: int) -> bool:
    """Whether `offset` of the message's scanned text falls inside one of its tool results."""
    from compliance_simulator.model import SessionText, SessionToolResult

    at = 0
    for block in message.content:
        if isinstance(block, SessionText):
            text, is_result = block.text, False
        elif isinstance(block, SessionToolResult):
            text, is_result = "\n".join(block.texts), True
        else:
            continue
        if at <= offset < at + len(text):
            return is_result
        at += len(text) + 1
    return False


def test_the_session_view_masks_collapses_tool_results_and_is_audited(
    web: Web, built: Built
) -> None:
    analyst = web.client("analyst")
    messages = built.sim.data.session_messages
    row = next(
        r
        for r in findings_rows(built)
        if r["source"] == "session_message"
        and _in_tool_result(messages[r["source_id"]], r["start_offset"])
    )
    page = analyst.get(f"/conversation/session/{row['session_id']}?finding={row['finding_id']}")
    assert page.status_code == 200
    text = page.text
    assert 'id="highlight"' in text, "the finding's span is marked inside its tool result"
    assert '<details class="file tool" open>' in text, "the result holding it opens"
    assert '<details class="file tool">' in text, "the other tool calls and results stay closed"
    events, _ = AuditLog(web.engine).recent(action="view_conversation")
    assert events[0].target == f"session {row['session_id']}"
    assert analyst.get("/conversation/session/nope").status_code == 404
    detail = analyst.get(f"/findings/{row['finding_id']}").text
    assert f"/conversation/session/{row['session_id']}?finding={row['finding_id']}" in detail
