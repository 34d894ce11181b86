"""The tables behind every insights page, chart, export and the PDF. A page
builds its `Table`s once; the template shows each (with its chart, if any)
and `page_or_export` answers `?table=<key>&format=csv|xlsx` with the same
rows, so a chart, its table and its download can never disagree.

A cell is a number, text, None (shown "—", blank in files) or NOT_ENOUGH
for a suppressed group ("not enough data" on the page and in files).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from cadence.core.exports import download
from cadence.insights.access import NOT_ENOUGH

ChartKind = Literal["bar", "stacked", "line", "histogram"]


@dataclass(frozen=True)
class Series:
    label: str
    data: Sequence[float | int | None]


@dataclass(frozen=True)
class Chart:
    """What insights_charts.js draws. `kind`: bar (grouped), stacked
    (stacked bars), line (trends), histogram (bars without gaps)."""

    kind: ChartKind
    labels: Sequence[str]
    series: Sequence[Series]
    y_title: str = ""
    x_title: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "labels": list(self.labels),
            "series": [{"label": s.label, "data": list(s.data)} for s in self.series],
            "y_title": self.y_title,
            "x_title": self.x_title,
        }


@dataclass
class Table:
    key: str  # the ?table= value; letters, digits, "-" and "_"
    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""  # shown under the title (what the numbers mean)
    chart: Chart | None = None
    heat: bool = False  # shade number cells by size (a heat map)
    empty: str = "Nothing to show yet."

    @property
    def chart_id(self) -> str:
        return f"{self.key}-chart-data"

    def lines(self) -> Iterator[list[Any]]:
        """Header then rows, as the CSV/XLSX writers want them."""
        yield list(self.header)
        yield from (list(row) for row in self.rows)

    def heat_max(self) -> float:
        values = [
            float(v)
            for row in self.rows
            for v in row[1:]
            if isinstance(v, int | float) and not isinstance(v, bool)
        ]
        return max(values, default=0.0)


def suppressed(value: Any, count: int, minimum: int) -> Any:
    """`value`, or NOT_ENOUGH when it describes fewer than `minimum` people."""
    return value if count >= minimum else NOT_ENOUGH


def rounded(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def export_table(request: HttpRequest, tables: Sequence[Table], basename: str) -> HttpResponseBase:
    """The table named by ?table= as CSV (default) or ?format=xlsx; 400 for
    a table that is not on the page."""
    wanted = request.GET.get("table", "")
    by_key = {table.key: table for table in tables}
    if wanted not in by_key:
        return HttpResponse(
            f"table must be one of: {', '.join(by_key) or '(none on this page)'}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    table = by_key[wanted]
    return download(
        table.lines(),
        fmt=request.GET.get("format", "csv"),
        basename=f"{basename}-{table.key}",
        sheet=table.title,
    )


def page_or_export(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    tables: Sequence[Table],
    basename: str,
) -> HttpResponseBase:
    """Render the page, or (with ?table=) download one of its tables."""
    if "table" in request.GET:
        return export_table(request, tables, basename)
    return render(request, template, {**context, "tables": tables})
