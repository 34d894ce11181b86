"""What the API takes and gives for calibration sessions and their people.
Ratings are given as `{id, value, label}`; `box` is where a person sits on
the performance × potential grid as "<band>-<potential>" (band 1 low, 2
mid, 3 high; potential 1 low, 2 medium, 3 high), null until they have both
a rating and a potential."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from cadence.api.fields import Id, LongText, NoNul, SearchText, text_limits
from cadence.talent.grid import ScaleBands
from cadence.talent.models import (
    CalibrationChange,
    CalibrationEntry,
    CalibrationSession,
    PopulationKind,
    SessionState,
)

SessionName = Annotated[str, text_limits(120, 1), NoNul]
PotentialValue = Annotated[int, Field(ge=1, le=3)]


class Ref(Schema):
    id: int
    name: str


class UserRef(Schema):
    id: int
    email: str


class LevelOut(Schema):
    id: int
    value: Decimal
    label: str


class SessionOut(Schema):
    id: int
    name: str
    cycle: Ref
    population_kind: PopulationKind
    department: Ref | None = Field(description="For a department session: it and everything below.")
    job_level: Ref | None
    facilitator: UserRef
    state: SessionState = Field(description="draft → open (moves allowed) → locked (closed).")
    share_whole_view: bool = Field(
        description=(
            "Whether participating managers see everyone's ratings, not only their people's."
        )
    )
    min_team_size: int
    guidance: dict[str, int] = Field(
        description="HR's target percent per rating level id (guidance, never enforced)."
    )
    scheduled_for: dt.datetime | None
    opened_at: dt.datetime | None
    locked_at: dt.datetime | None
    people: int = Field(description="How many people are in the session (all, not only visible).")
    participants: list[Ref]
    version: int = Field(description="Send it back with PATCH or a transition.")
    created_at: dt.datetime


class SessionFilters(Schema):
    cycle: Id | None = None
    state: SessionState | None = None
    q: SearchText = Field("", description="Part of the session's name.")


class SessionCreate(Schema):
    cycle: Id
    name: SessionName
    population_kind: PopulationKind
    department: Id | None = Field(None, description="For population_kind=department.")
    job_level: Id | None = Field(None, description="For population_kind=job_level.")
    employees: list[Id] = Field(
        default_factory=list, max_length=5000, description="For population_kind=list."
    )
    facilitator: Id = Field(description="The user id of an HR admin or HR business partner.")
    participants: list[Id] | None = Field(
        None,
        max_length=5000,
        description="Employee ids; omit for the managers who rated the people.",
    )
    share_whole_view: bool = False
    min_team_size: Annotated[int, Field(ge=2, le=100)] = 3
    scheduled_for: dt.datetime | None = None


class SessionPatch(Schema):
    name: SessionName | None = None
    facilitator: Id | None = None
    participants: list[Id] | None = Field(None, max_length=5000)
    share_whole_view: bool | None = None
    min_team_size: Annotated[int, Field(ge=2, le=100)] | None = None
    scheduled_for: dt.datetime | None = None
    guidance: dict[str, Annotated[int, Field(ge=0, le=100)]] | None = Field(
        None,
        description='HR\'s target percent per rating level id, e.g. {"12": 10, "13": 20}; '
        "at most 100 in all; {} removes it. Shown in the pre-read, never enforced.",
    )
    version: int | None = None


class TransitionIn(Schema):
    to: Literal["open", "locked"] = Field(description="open (from draft) or locked (from open).")
    version: int | None = None


class EntryFilters(Schema):
    manager: Id | None = Field(None, description="Employee id of the rating manager.")
    department: Id | None = None
    level: Id | None = Field(
        None, description="Where they sit now (calibrated, else proposed, else original)."
    )
    changed: bool = Field(False, description="Only people moved in the session.")
    q: SearchText = Field("", description="Part of a name, or an employee number.")


class EntryPatch(Schema):
    calibrated_level: Id | None = Field(
        None, description="A level id of the cycle's scale; null clears the calibrated rating."
    )
    potential: PotentialValue | None = None
    reason: LongText = Field("", description="Required for every change.")
    version: int | None = Field(None, description="The entry's version you read (409 if stale).")


class PersonRef(Schema):
    id: int
    name: str
    employee_number: str


class EntryOut(Schema):
    id: int
    employee: PersonRef
    department: Ref | None
    manager: Ref | None = Field(description="The manager who rated them.")
    original_level: LevelOut | None = Field(description="The computed rating.")
    proposed_level: LevelOut | None = Field(description="The manager's rating.")
    calibrated_level: LevelOut | None
    potential: int | None
    box: str | None
    reason: str = Field(description="The reason of the last change.")
    changed_by: str | None
    changed_at: dt.datetime | None
    version: int


class ChangeOut(Schema):
    from_level: LevelOut | None
    to_level: LevelOut | None
    from_potential: int | None
    to_potential: int | None
    reason: str
    changed_by: str | None
    changed_at: dt.datetime


class EntryDetailOut(EntryOut):
    changes: list[ChangeOut]


def _level(level: Any) -> dict[str, Any] | None:
    if level is None:
        return None
    return {"id": level.pk, "value": level.value, "label": level.label}


def session_out(
    session: CalibrationSession, people: int, participants: list[Any]
) -> dict[str, Any]:
    return {
        "id": session.pk,
        "name": session.name,
        "cycle": {"id": session.cycle_id, "name": session.cycle.name},
        "population_kind": session.population_kind,
        "department": (
            {"id": session.department_id, "name": session.department.name}
            if session.department
            else None
        ),
        "job_level": (
            {"id": session.job_level_id, "name": str(session.job_level)}
            if session.job_level
            else None
        ),
        "facilitator": {"id": session.facilitator_id, "email": session.facilitator.email},
        "state": session.state,
        "share_whole_view": session.share_whole_view,
        "min_team_size": session.min_team_size,
        "guidance": session.guidance if isinstance(session.guidance, dict) else {},
        "scheduled_for": session.scheduled_for,
        "opened_at": session.opened_at,
        "locked_at": session.locked_at,
        "people": people,
        "participants": [{"id": p.pk, "name": p.full_name} for p in participants],
        "version": session.version,
        "created_at": session.created_at,
    }


def entry_out(entry: CalibrationEntry, bands: ScaleBands) -> dict[str, Any]:
    employee = entry.employee
    box = bands.box(entry.current_level_id, entry.potential)
    return {
        "id": entry.pk,
        "employee": {
            "id": employee.pk,
            "name": employee.full_name,
            "employee_number": employee.employee_number,
        },
        "department": (
            {"id": employee.department_id, "name": employee.department.name}
            if employee.department
            else None
        ),
        "manager": {"id": entry.manager_id, "name": entry.manager.full_name}
        if entry.manager
        else None,
        "original_level": _level(entry.original_level),
        "proposed_level": _level(entry.proposed_level),
        "calibrated_level": _level(entry.calibrated_level),
        "potential": entry.potential,
        "box": box.key if box else None,
        "reason": entry.reason,
        "changed_by": entry.changed_by.email if entry.changed_by else None,
        "changed_at": entry.changed_at,
        "version": entry.version,
    }


def change_out(change: CalibrationChange) -> dict[str, Any]:
    return {
        "from_level": _level(change.from_level),
        "to_level": _level(change.to_level),
        "from_potential": change.from_potential,
        "to_potential": change.to_potential,
        "reason": change.reason,
        "changed_by": change.changed_by.email if change.changed_by else None,
        "changed_at": change.changed_at,
    }
