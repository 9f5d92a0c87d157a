"""Inline SVG charts for the report: no script, no external resource, printable as is."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

from markupsafe import Markup, escape

from claude_compliance.reports.metrics import DayCounts, SeverityCounts
from claude_compliance.vocabulary import SEVERITIES

SEVERITY_COLORS = {
    "CRITICAL": "#b42318",
    "HIGH": "#e8590c",
    "MEDIUM": "#d4a017",
    "LOW": "#3b6fd8",
}
MAX_DAILY_BARS = 62
"""Longer periods are drawn one bar per week."""


def buckets(trend: Sequence[DayCounts]) -> list[tuple[str, SeverityCounts]]:
    """One labelled bar per day, or per 7 days when the period is long."""
    if len(trend) <= MAX_DAILY_BARS:
        return [(f"{d.day:%m-%d}", d.counts) for d in trend]
    weekly: list[tuple[str, SeverityCounts]] = []
    for offset in range(0, len(trend), 7):
        week = trend[offset : offset + 7]
        pairs = [(s, d.counts.of(s)) for d in week for s in SEVERITIES]
        label = f"{week[0].day:%m-%d}" + (
            f"–{week[-1].day:%m-%d}" if week[-1].day - week[0].day >= timedelta(days=1) else ""
        )
        weekly.append((label, SeverityCounts.from_pairs(pairs)))
    return weekly


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10^k at or above `value` (at least 1).

    >>> [nice_ceiling(v) for v in (0, 1, 3, 7, 12, 180)]
    [1, 1, 5, 10, 20, 200]
    """
    if value <= 1:
        return 1
    power = int(10 ** math.floor(math.log10(value)))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def severity_trend(trend: Sequence[DayCounts], *, width: int = 720, height: int = 240) -> Markup:
    """A stacked bar per day (CRITICAL at the bottom), with a y axis and a legend."""
    bars = buckets(trend)
    left, right, top, bottom = 44, 12, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = nice_ceiling(max((c.total for _, c in bars), default=0))
    parts = [
        f'<svg class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Findings per day by severity">'
    ]
    parts.extend(_legend(left, 14))
    for i in range(5):
        value = peak * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#e4e7ec" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">'
            f"{value:g}</text>"
        )
    band = plot_w / max(len(bars), 1)
    label_every = max(1, math.ceil(len(bars) / 16))
    for index, (label, counts) in enumerate(bars):
        x = left + index * band + band * 0.15
        y = top + plot_h
        for severity in SEVERITIES:
            count = counts.of(severity)
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{band * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{SEVERITY_COLORS[severity]}"><title>{escape(label)}: {count} '
                f"{severity}</title></rect>"
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{left + index * band + band / 2:.1f}" y="{top + plot_h + 16}" '
                f'text-anchor="middle" class="axis">{escape(label)}</text>'
            )
    if not any(c.total for _, c in bars):
        parts.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" '
            f'text-anchor="middle" class="empty">No findings in this period</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated label is escaped


def stacked_bar(
    counts: SeverityCounts, scale: int, *, width: int = 180, height: int = 12
) -> Markup:
    """A small horizontal bar of one table row, split by severity, on a shared scale."""
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true">'
    ]
    x = 0.0
    for severity in SEVERITIES:
        count = counts.of(severity)
        if not count:
            continue
        w = width * count / max(scale, 1)
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" '
            f'fill="{SEVERITY_COLORS[severity]}"/>'
        )
        x += w
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - numbers and constant colours only


def _legend(x: int, y: int) -> list[str]:
    parts = []
    for severity in SEVERITIES:
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" '
            f'fill="{SEVERITY_COLORS[severity]}"/>'
            f'<text x="{x + 14}" y="{y}" class="legend">{severity}</text>'
        )
        x += 14 + 8 * len(severity) + 18
    return parts
