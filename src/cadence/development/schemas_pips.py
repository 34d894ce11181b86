"""What the API takes and gives for improvement plans, their check-ins and
the employee's acknowledgement. Dates are ISO 8601; errors on an
expectation name it by its position ("expectations.1.due_on")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from cadence.api.fields import Id, LongText, NoNul, SearchText, text_limits
from cadence.development.models import (
    ExpectationProgress,
    ImprovementPlan,
    PlanCheckIn,
    PlanOutcome,
    PlanState,
)
from cadence.development.pip_states import allowed_moves
from cadence.development.selectors_pips import PlanRecord
from cadence.development.services_pips import MAX_CHECK_IN_EVERY, MAX_EXPECTATIONS

ShortText = Annotated[str, text_limits(200), NoNul]
Concerns = Annotated[str, text_limits(10_000, 1), NoNul]


# --- input -----------------------------------------------------------------------------


class PlanFiltersIn(Schema):
    state: PlanState | None = None
    department: Id | None = Field(None, description="Plans of people in this department or below.")
    q: SearchText = Field("", description="Search the employee's name.")


class ExpectationIn(Schema):
    id: Id | None = Field(
        None, description="When editing a draft: the expectation to keep and change."
    )
    description: LongText
    success_criterion: LongText = Field(description="How success is measured.")
    due_on: dt.date = Field(description="Within the plan's dates.")


class PlanCreate(Schema):
    employee: Id
    hr_partner: Id = Field(
        description="The user id of an HR admin, or of the HRBP for the employee's department."
    )
    concerns: Concerns = Field(description="The specific performance concerns, with examples.")
    support: LongText = ""
    starts_on: dt.date
    ends_on: dt.date
    check_in_every_days: int = Field(14, ge=1, le=MAX_CHECK_IN_EVERY)
    expectations: list[ExpectationIn] = Field(default_factory=list, max_length=MAX_EXPECTATIONS)


class PlanPatch(Schema):
    """Only while a draft. `expectations`, when sent, is the full new list:
    items with an `id` are kept and changed, items without are added, the
    rest are removed."""

    hr_partner: Id | None = None
    concerns: Concerns | None = None
    support: LongText | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    check_in_every_days: int | None = Field(None, ge=1, le=MAX_CHECK_IN_EVERY)
    expectations: list[ExpectationIn] | None = Field(None, max_length=MAX_EXPECTATIONS)
    version: int | None = Field(
        None, description="Send the version you read to refuse (409) a concurrent edit."
    )


class TransitionIn(Schema):
    """`to`: "active" (activate), "extended" (with `ends_on` and `reason`),
    "completed" (with `outcome` and `summary`) or "cancelled" (with `reason`)."""

    to: PlanState
    version: int | None = None
    ends_on: dt.date | None = Field(None, description="Extending: the new end date.")
    reason: LongText = Field("", description="Extending or cancelling: why.")
    outcome: PlanOutcome | None = Field(None, description="Completing: the outcome.")
    summary: LongText = Field("", description="Completing: what was met and what was not.")


class ProgressIn(Schema):
    expectation_id: Id
    progress: ExpectationProgress
    comment: LongText = ""


class CheckInIn(Schema):
    check_in_id: Id | None = Field(
        None,
        description="The scheduled check-in held; without it, the one scheduled on `held_on`, "
        "or an unscheduled one on that day.",
    )
    held_on: dt.date
    notes: LongText
    progress: list[ProgressIn] = Field(default_factory=list, max_length=MAX_EXPECTATIONS)


class AcknowledgeIn(Schema):
    name: ShortText = Field(description="The employee's full name, typed as a signature.")
    comments: LongText = ""


# --- output -----------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class PlanOut(Schema):
    id: int
    employee: Ref
    department: Ref | None = None
    manager: Ref
    hr_partner: Ref = Field(description="A user (login), not an employee.")
    state: PlanState
    outcome: PlanOutcome | None = None
    starts_on: dt.date
    ends_on: dt.date
    acknowledged: bool
    version: int


class ExpectationOut(Schema):
    id: int
    description: str
    success_criterion: str
    due_on: dt.date
    progress: ExpectationProgress


class ProgressOut(Schema):
    expectation_id: int
    progress: ExpectationProgress
    comment: str


class CheckInOut(Schema):
    id: int
    scheduled_on: dt.date
    held_on: dt.date | None
    notes: str
    recorded_by: Ref | None
    recorded_at: dt.datetime | None
    progress: list[ProgressOut]


class AcknowledgementOut(Schema):
    name: str
    at: dt.datetime
    user_id: int | None


class PlanDetailOut(PlanOut):
    concerns: str
    support: str
    check_in_every_days: int
    original_ends_on: dt.date | None
    extended_reason: str
    outcome_summary: str
    cancel_reason: str
    acknowledgement: AcknowledgementOut | None
    employee_comments: str
    activated_at: dt.datetime | None
    closed_at: dt.datetime | None
    expectations: list[ExpectationOut]
    check_ins: list[CheckInOut]
    allowed_moves: list[PlanState] = Field(
        description="The states this plan may move to next (whoever may run it)."
    )


def _user_ref(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": str(user)}


def plan_out(plan: ImprovementPlan) -> dict[str, Any]:
    department = plan.employee.department
    return {
        "id": plan.pk,
        "employee": {"id": plan.employee_id, "name": plan.employee.full_name},
        "department": {"id": department.pk, "name": department.name} if department else None,
        "manager": {"id": plan.manager_id, "name": plan.manager.full_name},
        "hr_partner": _user_ref(plan.hr_partner),
        "state": plan.state,
        "outcome": plan.outcome or None,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "acknowledged": plan.acknowledged_at is not None,
        "version": plan.version,
    }


def check_in_out(check_in: PlanCheckIn) -> dict[str, Any]:
    return {
        "id": check_in.pk,
        "scheduled_on": check_in.scheduled_on,
        "held_on": check_in.held_on,
        "notes": check_in.notes,
        "recorded_by": _user_ref(check_in.recorded_by),
        "recorded_at": check_in.recorded_at,
        "progress": [
            {"expectation_id": p.expectation_id, "progress": p.progress, "comment": p.comment}
            for p in check_in.progress.all()
        ],
    }


def plan_detail_out(record: PlanRecord) -> dict[str, Any]:
    plan = record.plan
    return {
        **plan_out(plan),
        "concerns": plan.concerns,
        "support": plan.support,
        "check_in_every_days": plan.check_in_every_days,
        "original_ends_on": plan.original_ends_on,
        "extended_reason": plan.extended_reason,
        "outcome_summary": plan.outcome_summary,
        "cancel_reason": plan.cancel_reason,
        "acknowledgement": (
            {
                "name": plan.acknowledged_name,
                "at": plan.acknowledged_at,
                "user_id": plan.acknowledged_by_id,
            }
            if plan.acknowledged_at
            else None
        ),
        "employee_comments": plan.employee_comments,
        "activated_at": plan.activated_at,
        "closed_at": plan.closed_at,
        "expectations": [
            {
                "id": e.pk,
                "description": e.description,
                "success_criterion": e.success_criterion,
                "due_on": e.due_on,
                "progress": e.progress,
            }
            for e in record.expectations
        ],
        "check_ins": [check_in_out(c) for c in record.check_ins],
        "allowed_moves": list(allowed_moves(plan.state)),
    }
