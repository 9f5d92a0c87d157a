"""Charts drawn server-side as inline SVG: no script, no CDN, readable without JavaScript.

Every label passes through `escape`; numbers are formatted here. Colours come from CSS
classes (`sev-CRITICAL`, …) so the stylesheet owns the palette.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

from markupsafe import Markup

from claude_compliance.vocabulary import SEVERITIES


def stacked_bars(
    days: Sequence[date],
    series: Mapping[str, Sequence[int]],
    *,
    width: int = 720,
    height: int = 220,
    title: str = "Findings per day by severity",
) -> Markup:
    """One bar per day, stacked by severity (`series[severity][i]` for `days[i]`)."""
    if not days:
        return _empty(width, height, "No findings in this period")
    pad_left, pad_bottom, pad_top = 44, 28, 10
    plot_w, plot_h = width - pad_left - 8, height - pad_bottom - pad_top
    totals = [sum(series.get(s, [0] * len(days))[i] for s in SEVERITIES) for i in range(len(days))]
    top = _nice_max(max(totals) if totals else 0)
    slot = plot_w / len(days)
    bar_w = max(1.0, slot * 0.8)
    parts = [_svg_open(width, height, title, fluid=True)]
    for tick in (0, top // 2, top):
        y = pad_top + plot_h - (plot_h * tick / top if top else 0)
        parts.append(
            f'<line class="grid" x1="{pad_left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{pad_left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    for i, day in enumerate(days):
        x = pad_left + i * slot + (slot - bar_w) / 2
        y = pad_top + plot_h
        for severity in reversed(SEVERITIES):
            value = series.get(severity, [0] * len(days))[i]
            if not value:
                continue
            h = plot_h * value / top if top else 0
            y -= h
            parts.append(
                f'<rect class="sev-{severity}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}"><title>{day.isoformat()} {severity}: {value}</title></rect>'
            )
    step = max(1, len(days) // 8)
    for i in range(0, len(days), step):
        x = pad_left + i * slot + slot / 2
        parts.append(
            f'<text class="axis" x="{x:.1f}" y="{height - 8}" text-anchor="middle">'
            f"{days[i].strftime('%b %d')}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from escaped labels and numbers


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


def _nice_max(value: int) -> int:
    if value <= 4:
        return max(value, 1) if value else 1
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value
