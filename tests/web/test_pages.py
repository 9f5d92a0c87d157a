"""Overview, users by risk, sync health, activity and directory, and their empty states."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from claude_compliance.web.aggregates import overview
from claude_compliance.web.findings import MARKS_SCHEMA
from claude_compliance.web.warehouse import Warehouse
from tests.web.fixtures import Built, Web, findings_rows

pytestmark = pytest.mark.slow  # the session fixture runs the pipeline (~20 s)


def stat(page: str, severity: str) -> int:
    match = re.search(rf'data-severity="{severity}">([\d,]+)<', page)
    assert match is not None
    return int(match.group(1).replace(",", ""))


def test_overview_counts_match_the_warehouse(web: Web, built: Built) -> None:
    rows = findings_rows(built)
    page = web.client("viewer").get("/?range=all").text
    for severity, count in Counter(r["severity"] for r in rows).items():
        assert stat(page, severity) == count
    assert "<svg" in page and "Trend by severity" in page
    with duckdb.connect(str(built.settings.published_db_path), read_only=True) as con:
        scanned, with_findings = con.execute(
            "select count(*), count(*) filter (where finding_count > 0) from scanned_inputs "
            "where skipped_reason is null"
        ).fetchall()[0]
    assert f"({with_findings} of {scanned})" in page
    top = Counter(r["detector"] for r in rows).most_common(1)[0][0]
    assert f">{top}</text>" in page


def test_overview_counts_what_was_not_scanned_by_reason(web: Web, built: Built) -> None:
    """Encrypted documents, images, broken files and unavailable session content are counted
    by reason, the same numbers as the warehouse's scanned_inputs."""
    with duckdb.connect(str(built.settings.published_db_path), read_only=True) as con:
        expected = dict(
            con.execute(
                "select split_part(skipped_reason, ':', 1), count(*) from scanned_inputs "
                "where skipped_reason is not null group by 1"
            ).fetchall()
        )
    assert {"encrypted", "image", "extraction_failed", "content_unavailable"} <= set(expected)
    page = web.client("viewer").get("/?range=all").text
    shown = dict(re.findall(r'data-reason="([^"]+)">[^<]*</td><td class="num">([\d,]+)<', page))
    assert {k: int(v.replace(",", "")) for k, v in shown.items()} == expected


def test_the_trend_from_findings_daily_equals_the_trend_from_findings(built: Built) -> None:
    warehouse = Warehouse(built.settings.published_db_path)
    none = MARKS_SCHEMA.empty_table()
    # a suppression on no existing row: the trend is computed from `findings`, hiding nothing
    nothing_hidden = pa.table(
        {
            "rid": pa.array([-1], pa.int64()),
            "status": pa.array([None], pa.string()),
            "suppression_id": pa.array([1], pa.int64()),
        }
    )
    today = date(2026, 11, 20)
    daily = overview(warehouse, none, days=None, organization=None, today=today)
    direct = overview(warehouse, nothing_hidden, days=None, organization=None, today=today)
    assert daily.trend_source == "findings_daily" and direct.trend_source == "findings"
    assert daily.days == direct.days and daily.trend == direct.trend
    assert sum(sum(v) for v in daily.trend.values()) == daily.total == direct.total
    last_week = overview(warehouse, none, days=7, organization=None, today=today)
    assert last_week.start == date(2026, 11, 14) and len(last_week.days) == 7


def test_users_by_risk(web: Web, built: Built) -> None:
    page = web.client("viewer").get("/risk").text
    with duckdb.connect(str(built.settings.published_db_path), read_only=True) as con:
        top = con.execute(
            "select user_email, risk_score from user_risk order by risk_score desc, user_id limit 1"
        ).fetchall()[0]
    assert top[0] in page and f"<strong>{top[1]:,.1f}</strong>" in page
    assert page.index(top[0]) < page.index("</tbody>")


def test_sync_health_lists_every_key_and_resource(web: Web, built: Built) -> None:
    page = web.client("viewer").get("/sync").text
    with duckdb.connect(str(built.settings.published_db_path), read_only=True) as con:
        resources = [
            r[0]
            for r in con.execute("select distinct resource from sync_ledger order by 1").fetchall()
        ]
    assert len(resources) >= 5
    for resource in resources:
        assert f"<td>{resource}</td>" in page
    assert built.key_id in page and "run-ok" in page


def test_activity_filters(web: Web, built: Built) -> None:
    analyst = web.client("analyst")
    page = analyst.get("/activity").text
    assert f"{built.counts['activities']:,} activities" in page
    logins = analyst.get("/activity?group=logins").text
    types = re.findall(r"<td><code>([a-z_]+)</code></td>", logins)
    assert types and all("login" in t or "logout" in t for t in types)
    chats = re.findall(
        r"<td><code>([a-z_]+)</code></td>", analyst.get("/activity?group=chats").text
    )
    assert chats and all(t.startswith("claude_chat_") for t in chats)
    with duckdb.connect(str(built.settings.published_db_path), read_only=True) as con:
        actor, count = con.execute(
            "select actor_email, count(*) from activities where actor_email is not null "
            "group by 1 order by 2 desc limit 1"
        ).fetchall()[0]
    assert f"{count:,} activities" in analyst.get(f"/activity?user={actor}").text
    assert "0 activities" not in analyst.get("/activity?start=2026-11-17&end=2026-11-19").text


def test_directory_lists_organizations_users_chats_and_projects(web: Web, built: Built) -> None:
    analyst = web.client("analyst")
    page = analyst.get("/directory").text
    with duckdb.connect(str(built.settings.published_db_path), read_only=True) as con:
        orgs = con.execute("select organization_uuid, user_count from organizations").fetchall()
        chats = con.execute("select count(*) from chats").fetchall()[0][0]
    for uuid, _ in orgs:
        assert uuid in page
    assert f"{built.counts['users']} users" in page
    org, users = orgs[0]
    assert f"{users} users" in analyst.get(f"/directory?organization={org}").text
    assert f"{chats} chats" in analyst.get("/directory/chats").text
    assert "projects" in analyst.get("/directory/projects").text


@pytest.fixture
def bare(built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The same app over a home whose warehouse lacks the newer marts (then none at all)."""
    for name, value in built.env.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "home"
    (home / "warehouse").mkdir(parents=True)
    shutil.copy(built.settings.published_db_path, home / "warehouse" / "compliance.duckdb")
    with duckdb.connect(str(home / "warehouse" / "compliance.duckdb")) as con:
        for table in ("findings_daily", "user_risk", "sync_ledger", "findings_changes"):
            con.execute(f"drop table {table}")
    settings = dataclasses.replace(
        built.settings, home=home, state_db_url=f"sqlite:///{tmp_path / 'state.db'}"
    )
    web = Web.__new__(Web)
    Web.__init__(web, dataclasses.replace(built, settings=settings), tmp_path)
    return web


def test_pages_show_empty_states_when_marts_or_the_warehouse_are_missing(bare: Web) -> None:
    admin = bare.client("admin")
    assert "not in the warehouse yet" in admin.get("/risk").text
    assert "not in the warehouse yet" in admin.get("/sync").text
    assert "Trend by severity" in admin.get("/?range=all").text  # from findings instead
    (bare.settings.published_db_path).unlink()
    for path in (
        "/",
        "/findings",
        "/risk",
        "/sync",
        "/activity",
        "/directory",
        "/directory/chats",
        "/keys",
        "/suppressions",
    ):
        response = admin.get(path)
        assert response.status_code == 200, path
    assert "No published warehouse yet" in admin.get("/findings").text
    assert admin.get("/findings.csv").status_code == 503
