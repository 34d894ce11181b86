"""Schemas every insights endpoint shares. Their names are unique in the
whole API: the OpenAPI document keys components by class name, so a second
`CycleRef` elsewhere would silently replace this one."""

from __future__ import annotations

from typing import Any

from ninja import Schema

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
