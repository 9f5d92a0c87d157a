"""Charts drawn server-side as inline SVG, for the dashboard and the reports alike.

No script, no CDN, readable without JavaScript and printable as is. Every label passes
through `escape`; numbers are formatted here. Severity shapes carry both a CSS class
(`sev-CRITICAL`, …, so the dashboard's stylesheet owns its palette: CSS outranks a
presentation attribute) and a `fill` (so a report mailed or printed without that stylesheet
keeps its colours). It lives beside `web/` and `reports/` so neither imports the other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

from claude_compliance.vocabulary import SEVERITIES

SEVERITY_COLORS: Mapping[str, str] = {
    "CRITICAL": "#b42318",
    "HIGH": "#e8590c",
    "MEDIUM": "#d4a017",
    "LOW": "#3b6fd8",
}

Bar = tuple[str, Mapping[str, int]]
"""One bar: its label and its count per severity (a missing severity counts 0)."""


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10^k at or above `value` (at least 1): the axis top.

    >>> [nice_ceiling(v) for v in (0, 1, 3, 7, 12, 180, 1000, 1001)]
    [1, 1, 5, 10, 20, 200, 1000, 2000]
    """
    if value <= 1:
        return 1
    power = int(10 ** (len(str(value)) - 1))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - 10 × power always reaches value


def stacked_bars(
    bars: Sequence[Bar],
    *,
    width: int = 720,
    height: int = 240,
    title: str = "Findings per day by severity",
    legend: bool = False,
    fluid: bool = False,
) -> Markup:
    """One bar per entry, stacked by severity (CRITICAL at the bottom), with a y axis."""
    left, right, top, bottom = 44, 12, 28 if legend else 10, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(counts.get(s, 0) for s in SEVERITIES) for _, counts in bars]
    peak = nice_ceiling(max(totals, default=0))
    parts = [_svg_open(width, height, title, fluid=fluid)]
    if legend:
        parts.extend(_legend(left, 14))
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#e4e7ec" stroke-width="1"/>'
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{peak * i / 4:g}</text>"
        )
    band = plot_w / max(len(bars), 1)
    label_every = max(1, math.ceil(len(bars) / 16))
    for index, (label, counts) in enumerate(bars):
        x = left + index * band + band * 0.1
        y = top + plot_h
        for severity in SEVERITIES:
            count = counts.get(severity, 0)
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            parts.append(
                f'<rect class="sev-{severity}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{max(band * 0.8, 1.0):.1f}" height="{h:.1f}" '
                f'fill="{SEVERITY_COLORS[severity]}"><title>{escape(label)}: {count} '
                f"{severity}</title></rect>"
            )
        if index % label_every == 0:
            parts.append(
                f'<text class="axis" x="{left + index * band + band / 2:.1f}" '
                f'y="{top + plot_h + 16}" text-anchor="middle">{escape(label)}</text>'
            )
    if not any(totals):
        parts.append(
            f'<text class="empty" x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" '
            f'text-anchor="middle">No findings in this period</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from escaped labels and numbers


def stacked_bar(
    counts: Mapping[str, int], scale: int, *, width: int = 180, height: int = 12
) -> Markup:
    """A small horizontal bar of one table row, split by severity, on a shared scale."""
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true">'
    ]
    x = 0.0
    for severity in SEVERITIES:
        count = counts.get(severity, 0)
        if not count:
            continue
        w = width * count / max(scale, 1)
        parts.append(
            f'<rect class="sev-{severity}" x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" '
            f'fill="{SEVERITY_COLORS[severity]}"/>'
        )
        x += w
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - numbers and constant colours only


def hbars(
    rows: Sequence[tuple[str, int]],
    *,
    width: int = 340,
    title: str = "",
    css: str = "bar",
    classes: Sequence[str] | None = None,
) -> Markup:
    """Horizontal bars with a label and a count per row."""
    if not rows:
        return _empty(width, 60, "Nothing to show")
    row_h, label_w = 22, 150
    height = row_h * len(rows) + 6
    top = max(v for _, v in rows) or 1
    parts = [_svg_open(width, height, title)]
    for i, (label, value) in enumerate(rows):
        y = 3 + i * row_h
        w = (width - label_w - 50) * value / top
        klass = classes[i] if classes else css
        shown = label if len(label) <= 22 else label[:21] + "…"
        parts.append(
            f'<text class="label" x="{label_w - 6}" y="{y + 15}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(shown)}</text>"
            f'<rect class="{escape(klass)}" x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" '
            f'height="{row_h - 8}"/>'
            f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 15}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from escaped labels and numbers


def share(part: int, whole: int, *, width: int = 340, label: str = "") -> Markup:
    """A single bar: `part` of `whole`, with the percentage."""
    ratio = part / whole if whole else 0.0
    height = 34
    parts = [
        _svg_open(width, height, label),
        f'<rect class="track" x="0" y="6" width="{width}" height="14" rx="3"/>',
        f'<rect class="fill" x="0" y="6" width="{width * ratio:.1f}" height="14" rx="3"/>',
        f'<text class="value" x="0" y="33">{ratio:.1%} ({part} of {whole})</text>',
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - numbers only


def _svg_open(width: int, height: int, title: str, *, fluid: bool = False) -> str:
    size = 'width="100%"' if fluid else f'width="{width}" height="{height}"'
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" {size} '
        f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )


def _empty(width: int, height: int, message: str) -> Markup:
    return Markup(  # noqa: S704 - fixed message, escaped
        f'{_svg_open(width, height, message)}<text class="empty" x="{width / 2}" '
        f'y="{height / 2}" text-anchor="middle">{escape(message)}</text></svg>'
    )


def _legend(x: int, y: int) -> list[str]:
    parts = []
    for severity in SEVERITIES:
        parts.append(
            f'<rect class="sev-{severity}" x="{x}" y="{y - 9}" width="10" height="10" '
            f'fill="{SEVERITY_COLORS[severity]}"/>'
            f'<text class="legend" x="{x + 14}" y="{y}">{severity}</text>'
        )
        x += 14 + 8 * len(severity) + 18
    return parts
