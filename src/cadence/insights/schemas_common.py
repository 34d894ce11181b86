"""Schemas every insights endpoint shares. Their names are unique in the
whole API: the OpenAPI document keys components by class name, so a second
`CycleRef` elsewhere would silently replace this one."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from cadence.people.models import Department
from cadence.reviews.models import Cycle


class InsightCycleOut(Schema):
    id: int
    name: str
    stage: str


class InsightLevelOut(Schema):
    id: int
    label: str
    value: float


def insight_cycle(cycle: Cycle | None) -> dict[str, Any] | None:
    if cycle is None:
        return None
    return {"id": cycle.pk, "name": cycle.name, "stage": cycle.stage}


AS_OF_DESCRIPTION = (
    "When these figures were computed. They are kept a few minutes; refresh=true recomputes them."
)


def report_head(cycle: Cycle | None, department: Department | None, minimum: int) -> dict[str, Any]:
    """What every kept cycle report's answer starts with."""
    return {
        "cycle": insight_cycle(cycle),
        "department_id": department.pk if department else None,
        "min_group_size": minimum,
    }
