"""HTML rendering with Jinja2 (autoescaped: names and emails come from the API, untrusted)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from claude_compliance.reports import charts
from claude_compliance.reports.metrics import ReportData
from claude_compliance.vocabulary import RISK_WEIGHTS, SEVERITIES


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
        bar=charts.stacked_bar,
        risk_formula=" + ".join(f"{w:g} × {s}" for s, w in RISK_WEIGHTS.items()),
    )
    return env


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
        trend_chart=charts.severity_trend(data.trend),
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
