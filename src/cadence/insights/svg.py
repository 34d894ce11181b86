"""A chart as inline SVG, for the PDF (WeasyPrint runs no JavaScript, so
Chart.js cannot draw there). Horizontal bars, one group per label and one
bar per series; the same numbers are printed in the table beside it."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cadence.insights.tables import Chart

COLOURS = ("#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545", "#20c997", "#6c757d")
_LABEL_WIDTH = 150
_BAR_AREA = 330
_BAR_HEIGHT = 9
_GAP = 6


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def svg_bars(chart: Chart) -> SafeString:
    """Grouped horizontal bars with a legend; empty when there is nothing
    numeric to draw. Text is escaped; numbers are formatted by us."""
    values = [_number(v) for series in chart.series for v in series.data]
    largest = max((v for v in values if v is not None), default=0.0)
    if largest <= 0:
        return mark_safe("")
    per_group = len(chart.series) * _BAR_HEIGHT + _GAP
    legend = 16 if len(chart.series) > 1 else 0
    height = legend + per_group * len(chart.labels) + 4
    width = _LABEL_WIDTH + _BAR_AREA + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(chart.y_title)}">'
    ]
    for index, series in enumerate(chart.series if legend else []):
        x = _LABEL_WIDTH + index * 120
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="2" width="9" height="9" fill="{colour}"/>')
        parts.append(f'<text x="{x + 13}" y="10" font-size="8">{escape(series.label[:24])}</text>')
    for row, label in enumerate(chart.labels):
        top = legend + row * per_group
        middle = top + len(chart.series) * _BAR_HEIGHT / 2 + 3
        parts.append(
            f'<text x="{_LABEL_WIDTH - 4}" y="{middle:.1f}" font-size="8" '
            f'text-anchor="end">{escape(str(label)[:30])}</text>'
        )
        for index, series in enumerate(chart.series):
            value = _number(series.data[row]) if row < len(series.data) else None
            if value is None:
                continue
            y = top + index * _BAR_HEIGHT
            length = max(0.0, value) / largest * _BAR_AREA
            colour = COLOURS[index % len(COLOURS)]
            parts.append(
                f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
                f'height="{_BAR_HEIGHT - 1}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{_LABEL_WIDTH + length + 3:.1f}" y="{y + _BAR_HEIGHT - 2}" '
                f'font-size="7">{value:g}</text>'
            )
    parts.append("</svg>")
    # Safe: every piece of text above went through escape(); numbers are ours.
    return mark_safe("".join(parts))
