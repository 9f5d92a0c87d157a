"""Changing the rules and rescanning a range: findings_changes shows exactly the difference."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from claude_compliance.pipeline import rescan_range
from tests.fixtures.simulator import ANCHOR
from tests.fixtures.warehouse import DAYS, Published, copy_home, use_home

pytestmark = pytest.mark.slow

RULES = """
version = 1
disable = ["email"]

[[detectors]]
id = "acme-worker-restart"
category = "api_key"
severity = "HIGH"
regex = 'worker (?P<value>[0-9]{1,2}) restarted'
true_positives = ["worker 12 restarted"]
false_positives = ["worker restarted"]
"""


def findings(db: Path) -> dict[str, tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select finding_id, detector, ruleset_version from findings").fetchall()
    return {fid: (detector, version) for fid, detector, version in rows}


def test_rescan_with_new_rules_reports_exactly_what_changed(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The session's published home (synced, scanned, built) copied: the rescan starts from it.
    home = copy_home(published, tmp_path / "home")
    settings = use_home(monkeypatch, home, published.env)
    start, end = ANCHOR - timedelta(days=DAYS), ANCHOR
    before = findings(settings.published_db_path)
    assert any(detector == "email" for detector, _ in before.values())

    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    new_settings = dataclasses.replace(settings, rules_path=rules)
    scans = rescan_range(new_settings, start, end)
    assert len(scans) == DAYS
    after = findings(settings.published_db_path)

    old_version = {v for _, v in before.values()}
    new_version = {v for _, v in after.values()}
    assert len(old_version) == len(new_version) == 1 and old_version != new_version
    assert not any(detector == "email" for detector, _ in after.values())
    assert any(detector == "acme-worker-restart" for detector, _ in after.values())

    with duckdb.connect(str(settings.published_db_path), read_only=True) as con:
        changes = con.execute(
            "select change, finding_id, from_ruleset_version, to_ruleset_version "
            "from findings_changes"
        ).fetchall()
        scanned = con.execute("select distinct ruleset_version from scanned_inputs").fetchall()
    added = {fid for change, fid, _, _ in changes if change == "added"}
    removed = {fid for change, fid, _, _ in changes if change == "removed"}
    assert added == set(after) - set(before)
    assert removed == set(before) - set(after)
    assert added and removed
    assert {(f, t) for _, _, f, t in changes} == {(old_version.pop(), new_version.pop())}
    assert len(scanned) == 1  # the mart shows only the latest scan of each input

    # Rescanning again with the same rules changes nothing and duplicates nothing.
    rescan_range(new_settings, start, end)
    assert findings(settings.published_db_path) == after
