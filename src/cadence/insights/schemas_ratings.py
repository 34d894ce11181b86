"""What /api/v1/insights/ratings gives: the overall distribution (final
rating) and the movement summary as fields, and every table of the page in
the shape of schemas_health.TableOut ("not enough data" → null)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from cadence.insights.ratings import Ratings
from cadence.insights.schemas_common import (
    AS_OF_DESCRIPTION,
    InsightCycleOut,
    insight_cycle,
    report_head,
)
from cadence.insights.schemas_health import TableOut, table_out
from cadence.insights.tables import Table
from cadence.people.models import Department
from cadence.reviews.models import Cycle


class RatingLevelCountOut(Schema):
    level_id: int
    label: str
    value: float
    before_calibration: int | None = Field(description="Manager's, else computed rating.")
    after_calibration: int | None = Field(description="Final rating.")
    share: float | None = Field(description="After calibration, % of people rated.")


class RatingMovementOut(Schema):
    compared_with: InsightCycleOut
    people: int
    enough_data: bool
    up: int | None
    same: int | None
    down: int | None


class RatingsOut(Schema):
    cycle: InsightCycleOut | None = Field(description="Null when there is no cycle to report on.")
    department_id: int | None
    min_group_size: int
    people_rated: int = 0
    enough_data: bool = False
    distribution: list[RatingLevelCountOut] = Field(default_factory=list)
    movement: RatingMovementOut | None = None
    tables: list[TableOut] = Field(default_factory=list)
    as_of: dt.datetime | None = Field(None, description=AS_OF_DESCRIPTION)


def ratings_out(
    ratings: Ratings | None,
    cycle: Cycle | None,
    department: Department | None,
    minimum: int,
    *,
    tables: list[Table] | None = None,
    as_of: dt.datetime | None = None,
) -> dict[str, Any]:
    out = report_head(cycle, department, minimum)
    if ratings is None:
        return out
    enough = ratings.enough
    total = ratings.rated
    out.update(
        people_rated=total,
        enough_data=enough,
        distribution=[
            {
                "level_id": level.pk,
                "label": level.label,
                "value": float(level.value),
                "before_calibration": before if enough else None,
                "after_calibration": after if enough else None,
                "share": round(100 * after / total, 1) if enough and total else None,
            }
            for level, before, after, _, _ in ratings.before_after()
        ],
        tables=[table_out(t) for t in (ratings.tables() if tables is None else tables)],
        as_of=as_of,
    )
    summary = ratings.movement_summary()
    if ratings.previous is not None and summary is not None:
        people = sum(summary)
        moved = people >= minimum
        out["movement"] = {
            "compared_with": insight_cycle(ratings.previous),
            "people": people,
            "enough_data": moved,
            "up": summary[0] if moved else None,
            "same": summary[1] if moved else None,
            "down": summary[2] if moved else None,
        }
    return out
