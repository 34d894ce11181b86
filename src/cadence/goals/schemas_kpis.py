"""What the API takes and gives for KPIs and their measurements. A KPI's
`job_profile` and `department` are ABSENT from its JSON when they do not
apply (a KPI has exactly one of them). Measurements may be posted one at a
time or as a list; an error in a list names the item by its position
("3.value"), and a single object is item 0."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator
from pydantic import Field as PydanticField
from pydantic_core import PydanticCustomError

from cadence.api.fields import MAX_ID, Id, LongText, NoNul, SearchText, text_limits
from cadence.goals.kpis import (
    MAX_MEASUREMENTS_PER_CALL,
    NOTE_MAX,
    KpiSummary,
    NewMeasurement,
    Status,
    Trend,
    kpi_status,
)
from cadence.goals.models import Direction, Frequency, Kpi, KpiMeasurement
from cadence.goals.schemas import Amount, Ref, Unit

KpiName = Annotated[str, text_limits(150, 1), NoNul]
Note = Annotated[str, text_limits(NOTE_MAX), NoNul]


# --- output ------------------------------------------------------------------


class LatestOut(Schema):
    measured_on: dt.date
    value: Decimal


class KpiOut(Schema):
    """A KPI with its latest measurement, that measurement's status and the
    trend of the last three. `job_profile` or `department` is there, never
    both."""

    id: int
    name: str
    description: str
    unit: str
    direction: Direction = Field(description="Whether higher (increase) or lower is better.")
    frequency: Frequency
    target: Decimal
    amber_threshold: Decimal
    red_threshold: Decimal
    job_profile: Ref | None = None
    department: Ref | None = None
    is_active: bool
    version: int = Field(description="Send it back with PATCH to refuse a concurrent edit.")
    latest: LatestOut | None = Field(description="The most recent measurement; null if none.")
    status: Status | None = Field(description="Of the latest measurement; null if none.")
    trend: Trend = Field(description="Which way the last three measurements move.")


class MeasurementOut(Schema):
    measured_on: dt.date
    value: Decimal
    note: str
    status: Status


class MeasurementsRecordedOut(Schema):
    created: int = Field(description="Days that had no value before.")
    updated: int = Field(description="Days whose value was replaced.")
    items: list[MeasurementOut] = Field(description="What was saved, in the order sent.")


def kpi_out(summary: KpiSummary) -> dict[str, Any]:
    """The JSON for one KPI: `job_profile` or `department`, whichever applies."""
    kpi = summary.kpi
    out: dict[str, Any] = {
        "id": kpi.pk,
        "name": kpi.name,
        "description": kpi.description,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "frequency": kpi.frequency,
        "target": kpi.target,
        "amber_threshold": kpi.amber_threshold,
        "red_threshold": kpi.red_threshold,
        "is_active": kpi.is_active,
        "version": kpi.version,
        "latest": (
            {"measured_on": summary.latest.measured_on, "value": summary.latest.value}
            if summary.latest is not None
            else None
        ),
        "status": summary.status,
        "trend": summary.trend,
    }
    if kpi.job_profile is not None:
        out["job_profile"] = {"id": kpi.job_profile.pk, "name": kpi.job_profile.title}
    if kpi.department is not None:
        out["department"] = {"id": kpi.department.pk, "name": kpi.department.name}
    return out


def measurement_out(kpi: Kpi, measurement: KpiMeasurement) -> dict[str, Any]:
    return {
        "measured_on": measurement.measured_on,
        "value": measurement.value,
        "note": measurement.note,
        "status": kpi_status(kpi, measurement.value),
    }


# --- input -------------------------------------------------------------------


class KpiFilters(Schema):
    job_profile: Id | None = Field(None, description="KPIs of this job profile.")
    department: Id | None = Field(None, description="KPIs of this department.")
    active: bool | None = Field(None, description="Only active (true) or inactive (false) KPIs.")
    status: Status | None = Field(None, description="Status of the latest measurement.")
    q: SearchText = Field("", description="Words in the name.")


class KpiCreate(Schema):
    """A new KPI, for a job profile (HR admin) or a department (HR admin, or
    its HRBP): give exactly one of them, by id. For an `increase` KPI the
    red threshold is at or below the amber one; for `decrease`, at or above."""

    name: KpiName
    description: LongText = ""
    unit: Unit = ""
    direction: Direction = Direction.INCREASE
    frequency: Frequency = Frequency.MONTHLY
    target: Amount
    amber_threshold: Amount
    red_threshold: Amount
    job_profile: Id | None = None
    department: Id | None = None
    is_active: bool = True


class KpiPatch(Schema):
    """Only the fields sent are changed. To move a KPI from a job profile to
    a department, send the department and `"job_profile": null`."""

    version: int | None = Field(
        None, ge=1, le=MAX_ID, description="The version you read; 409 if it has moved on."
    )
    name: KpiName | None = None
    description: LongText | None = None
    unit: Unit | None = None
    direction: Direction | None = None
    frequency: Frequency | None = None
    target: Amount | None = None
    amber_threshold: Amount | None = None
    red_threshold: Amount | None = None
    job_profile: Id | None = None
    department: Id | None = None
    is_active: bool | None = None


class MeasurementFilters(Schema):
    since: dt.date | None = Field(None, description="From this day on (included).")
    until: dt.date | None = Field(None, description="Up to this day (included).")


class MeasurementIn(Schema):
    """A KPI's value on a day; a day that already has one is replaced."""

    measured_on: dt.date
    value: Amount
    note: Note = ""

    def to_new(self) -> NewMeasurement:
        return NewMeasurement(measured_on=self.measured_on, value=self.value, note=self.note)


def _one_or_many(value: Any) -> Any:
    """A single object is a list of one; a list is checked for size before
    any item is (a huge list is refused without reading it all)."""
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise PydanticCustomError(
            "measurements_shape", "Send one measurement object or a list of them."
        )
    if not value:
        raise PydanticCustomError("measurements_empty", "Send at least one measurement.")
    if len(value) > MAX_MEASUREMENTS_PER_CALL:
        raise PydanticCustomError(
            "measurements_too_many",
            "Send at most {limit} measurements at a time (this request has {count}).",
            {"limit": f"{MAX_MEASUREMENTS_PER_CALL:,}", "count": f"{len(value):,}"},
        )
    return value


# The OpenAPI document shows both forms; the endpoint always gets a list.
MeasurementsIn = Annotated[
    list[MeasurementIn],
    BeforeValidator(
        _one_or_many,
        json_schema_input_type=MeasurementIn
        | Annotated[
            list[MeasurementIn],
            PydanticField(min_length=1, max_length=MAX_MEASUREMENTS_PER_CALL),
        ],
    ),
]
