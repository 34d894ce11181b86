"""What /api/v1/insights/health gives: the same tables as the page (each
row a label and its values by column), with "not enough data" as null and
`enough_data: false` on the row, plus the cycle's overall rates. The table
shape is shared with /insights/ratings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from cadence.insights.access import NOT_ENOUGH
from cadence.insights.health import Health
from cadence.insights.schemas_common import AS_OF_DESCRIPTION, InsightCycleOut, report_head
from cadence.insights.tables import Table
from cadence.people.models import Department
from cadence.reviews.models import Cycle

Cell = int | float | str | None


class RowOut(Schema):
    label: str
    enough_data: bool = Field(description="False when a group is too small: its numbers are null.")
    values: dict[str, Cell] = Field(description="The row's cells by column heading.")


class TableOut(Schema):
    key: str = Field(description="The page's ?table= value for the same numbers as CSV/XLSX.")
    title: str
    note: str
    columns: list[str]
    rows: list[RowOut]


class HealthOut(Schema):
    cycle: InsightCycleOut | None = Field(description="Null when there is no cycle to report on.")
    department_id: int | None
    min_group_size: int
    completion_rate: float | None = Field(
        None, description="Reviews submitted out of all live ones (%); null if not enough data."
    )
    on_time_rate: float | None = None
    enough_data: bool = False
    tables: list[TableOut] = Field(default_factory=list)
    as_of: dt.datetime | None = Field(None, description=AS_OF_DESCRIPTION)


def _cell(value: Any) -> Cell:
    if value == NOT_ENOUGH:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def table_out(table: Table) -> dict[str, Any]:
    rows = []
    for row in table.rows:
        rows.append(
            {
                "label": str(row[0]),
                "enough_data": not any(v == NOT_ENOUGH for v in row[1:]),
                "values": {
                    heading: _cell(value)
                    for heading, value in zip(table.header[1:], row[1:], strict=True)
                },
            }
        )
    return {
        "key": table.key,
        "title": table.title,
        "note": table.note,
        "columns": list(table.header),
        "rows": rows,
    }


def health_out(
    health: Health | None,
    cycle: Cycle | None,
    department: Department | None,
    minimum: int,
    *,
    tables: list[Table] | None = None,
    as_of: dt.datetime | None = None,
) -> dict[str, Any]:
    out = report_head(cycle, department, minimum)
    if health is not None:
        out.update(
            completion_rate=health.completion_rate,
            on_time_rate=health.on_time_rate,
            enough_data=health.overall.people >= minimum,
            tables=[table_out(t) for t in (health.tables() if tables is None else tables)],
            as_of=as_of,
        )
    return out
