"""What the API takes and gives for succession plans. A plan is a critical
role with its successors and its bench strength (see
`cadence.talent.selectors_succession` for the rule); suggestions are the
high-performance, high-potential people of the latest locked calibration
sessions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from cadence.api.fields import MAX_ID, Id, LongText, NoNul, SearchText, text_limits
from cadence.talent.models import CriticalRole, Rating3, Readiness, Successor
from cadence.talent.selectors_succession import CURRENT, Bench, Suggestion

Title = Annotated[str, text_limits(200, 1), NoNul]
Version = Annotated[int, Field(ge=1, le=MAX_ID)]
BenchStrengthValue = Literal["strong", "adequate", "at_risk", "none"]


# --- output ------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class BenchOut(Schema):
    ready_now: int
    ready_1_2_years: int
    ready_3_plus_years: int
    total: int = Field(description="Successors still employed (people who left are not counted).")
    strength: BenchStrengthValue = Field(
        description="strong: 2+ ready now; adequate: 1 ready now; at_risk: successors but "
        "none ready now; none: no successors."
    )
    label: str


class SuccessorOut(Schema):
    id: int
    employee: Ref
    department: Ref | None
    readiness: Readiness
    notes: str
    has_left: bool = Field(description="The person no longer works here (not counted).")
    created_at: dt.datetime


class PlanOut(Schema):
    id: int
    title: str
    job_profile: Ref | None = Field(description="Set for a job-profile role.")
    incumbent: Ref | None = Field(description="Set for one person's position.")
    department: Ref | None
    risk_of_loss: Rating3
    impact_of_loss: Rating3
    notes: str
    bench: BenchOut
    successors: list[SuccessorOut]
    version: int = Field(description="Send it back with PATCH and DELETE (409 if stale).")
    created_at: dt.datetime
    updated_at: dt.datetime


class PerformanceOut(Schema):
    label: str
    value: Decimal


class SuggestionOut(Schema):
    employee: Ref
    department: Ref | None
    job_profile: Ref | None
    same_job_family: bool = Field(description="In the role's job family (listed first).")
    session: Ref = Field(description="The locked calibration session the placement is from.")
    cycle: Ref
    performance: PerformanceOut | None
    potential: Literal["high"] = "high"


def _ref(obj: Any, name: str) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": name} if obj is not None else None


def bench_out(bench: Bench) -> dict[str, Any]:
    return {
        "ready_now": bench.ready_now,
        "ready_1_2_years": bench.ready_1_2_years,
        "ready_3_plus_years": bench.ready_3_plus_years,
        "total": bench.total,
        "strength": bench.strength,
        "label": bench.label,
    }


def successor_out(successor: Successor) -> dict[str, Any]:
    """A successor; needs its employee and their department loaded."""
    employee = successor.employee
    department = employee.department
    return {
        "id": successor.pk,
        "employee": {"id": employee.pk, "name": employee.full_name},
        "department": _ref(department, department.name if department else ""),
        "readiness": successor.readiness,
        "notes": successor.notes,
        "has_left": employee.status not in CURRENT,
        "created_at": successor.created_at,
    }


def plan_out(role: CriticalRole, successors: list[Successor], bench: Bench) -> dict[str, Any]:
    profile, incumbent, department = role.job_profile, role.incumbent, role.department
    return {
        "id": role.pk,
        "title": role.title,
        "job_profile": _ref(profile, profile.title if profile else ""),
        "incumbent": _ref(incumbent, incumbent.full_name if incumbent else ""),
        "department": _ref(department, department.name if department else ""),
        "risk_of_loss": role.risk_of_loss,
        "impact_of_loss": role.impact_of_loss,
        "notes": role.notes,
        "bench": bench_out(bench),
        "successors": [successor_out(s) for s in successors],
        "version": role.version,
        "created_at": role.created_at,
        "updated_at": role.updated_at,
    }


def suggestion_out(suggestion: Suggestion) -> dict[str, Any]:
    entry = suggestion.entry
    employee = entry.employee
    department, profile, level = employee.department, employee.job_profile, suggestion.level
    return {
        "employee": {"id": employee.pk, "name": employee.full_name},
        "department": _ref(department, department.name if department else ""),
        "job_profile": _ref(profile, profile.title if profile else ""),
        "same_job_family": suggestion.same_family,
        "session": {"id": entry.session.pk, "name": entry.session.name},
        "cycle": {"id": entry.session.cycle.pk, "name": entry.session.cycle.name},
        "performance": {"label": level.label, "value": level.value} if level else None,
        "potential": "high",
    }


# --- input -------------------------------------------------------------------


class PlanFiltersIn(Schema):
    q: SearchText = Field("", description="Words in the title, job profile or holder's name.")
    department: Id | None = None
    risk: Rating3 | None = Field(None, description="Risk of loss.")
    impact: Rating3 | None = Field(None, description="Impact of loss.")
    bench: BenchStrengthValue | None = Field(None, description="Bench strength.")


class PlanCreate(Schema):
    title: Title
    job_profile: Id | None = Field(None, description="A job-profile role (every holder of it).")
    incumbent: Id | None = Field(None, description="One person's position (not with job_profile).")
    department: Id | None = Field(
        None, description="Required for a job-profile role; a position takes its holder's."
    )
    risk_of_loss: Rating3 = Rating3.MEDIUM
    impact_of_loss: Rating3 = Rating3.HIGH
    notes: LongText = ""


class PlanPatch(Schema):
    version: Version | None = None
    title: Title | None = None
    job_profile: Id | None = None
    incumbent: Id | None = None
    department: Id | None = None
    risk_of_loss: Rating3 | None = None
    impact_of_loss: Rating3 | None = None
    notes: LongText | None = None


class VersionParams(Schema):
    version: Version | None = Field(None, description="The plan's version you read (409 if stale).")


class SuccessorCreate(Schema):
    employee: Id
    readiness: Readiness
    notes: LongText = ""


class SuccessorPatch(Schema):
    version: Version | None = Field(None, description="The plan's version you read.")
    readiness: Readiness | None = None
    notes: LongText | None = None
