"""What the API takes and gives for goals. A goal's owner, department and
parent are ABSENT from its JSON when they do not apply, and the parent is
also absent when the viewer may not see it: "no parent" and "a parent you
may not see" look the same, so a private goal never shows through."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from cadence.api.fields import MAX_ID, Id, LongText, NoNul, SearchText, text_limits
from cadence.goals.models import (
    Approval,
    CheckIn,
    Confidence,
    Direction,
    KeyResult,
    KeyResultType,
    Kind,
    Objective,
    ObjectiveStatus,
    Scope,
    Visibility,
)
from cadence.goals.progress import Band

PeriodName = Annotated[str, text_limits(80, 1), NoNul]
Title = Annotated[str, text_limits(200, 1), NoNul]
Unit = Annotated[str, text_limits(30), NoNul]
Weight = Annotated[Decimal, Field(gt=0, max_digits=6, decimal_places=2)]
Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=4)]
ReminderDays = Annotated[int, Field(ge=0, le=32767)]


# --- output ------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class GoalRef(Schema):
    id: int
    title: str


class GoalPeriodOut(Schema):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    setting_opens_on: dt.date | None
    setting_closes_on: dt.date | None
    requires_approval: bool
    check_in_reminder_days: int


class KeyResultOut(Schema):
    id: int
    title: str
    result_type: KeyResultType
    direction: Direction
    unit: str
    start_value: Decimal
    target_value: Decimal | None
    current_value: Decimal | None
    done: bool
    due_date: dt.date | None
    weight: Decimal
    last_check_in_at: dt.datetime | None
    progress: float = Field(description="0 to 1.")


class GoalOut(Schema):
    """A goal as the caller may see it. `owner` is there for personal goals,
    `department` for department goals, `parent` only when the caller may see
    the goal this one contributes to."""

    id: int
    title: str
    description: str
    scope: Scope
    owner: Ref | None = None
    department: Ref | None = None
    period: Ref
    kind: Kind
    visibility: Visibility
    status: ObjectiveStatus
    approval: Approval
    approval_comment: str = Field(description="The approver's last comment, if any.")
    weight: Decimal
    parent: GoalRef | None = None
    progress: float | None = Field(
        description="0 to 1, from the key results (or aligned goals you may see); null if none."
    )
    band: Band
    version: int = Field(description="Send it back with PATCH to refuse a concurrent edit.")


class GoalDetailOut(GoalOut):
    key_results: list[KeyResultOut]


class CheckInOut(Schema):
    id: int
    key_result: GoalRef
    author: Ref | None = Field(
        None, description="Null when no login recorded it (imported history) or it was deleted."
    )
    value: Decimal | None
    done: bool
    confidence: Confidence
    comment: str
    created_at: dt.datetime


def key_result_out(kr: KeyResult) -> dict[str, Any]:
    return {
        "id": kr.pk,
        "title": kr.title,
        "result_type": kr.result_type,
        "direction": kr.direction,
        "unit": kr.unit,
        "start_value": kr.start_value,
        "target_value": kr.target_value,
        "current_value": kr.current_value,
        "done": kr.done,
        "due_date": kr.due_date,
        "weight": kr.weight,
        "last_check_in_at": kr.last_check_in_at,
        "progress": kr.progress,
    }


def goal_out(
    objective: Objective, *, progress: float | None, band: Band, parent_visible: bool
) -> dict[str, Any]:
    """The JSON for one goal: keys that do not apply are left out."""
    out: dict[str, Any] = {
        "id": objective.pk,
        "title": objective.title,
        "description": objective.description,
        "scope": objective.scope,
        "period": {"id": objective.period.pk, "name": objective.period.name},
        "kind": objective.kind,
        "visibility": objective.visibility,
        "status": objective.status,
        "approval": objective.approval,
        "approval_comment": objective.approval_comment,
        "weight": objective.weight,
        "progress": progress,
        "band": band,
        "version": objective.version,
    }
    if objective.owner_employee is not None:
        owner = objective.owner_employee
        out["owner"] = {"id": owner.pk, "name": owner.full_name}
    if objective.owner_department is not None:
        dept = objective.owner_department
        out["department"] = {"id": dept.pk, "name": dept.name}
    if parent_visible and objective.parent is not None:
        out["parent"] = {"id": objective.parent.pk, "title": objective.parent.title}
    return out


def check_in_out(entry: CheckIn) -> dict[str, Any]:
    author = entry.author
    return {
        "id": entry.pk,
        "key_result": {"id": entry.key_result.pk, "title": entry.key_result.title},
        "author": {"id": author.pk, "name": str(author)} if author is not None else None,
        "value": entry.value,
        "done": entry.done,
        "confidence": entry.confidence,
        "comment": entry.comment,
        "created_at": entry.created_at,
    }


# --- input -------------------------------------------------------------------


class GoalPeriodCreate(Schema):
    name: PeriodName
    starts_on: dt.date
    ends_on: dt.date
    setting_opens_on: dt.date | None = None
    setting_closes_on: dt.date | None = None
    requires_approval: bool = False
    check_in_reminder_days: ReminderDays = 14


class GoalFilters(Schema):
    owner: Id | None = Field(None, description="Personal goals of this employee.")
    department: Id | None = Field(None, description="Goals of this department.")
    period: Id | None = None
    status: ObjectiveStatus | None = None
    parent: Id | None = Field(None, description="Goals aligned to this one.")
    scope: Scope | None = None
    approval: Approval | None = Field(
        None, description="e.g. `pending`: goals waiting for a manager's approval."
    )
    q: SearchText = Field("", description="Words in the title.")


class GoalCreate(Schema):
    """A new goal. A personal goal names `owner_employee`, a department goal
    `owner_department`, a company goal neither. Related records are given by
    id; `parent` is the goal this one contributes to."""

    period: Id
    scope: Scope = Scope.PERSONAL
    owner_employee: Id | None = None
    owner_department: Id | None = None
    title: Title
    description: LongText = ""
    weight: Weight = Decimal(1)
    kind: Kind = Kind.COMMITTED
    visibility: Visibility = Visibility.PUBLIC
    status: ObjectiveStatus = ObjectiveStatus.ACTIVE
    parent: Id | None = None


class GoalPatch(Schema):
    """Only the fields sent are changed; null clears `parent`."""

    version: int | None = Field(
        None, ge=1, le=MAX_ID, description="The version you read; 409 if it has moved on."
    )
    period: Id | None = None
    scope: Scope | None = None
    owner_employee: Id | None = None
    owner_department: Id | None = None
    title: Title | None = None
    description: LongText | None = None
    weight: Weight | None = None
    kind: Kind | None = None
    visibility: Visibility | None = None
    status: ObjectiveStatus | None = None
    parent: Id | None = None


class ApprovalDecision(Schema):
    """A manager's decision on a report's goal. Asking for changes needs a
    comment saying what to change."""

    decision: Literal["approve", "request_changes"]
    comment: LongText = ""


class KeyResultCreate(Schema):
    """A metric (moves from `start_value` towards `target_value`) or a
    milestone (done or not)."""

    title: Title
    result_type: KeyResultType = KeyResultType.METRIC
    direction: Direction = Direction.INCREASE
    unit: Unit = ""
    start_value: Amount = Decimal(0)
    target_value: Amount | None = None
    current_value: Amount | None = None
    done: bool = False
    due_date: dt.date | None = None
    weight: Weight = Decimal(1)


class CheckInCreate(Schema):
    """Progress on one of the goal's key results: `value` for a metric,
    `done` for a milestone."""

    key_result_id: Id
    confidence: Confidence
    value: Amount | None = None
    done: bool | None = None
    comment: LongText = ""
