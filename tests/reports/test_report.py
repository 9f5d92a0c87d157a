"""Period reports from simulator data: numbers against SQL over the marts, re-runs, PDF, CSV,
email, and no planted value anywhere."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa

from claude_compliance.reports.config import ReportConfig
from claude_compliance.reports.period import Period
from claude_compliance.reports.report import build_report, sync_has_reached
from claude_compliance.settings import Settings
from scanners import load_engine
from tests.reports.conftest import (
    FINGERPRINT_SECRET,
    WINDOW_END,
    WINDOW_START,
    Built,
    leaked,
)
from tests.reports.loopback import SmtpSink, decoded_parts

pytestmark = pytest.mark.slow

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")
REPORT = ReportConfig.from_env({})
"""No recipient: what the tests of the numbers, the HTML and the CSV need."""


def sql(settings: Settings, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(settings.published_db_path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(query, params or []).fetchall()


def by_severity(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    counts = {s.lower(): 0 for s in SEVERITIES}
    for severity, count in rows:
        counts[severity.lower()] = int(count)
    return counts


def pivot(settings: Settings, column: str, bounds: list[datetime]) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    rows = sql(
        settings,
        f"select {column}, severity, count(*) from findings "
        "where occurred_at >= ? and occurred_at < ? group by all",
        bounds,
    )
    for key, severity, count in rows:
        result.setdefault(key, {s.lower(): 0 for s in SEVERITIES})[severity.lower()] = count
    return result


def png_pixels(path: Path) -> tuple[int, int, list[int]]:
    """Width, height and per-pixel brightness (0-255) of an 8-bit gray or RGB PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    depth, color, interlace = data[24], data[25], data[28]
    assert depth == 8 and color in (0, 2) and interlace == 0, (depth, color, interlace)
    bpp = 1 if color == 0 else 3
    idat, at = b"", 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        if data[at + 4 : at + 8] == b"IDAT":
            idat += data[at + 8 : at + 8 + length]
        at += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    brightness: list[int] = []
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):  # PNG filters (RFC 2083 section 6)
            left = line[x - bpp] if x >= bpp else 0
            up, corner = previous[x], (previous[x - bpp] if x >= bpp else 0)
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + pred) & 0xFF
        brightness.extend(sum(line[i : i + bpp]) // bpp for i in range(0, stride, bpp))
        previous = line
    return width, height, brightness


def repeated_fingerprint(built: Built) -> str:
    engine = load_engine(secret=FINGERPRINT_SECRET.encode())
    (finding,) = [f for f in engine.scan(built.repeated_key) if f.category.value == "api_key"]
    return finding.fingerprint


def test_report_numbers_match_sql_over_the_marts(report_settings: Settings, built: Built) -> None:
    settings = report_settings
    result = build_report(
        settings, WINDOW_START.date(), WINDOW_END.date(), config=REPORT, with_pdf=False
    )
    assert result.directory == settings.reports_dir / "2026-11-17_2026-11-20"
    summary = json.loads(result.summary_path.read_text())
    bounds = [WINDOW_START, WINDOW_END]

    # Headline against the findings and scanned_inputs marts.
    expected = by_severity(
        sql(
            settings,
            "select severity, count(*) from findings "
            "where occurred_at >= ? and occurred_at < ? group by 1",
            bounds,
        )
    )
    headline = summary["headline"]
    assert headline["findings"] == expected
    # The period is the whole simulated window: every finding of the warehouse is in it.
    assert sum(expected.values()) == sql(settings, "select count(*) from findings")[0][0] > 20
    assert headline["previous_findings"] == {s.lower(): 0 for s in SEVERITIES}
    inputs, skipped, with_findings = sql(
        settings,
        "select count(*), count(*) filter (where skipped_reason is not null), "
        "count(*) filter (where finding_count > 0) from scanned_inputs "
        "where occurred_at >= ? and occurred_at < ?",
        bounds,
    )[0]
    assert (headline["inputs_scanned"], headline["inputs_skipped"]) == (inputs, skipped)
    assert headline["inputs_with_findings"] == with_findings
    users, fingerprints = sql(
        settings,
        "select count(distinct user_id), count(distinct fingerprint) from findings "
        "where occurred_at >= ? and occurred_at < ?",
        bounds,
    )[0]
    assert (headline["users_with_findings"], headline["distinct_fingerprints"]) == (
        users,
        fingerprints,
    )

    # The trend equals findings_daily, and findings counted per UTC day.
    trend = {d["day"]: d["counts"] for d in summary["trend"]}
    assert list(trend) == ["2026-11-17", "2026-11-18", "2026-11-19"]
    daily: dict[str, dict[str, int]] = {day: {s.lower(): 0 for s in SEVERITIES} for day in trend}
    for day, severity, count in sql(
        settings, "select day, severity, sum(finding_count) from findings_daily group by all"
    ):
        daily[day.isoformat()][severity.lower()] = int(count)
    assert trend == daily
    per_day = sql(
        settings,
        "select cast(occurred_at as date), count(*) from findings group by 1 order by 1",
    )
    assert {d.isoformat(): n for d, n in per_day} == {
        day: sum(c.values()) for day, c in trend.items() if sum(c.values())
    }

    # Breakdowns by source, category and organization.
    for section, column in (
        ("by_source", "source"),
        ("by_category", "category"),
        ("by_organization", "organization_uuid"),
    ):
        assert {row["key"]: row["counts"] for row in summary[section]} == pivot(
            settings, column, bounds
        ), section
    names = dict(sql(settings, "select organization_uuid, organization_name from organizations"))
    assert {r["key"]: r["label"] for r in summary["by_organization"]} == {
        r["key"]: names[r["key"]] for r in summary["by_organization"]
    }

    # Top users: over the whole window they are exactly the user_risk mart's ranking.
    risk = {
        (user_id, org): (score, crit, high, med, low, scanned, with_f)
        for user_id, org, score, crit, high, med, low, scanned, with_f in sql(
            settings,
            "select user_id, organization_uuid, risk_score, critical_count, high_count, "
            "medium_count, low_count, inputs_scanned, inputs_with_findings from user_risk "
            "where finding_count > 0",
        )
    }
    top = summary["top_users"]
    assert len(top) == min(10, len(risk))
    for user in top:
        counts = user["counts"]
        assert risk[(user["user_id"], user["organization_uuid"])] == (
            user["risk_score"],
            counts["critical"],
            counts["high"],
            counts["medium"],
            counts["low"],
            user["inputs_scanned"],
            user["inputs_with_findings"],
        )
    assert [u["risk_score"] for u in top] == sorted((v[0] for v in risk.values()), reverse=True)[
        : len(top)
    ]

    # Values seen across several users: the repeated key, three users, ten times.
    shared = {
        fp
        for (fp,) in sql(
            settings,
            "select fingerprint from findings where occurred_at >= ? and occurred_at < ? "
            "group by 1 having count(distinct user_id) >= 2",
            bounds,
        )
    }
    assert {f["fingerprint"] for f in summary["shared_fingerprints"]} == shared
    assert summary["shared_fingerprints_total"] == len(shared)
    (repeated,) = [
        f for f in summary["shared_fingerprints"] if f["fingerprint"] == repeated_fingerprint(built)
    ]
    assert (repeated["users"], repeated["occurrences"], repeated["category"]) == (3, 10, "api_key")
    assert repeated["severity"] == "CRITICAL" and "…" in repeated["preview"]

    # Sync completeness: the key synced every resource for each of the three days.
    sync = summary["sync"]
    assert sync["is_available"] and sync["failures"] == []
    assert [k["key_id"] for k in sync["keys"]] == [built.key_id]
    assert [share for _, share in sync["keys"][0]["days"]] == [1.0, 1.0, 1.0]
    resources = {r for (r,) in sql(settings, "select distinct resource from sync_ledger")}
    assert {r["resource"] for r in sync["resources"]} == resources
    assert all(r["coverage"] == 1.0 for r in sync["resources"])
    ok_rows = dict(
        sql(
            settings,
            "select resource, sum(records) from sync_ledger where status = 'ok' group by 1",
        )
    )
    assert {r["resource"]: r["records"] for r in sync["resources"]} == ok_rows

    # Triage: nothing decided yet, so every new finding is open.
    total = sum(expected.values())
    assert summary["triage"]["new_by_status"]["open"] == total
    assert summary["triage"]["open_at_end"] == total

    # The HTML shows the same numbers, and the CSV holds exactly the period's findings.
    html = result.html_path.read_text()
    shown = dict(re.findall(r'data-metric="(\w+)">([\d,]+)<', html))
    assert int(shown["findings"].replace(",", "")) == total
    for severity in SEVERITIES:
        assert int(shown[f"findings_{severity.lower()}"]) == expected[severity.lower()]
    assert int(shown["inputs_scanned"].replace(",", "")) == inputs
    rows = list(csv.DictReader(io.StringIO(result.csv_path.read_text())))
    ids = {fid for (fid,) in sql(settings, "select finding_id from findings")}
    assert len(rows) == total and {r["finding_id"] for r in rows} == ids
    assert {r["triage_status"] for r in rows} == {"open"}
    assert all(r["dashboard_url"].endswith("/findings/" + r["finding_id"]) for r in rows)
    # Self-contained: no script, stylesheet link, remote image or font.
    assert not re.search(r"<script|<link|<img|@import|url\(|src=", html)
    assert leaked([html, result.csv_path.read_text(), result.summary_path.read_text()], built) == []
    # The leak check itself finds a value, also when a PDF line break splits it.
    value = max(built.planted, key=len)
    assert leaked([f"x {value[:9]}\n{value[9:]} y", built.compliance_key], built) == sorted(
        {value, built.compliance_key}
    )


def _resolve_during_period(
    settings: Settings, finding_id: str, fingerprint: str, at: datetime
) -> None:
    """A decision taken during the period: recorded now, then dated back to `at`."""
    from claude_compliance import runtime
    from claude_compliance.state.schema import triage_events_table
    from claude_compliance.state.triage import FindingRef, TriageStatus, TriageStore

    engine = runtime.state_engine(settings)
    TriageStore(engine).set_status(
        [FindingRef(finding_id, fingerprint)], TriageStatus.RESOLVED, actor="analyst"
    )
    with engine.begin() as conn:
        conn.execute(
            sa.update(triage_events_table)
            .where(triage_events_table.c.finding_id == finding_id)
            .values(created_at=at)
        )


def test_rerunning_a_past_period_gives_the_same_numbers(
    report_settings: Settings, built: Built
) -> None:
    from claude_compliance import runtime
    from claude_compliance.state.triage import FindingRef, TriageStatus, TriageStore

    settings = report_settings
    start, end = WINDOW_START.date(), WINDOW_START.date() + timedelta(days=2)
    period = Period(start, end)
    (first, fingerprint), *others = sql(
        settings,
        "select finding_id, fingerprint from findings where occurred_at >= ? and occurred_at < ? "
        "order by occurred_at, finding_id",
        [period.start_at, period.end_at],
    )
    _resolve_during_period(settings, first, fingerprint, period.start_at + timedelta(hours=30))

    before = build_report(
        settings, start, end, config=REPORT, with_pdf=False, now=datetime(2026, 11, 23, tzinfo=UTC)
    )
    summary = json.loads(before.summary_path.read_text())
    assert summary["triage"]["resolved_in_period"] == 1
    assert summary["triage"]["new_by_status"]["resolved"] == 1
    assert summary["trend"][-1]["day"] == "2026-11-18"
    frozen = before.summary_path.read_bytes()
    frozen_csv = before.csv_path.read_bytes()

    # After the period: more triage (reopening the resolved one), a suppression, time passing.
    store = TriageStore(runtime.state_engine(settings))
    store.set_status([FindingRef(first, fingerprint)], TriageStatus.OPEN, actor="analyst")
    store.set_status(
        [FindingRef(fid, fp) for fid, fp in others[:3]], TriageStatus.FALSE_POSITIVE, actor="a"
    )
    store.add_suppression("fingerprint", fingerprint=repeated_fingerprint(built), actor="a")

    after = build_report(
        settings, start, end, config=REPORT, with_pdf=False, now=datetime(2027, 3, 1, tzinfo=UTC)
    )
    assert after.summary_path.read_bytes() == frozen
    assert after.csv_path.read_bytes() == frozen_csv
    assert "2027-03-01" in after.html_path.read_text()  # only the footer moved

    # The next period sees the later decisions.
    later = build_report(settings, end, WINDOW_END.date(), config=REPORT, with_pdf=False)
    triage = json.loads(later.summary_path.read_text())["triage"]
    assert triage["false_positive_in_period"] == 0  # decided today, after that period too
    current = build_report(
        settings, start, WINDOW_END.date() + timedelta(days=30), config=REPORT, with_pdf=False
    )
    triage = json.loads(current.summary_path.read_text())["triage"]
    assert triage["false_positive_in_period"] == 3
    assert triage["new_suppressed"] == 10


def test_pdf_renders_and_leaks_nothing(
    report_settings: Settings, built: Built, tmp_path: Path
) -> None:
    result = build_report(
        report_settings, WINDOW_START.date(), WINDOW_END.date(), config=ReportConfig.from_env()
    )
    assert result.pdf_path is not None and result.pdf_path.read_bytes()[:5] == b"%PDF-"
    subprocess.run(
        [
            "pdftoppm",
            "-f",
            "1",
            "-l",
            "1",
            "-r",
            "50",
            "-gray",
            "-png",
            str(result.pdf_path),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("page*.png")
    width, height, pixels = png_pixels(png)
    assert (width, height) == (414, 585)  # A4 at 50 dpi
    ink = sum(1 for p in pixels if p < 160) / len(pixels)
    assert 0.01 < ink < 0.5, ink  # text, cards and the chart; not blank, not a black page
    text = subprocess.run(
        ["pdftotext", "-layout", str(result.pdf_path), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "Claude Compliance report" in text and "2026-11-17 to 2026-11-19" in text
    assert "Values seen across several users" in text and "Sync completeness" in text
    # The headline cards as printed: labels, then the five numbers beneath them.
    lines = [line.split() for line in text.splitlines() if line.strip()]
    labels = next(i for i, words in enumerate(lines) if words[:2] == ["FINDINGS", "CRITICAL"])
    counts = result.data.headline.findings
    assert lines[labels + 1] == [
        str(n) for n in (counts.total, counts.critical, counts.high, counts.medium, counts.low)
    ]
    outputs = [text, result.html_path.read_text(), result.csv_path.read_text()]
    assert leaked(outputs, built) == []


def test_report_command_emails_the_pdf_and_csv(
    report_settings: Settings, built: Built, tmp_path: Path
) -> None:
    with SmtpSink() as sink:
        env = {
            **os.environ,
            "AIRFLOW_HOME": str(tmp_path / "airflow"),
            "AIRFLOW_CONN_SMTP_DEFAULT": sink.airflow_connection(),
            "CLAUDE_COMPLIANCE_REPORT_EMAIL_TO": "ciso@example.org, audit@example.org",
        }
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "claude_compliance.cli",
                "report",
                "--start",
                "2026-11-17",
                "--end",
                "2026-11-20",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert proc.returncode == 0, proc.stderr
        assert "emailed to ciso@example.org, audit@example.org" in proc.stdout
        (message,) = sink.messages()
    total = sql(report_settings, "select count(*) from findings")[0][0]
    assert message["Subject"].startswith("Claude Compliance report 2026-11-17 to 2026-11-19:")
    assert f"{total} findings" in message["Subject"]
    assert message["To"] == "ciso@example.org, audit@example.org"
    parts = list(decoded_parts(message))
    files = {name: data for _, name, data in parts if name}
    assert set(files) == {"report.pdf", "findings.csv"}
    assert files["report.pdf"][:5] == b"%PDF-"
    stored = report_settings.reports_dir / "2026-11-17_2026-11-20"
    assert files["findings.csv"] == (stored / "findings.csv").read_bytes()
    body = next(data for kind, name, data in parts if kind == "text/html" and not name)
    assert f"<strong>{total}</strong> findings" in body.decode()
    texts = [data.decode("utf-8", "replace") for _, _, data in parts] + [proc.stdout, proc.stderr]
    assert leaked(texts, built) == []


def test_sync_has_reached_follows_the_ledger(report_settings: Settings) -> None:
    assert sync_has_reached(report_settings, Period(WINDOW_START.date(), WINDOW_END.date()))
    assert not sync_has_reached(
        report_settings, Period(WINDOW_START.date(), WINDOW_END.date() + timedelta(days=1))
    )
