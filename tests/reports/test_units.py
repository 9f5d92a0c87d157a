"""Fast tests of the pieces: periods, charts, CSV cells, masking guard, triage as of a moment,
the alert ledger's claims, and the DAG's period rule."""

from __future__ import annotations

import doctest
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from claude_compliance import charts
from claude_compliance.reports import findings_csv, period, render
from claude_compliance.reports.config import ReportConfig, redact_url
from claude_compliance.reports.deliveries import AlertLedger
from claude_compliance.reports.findings import WITHHELD, safe_preview
from claude_compliance.reports.metrics import (
    Breakdown,
    DayCounts,
    Headline,
    ReportData,
    SeverityCounts,
    SyncSection,
    TriageSummary,
    UserRisk,
)
from claude_compliance.reports.period import Period
from claude_compliance.reports.triage import FindingRef, StateTriage, TriageStatus, state_of
from claude_compliance.settings import Settings, SettingsError


@pytest.mark.parametrize("module", [period, charts, findings_csv])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module, raise_on_error=False)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


def test_a_period_is_whole_utc_days() -> None:
    weekly = Period.from_interval(
        datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC)
    )
    assert (weekly.label, weekly.days, str(weekly)) == (
        "2026-11-16_2026-11-23",
        7,
        "2026-11-16 to 2026-11-22",
    )
    assert (
        Period.from_interval(
            datetime(2026, 11, 16, 6, tzinfo=UTC), datetime(2026, 11, 23, 6, tzinfo=UTC)
        )
        == weekly
    )
    with pytest.raises(ValueError, match="whole days"):
        Period.from_interval(
            datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 16, 1, tzinfo=UTC)
        )
    with pytest.raises(ValueError, match="must be after"):
        Period(date(2026, 11, 16), date(2026, 11, 16))


def test_long_periods_chart_one_bar_per_week() -> None:
    trend = [
        DayCounts(date(2026, 1, 1) + timedelta(days=i), SeverityCounts(critical=1, low=i % 2))
        for i in range(90)
    ]
    bars = render.trend_bars(trend)
    assert len(bars) == 13 and bars[0][0] == "01-01–01-07"
    assert sum(sum(c.values()) for _, c in bars) == sum(d.counts.total for d in trend)
    svg = charts.stacked_bars(bars, legend=True)
    assert svg.count("<rect") == 4 + 13 * 2  # legend + two severities per bar
    assert "No findings in this period" not in svg
    daily = render.trend_bars(trend[:62])
    assert len(daily) == 62 and daily[0] == (
        "01-01",
        {"CRITICAL": 1, "HIGH": 0, "MEDIUM": 0, "LOW": 0},
    )
    empty = charts.stacked_bars(render.trend_bars([DayCounts(date(2026, 1, 1), SeverityCounts())]))
    assert "No findings in this period" in empty and "<rect" not in empty


@pytest.mark.parametrize(
    ("counts", "top"),
    [({}, 1), ({"LOW": 3}, 5), ({"CRITICAL": 7, "LOW": 5}, 20), ({"HIGH": 200}, 200)],
)
def test_the_trend_axis_tops_at_a_round_number_above_the_tallest_bar(
    counts: dict[str, int], top: int
) -> None:
    svg = charts.stacked_bars([("d1", counts), ("d2", {})])
    assert f'text-anchor="end">{top}</text>' in svg
    # Both the dashboard (CSS classes) and a mailed report (inline fills) can colour a bar.
    for severity in counts:
        assert f'class="sev-{severity}"' in svg
        assert f'fill="{charts.SEVERITY_COLORS[severity]}"' in svg


def test_names_from_the_api_are_escaped_in_the_report() -> None:
    day = date(2026, 11, 16)
    data = ReportData(
        period=Period(day, day + timedelta(days=1)),
        headline=Headline(SeverityCounts(critical=1), SeverityCounts(), 1, 0, 1, 1, 1, 1),
        trend=(DayCounts(day, SeverityCounts(critical=1)),),
        by_source=(),
        by_category=(),
        by_organization=(Breakdown("o1", "<script>alert(1)</script>", SeverityCounts(1)),),
        top_users=(
            UserRisk(
                "u1",
                "o1",
                '"><img src=x onerror=alert(1)>',
                None,
                SeverityCounts(1),
                1,
                1,
                None,
                10.0,
            ),
        ),
        triage=TriageSummary({"open": 1}, 0, 0, 0, 1),
        sync=SyncSection(is_available=False),
        shared_fingerprints=(),
        shared_fingerprints_total=0,
    )
    html = render.report_html(
        data, generated_at=datetime(2026, 11, 17, tzinfo=UTC), key_labels={}, triage_available=True
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "<img" not in html


def test_render_helpers() -> None:
    assert render.delta(5, 0) == "+5 (new)" and render.delta(3, 4) == "−1 (−25%)"
    assert render.delta(2, 2) == "±0" and render.percent(1, 0) == "–"


def test_the_masking_guard_withholds_anything_unmasked() -> None:
    assert safe_preview("sk-ant-api03-…k2AA") == "sk-ant-api03-…k2AA"
    assert safe_preview("•••-••-6789") == "•••-••-6789"
    assert safe_preview("hunter2-plaintext") == WITHHELD
    assert safe_preview(None) == WITHHELD


def test_webhook_urls_are_redacted_to_scheme_host_port() -> None:
    assert (
        redact_url("https://hooks.slack.com/services/T0/B0/xyz?token=1")
        == "https://hooks.slack.com/…"
    )
    assert redact_url("http://127.0.0.1:8088/services/collector") == "http://127.0.0.1:8088/…"


def test_report_config_validates_recipients_and_chromium() -> None:
    config = ReportConfig.from_env({"CLAUDE_COMPLIANCE_REPORT_EMAIL_TO": "a@x.org; b@y.org"})
    assert config.email_to == ("a@x.org", "b@y.org") and config.smtp_conn_id == "smtp_default"
    with pytest.raises(SettingsError, match="CLAUDE_COMPLIANCE_CHROMIUM"):
        ReportConfig.from_env({"CLAUDE_COMPLIANCE_CHROMIUM": "/nonexistent/chromium"})


def test_triage_as_of_a_moment_replays_decisions_and_suppressions(settings: Settings) -> None:
    from claude_compliance import runtime
    from claude_compliance.state.schema import suppressions_table, triage_events_table
    from claude_compliance.state.triage import FindingRef as StateRef
    from claude_compliance.state.triage import TriageStore

    engine = runtime.state_engine(settings)
    store = TriageStore(engine)
    store.set_status([StateRef("f1", "aa")], "acknowledged", actor="a")
    store.set_status([StateRef("f1", "aa")], "resolved", actor="a")
    store.set_status([StateRef("f2", "bb")], "false_positive", actor="a")
    rule = store.add_suppression("fingerprint", fingerprint="cc", actor="a")
    store.add_suppression("detector_user", detector="ssn", user_id="u9", actor="a")
    store.remove_suppression(rule.suppression_id, actor="a")
    t = [datetime(2026, 11, d, tzinfo=UTC) for d in (1, 2, 3, 4, 5)]
    with engine.begin() as conn:
        events = triage_events_table
        ids = [
            r.event_id
            for r in conn.execute(sa.select(events.c.event_id).order_by(events.c.event_id))
        ]
        for event_id, moment in zip(ids, (t[0], t[2], t[1]), strict=True):
            conn.execute(
                sa.update(events).where(events.c.event_id == event_id).values(created_at=moment)
            )
        rules = suppressions_table
        conn.execute(
            sa.update(rules)
            .where(rules.c.fingerprint == "cc")
            .values(created_at=t[1], removed_at=t[3])
        )
        conn.execute(sa.update(rules).where(rules.c.detector == "ssn").values(created_at=t[2]))
    refs = [
        FindingRef("f1", "aa"),
        FindingRef("f2", "bb"),
        FindingRef("f3", "cc"),
        FindingRef("f4", "dd", "ssn", "u9"),
    ]
    view = StateTriage(engine)

    def at(moment: datetime) -> dict[str, tuple[str, bool]]:
        return {
            k: (v.status.value, v.is_suppressed) for k, v in view.states(refs, as_of=moment).items()
        }

    assert at(t[0] - timedelta(hours=1)) == {}
    assert at(t[0]) == {"f1": ("acknowledged", False)}
    assert at(t[1]) == {
        "f1": ("acknowledged", False),
        "f2": ("false_positive", False),
        "f3": ("open", True),
    }
    assert at(t[2] + timedelta(hours=1)) == {
        "f1": ("resolved", False),
        "f2": ("false_positive", False),
        "f3": ("open", True),
        "f4": ("open", True),
    }
    assert "f3" not in at(t[4]) and at(t[4])["f4"] == ("open", True)
    now = view.states(refs)  # the library's own answer for the present
    assert now["f1"].status is TriageStatus.RESOLVED and now["f4"].is_suppressed
    assert "f3" not in now and not state_of(now, "f3").is_suppressed  # missing: untriaged


def test_alert_claims_are_exclusive_and_released_on_failure(settings: Settings) -> None:
    from claude_compliance import runtime

    ledger = AlertLedger(runtime.state_engine(settings))
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    alerts = {"fp1": ("f1", "CRITICAL", "api_key"), "fp2": ("f2", "CRITICAL", "ssn")}
    assert ledger.claim("webhook", alerts, now=now) == ["fp1", "fp2"]
    assert ledger.claim("webhook", alerts, now=now) == []  # an overlapping run gets nothing
    assert ledger.claim("email", alerts, now=now) == ["fp1", "fp2"]  # channels are separate
    ledger.confirm("webhook", ["fp1"], now=now)
    ledger.release("webhook", ["fp1", "fp2"])  # a delivered one is never released
    assert ledger.delivered("webhook", ["fp1", "fp2"]) == {"fp1"}
    assert ledger.claim("webhook", alerts, now=now) == ["fp2"]
    # A claim abandoned by a killed worker expires.
    assert ledger.claim("webhook", alerts, now=now + timedelta(minutes=31)) == ["fp2"]
