"""HTML rendering with Jinja2 (autoescaped: names and emails come from the API, untrusted)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from claude_compliance import charts
from claude_compliance.reports.metrics import DayCounts, ReportData, SeverityCounts
from claude_compliance.vocabulary import RISK_WEIGHTS, SEVERITIES

MAX_DAILY_BARS = 62
"""Longer periods are drawn one bar per week."""


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("claude_compliance.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = number
    env.filters["ts"] = timestamp
    env.globals.update(
        severities=SEVERITIES,
        short={"CRITICAL": "Crit.", "HIGH": "High", "MEDIUM": "Med.", "LOW": "Low"},
        delta=delta,
        pct=percent,
        pct_f=share,
        cov_class=coverage_class,
        bar=row_bar,
        risk_formula=" + ".join(f"{w:g} × {s}" for s, w in RISK_WEIGHTS.items()),
    )
    return env


def trend_bars(trend: Sequence[DayCounts]) -> list[charts.Bar]:
    """One labelled bar per day, or per 7 days when the period is long."""
    if len(trend) <= MAX_DAILY_BARS:
        return [(f"{d.day:%m-%d}", d.counts.by_severity) for d in trend]
    weekly: list[charts.Bar] = []
    for offset in range(0, len(trend), 7):
        week = trend[offset : offset + 7]
        pairs = [(s, d.counts.of(s)) for d in week for s in SEVERITIES]
        label = f"{week[0].day:%m-%d}" + (
            f"–{week[-1].day:%m-%d}" if week[-1].day - week[0].day >= timedelta(days=1) else ""
        )
        weekly.append((label, SeverityCounts.from_pairs(pairs).by_severity))
    return weekly


def row_bar(counts: SeverityCounts, scale: int) -> Markup:
    """The small per-row bar of a breakdown table."""
    return charts.stacked_bar(counts.by_severity, scale)


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def report_html(
    data: ReportData,
    *,
    generated_at: datetime,
    key_labels: Mapping[str, str],
    triage_available: bool,
) -> str:
    return render(
        "report.html",
        data=data,
        trend_chart=charts.stacked_bars(trend_bars(data.trend), legend=True),
        generated_at=generated_at,
        key_labels=key_labels,
        triage_available=triage_available,
    )


def number(value: int | float) -> str:
    return f"{value:,}"


def timestamp(value: datetime | None) -> str:
    """Minutes in UTC; tables say "(UTC)" in their header."""
    if value is None:
        return "–"
    moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%d %H:%M")


def delta(current: int, previous: int) -> str:
    """'+3 (+50%)', '−2 (−40%)', '±0', or '+5 (new)' when the previous period had none."""
    change = current - previous
    if change == 0:
        return "±0"
    sign = "+" if change > 0 else "−"
    if previous == 0:
        return f"{sign}{abs(change):,} (new)"
    return f"{sign}{abs(change):,} ({sign}{abs(change) / previous:.0%})"


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "–"


def share(value: float) -> str:
    return f"{value:.1%}"


def coverage_class(value: float) -> str:
    if value >= 0.999:
        return "cov-full"
    return "cov-part" if value > 0 else "cov-none"
