"""/api/v1/improvement-plans: plans, their transitions, check-ins and the
employee's acknowledgement. Thin: which plans the caller may read comes
from `ImprovementPlan.objects.visible_to` (404 otherwise, so a plan's
existence never leaks), the rules from `services_pips` (403 when the caller
may read the plan but not do this, 422 for bad input or an illegal move,
409 for a stale `version`). Every read is written to the access log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from cadence.api.errors import DETAIL_ERRORS, READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, responses
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.api.related import resolve_related
from cadence.core.models import User
from cadence.development import selectors_pips as selectors
from cadence.development import services_pips as services
from cadence.development import services_pips_record as pip_record
from cadence.development.models import ImprovementPlan, PlanCheckIn
from cadence.development.schemas_pips import (
    AcknowledgeIn,
    CheckInIn,
    CheckInOut,
    ExpectationIn,
    PlanCreate,
    PlanDetailOut,
    PlanFiltersIn,
    PlanOut,
    PlanPatch,
    TransitionIn,
    check_in_out,
    plan_detail_out,
    plan_out,
)
from cadence.people.models import Employee

router = Router(tags=["improvement plans"])

# A write to a plan that exists: 404 when it is not visible, 403 when it is
# visible but not the caller's to change.
CHILD_WRITE_ERRORS = responses(400, 401, 403, 404, 409, 422)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _plan(request: HttpRequest, plan_id: int) -> ImprovementPlan:
    if not 0 < plan_id <= MAX_ID:
        raise Http404
    return selectors.visible_plan(_user(request), plan_id)


def _detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """The plan read afresh (after a write too), and the read logged."""
    plan = _plan(request, plan_id)
    selectors.log_reads(_user(request), [plan], context="pip.api")
    return plan_detail_out(selectors.plan_record(plan))


def _expectations(items: list[ExpectationIn] | None) -> list[services.ExpectationInput] | None:
    if items is None:
        return None
    return [
        services.ExpectationInput(
            description=i.description,
            success_criterion=i.success_criterion,
            due_on=i.due_on,
            id=i.id,
        )
        for i in items
    ]


def _partner(employee: Employee, partner_id: int) -> User:
    """The login named as HR partner, among those who may partner a plan for
    `employee`; any other id gets the same message, so it says nothing about
    which logins exist."""
    found = selectors.partner_choices(employee).filter(pk=partner_id).first()
    if found is None:
        raise ValidationError({"hr_partner": services.partner_problem(None, employee)})
    return found


@router.get(
    "/improvement-plans",
    response={200: Page[PlanOut], **READ_ERRORS},
    summary="List improvement plans",
)
def list_plans(request: HttpRequest, filters: Query[PlanFiltersIn], page: Query[PageParams]) -> Any:
    """The plans the caller may read: their own once active, their reports',
    the ones they partner; all of them for HR admin. Newest first."""
    user = _user(request)
    queryset = selectors.plans_for(
        user,
        selectors.PlanFilters(state=filters.state, department=filters.department, q=filters.q),
    )
    count, plans = paginate(queryset, page)
    selectors.log_reads(user, plans, context="pip.api.list")
    return {"count": count, "items": [plan_out(p) for p in plans]}


@router.post(
    "/improvement-plans",
    response={201: PlanDetailOut, **WRITE_ERRORS},
    summary="Open an improvement plan (a draft)",
)
def create_plan(request: HttpRequest, payload: PlanCreate) -> Any:
    """A manager in the employee's chain, or an HR admin, opens a draft
    with an HR partner and the expectations. The employee sees it once it
    is activated."""
    user = _user(request)
    employee = resolve_related(
        {"employee": payload.employee},
        {"employee": Employee.objects.visible_to(user).select_related("department")},
    )["employee"]
    if not services.can_open_plan(user, employee):
        raise PermissionDenied  # before judging the rest: 403 whatever was sent
    plan = services.open_plan(
        actor=user,
        employee=employee,
        hr_partner=_partner(employee, payload.hr_partner),
        concerns=payload.concerns,
        support=payload.support,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        check_in_every_days=payload.check_in_every_days,
        expectations=_expectations(payload.expectations) or [],
    )
    return Status(201, _detail(request, plan.pk))


@router.get(
    "/improvement-plans/{plan_id}",
    response={200: PlanDetailOut, **DETAIL_ERRORS},
    summary="Read an improvement plan",
)
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    """The whole record: concerns, expectations and progress, support,
    check-ins, acknowledgement and outcome. The read is access-logged."""
    return _detail(request, plan_id)


@router.patch(
    "/improvement-plans/{plan_id}",
    response={200: PlanDetailOut, **UPDATE_ERRORS},
    summary="Change a draft improvement plan",
)
def update_plan(request: HttpRequest, plan_id: int, payload: PlanPatch) -> Any:
    """Only the fields sent; only while the plan is a draft (422 after).
    Send `version` to be told (409) when someone else changed it."""
    user = _user(request)
    plan = _plan(request, plan_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    changes.pop("expectations", None)
    if changes.get("hr_partner") is not None:
        if not services.can_run_plan(user, plan):
            raise PermissionDenied
        changes["hr_partner"] = _partner(plan.employee, changes["hr_partner"])
    expectations = (
        _expectations(payload.expectations) if "expectations" in payload.model_fields_set else None
    )
    services.update_plan(
        actor=user, plan=plan, expected_version=version, expectations=expectations, **changes
    )
    return _detail(request, plan_id)


@router.post(
    "/improvement-plans/{plan_id}/transitions",
    response={200: PlanDetailOut, **CHILD_WRITE_ERRORS},
    summary="Move an improvement plan to another state",
)
def transition(request: HttpRequest, plan_id: int, payload: TransitionIn) -> Any:
    """Activate, extend, complete or cancel. An illegal move (e.g. draft →
    completed, or anything from a closed plan) is a 422 whose `state` error
    names the current state and the moves it allows."""
    plan = _plan(request, plan_id)
    services.transition(
        actor=_user(request),
        plan=plan,
        to=payload.to,
        expected_version=payload.version,
        ends_on=payload.ends_on,
        reason=payload.reason,
        outcome=payload.outcome or "",
        summary=payload.summary,
    )
    return _detail(request, plan_id)


@router.get(
    "/improvement-plans/{plan_id}/check-ins",
    response={200: Page[CheckInOut], **DETAIL_ERRORS},
    summary="List a plan's check-ins",
)
def list_check_ins(request: HttpRequest, plan_id: int, page: Query[PageParams]) -> Any:
    """Scheduled and held check-ins, oldest first, with the progress on each
    expectation recorded at each."""
    plan = _plan(request, plan_id)
    selectors.log_reads(_user(request), [plan], context="pip.api")
    queryset = (
        plan.check_ins.select_related("recorded_by")
        .prefetch_related("progress")
        .order_by("scheduled_on", "id")
    )
    count, items = paginate(queryset, page)
    return {"count": count, "items": [check_in_out(c) for c in items]}


@router.post(
    "/improvement-plans/{plan_id}/check-ins",
    response={201: CheckInOut, **CHILD_WRITE_ERRORS},
    summary="Record a held check-in",
)
def record_check_in(request: HttpRequest, plan_id: int, payload: CheckInIn) -> Any:
    """The manager chain, the HR partner or HR admin records a check-in and
    the progress on each expectation, while the plan is active or extended."""
    plan = _plan(request, plan_id)
    check_in = None
    if payload.check_in_id is not None:
        check_in = PlanCheckIn.objects.filter(plan=plan, pk=payload.check_in_id).first()
        if check_in is None:
            raise ValidationError({"check_in_id": "That check-in is not on this plan."})
    saved = pip_record.record_check_in(
        actor=_user(request),
        plan=plan,
        held_on=payload.held_on,
        notes=payload.notes,
        check_in=check_in,
        progress=[
            pip_record.ProgressInput(
                expectation_id=p.expectation_id, progress=p.progress, comment=p.comment
            )
            for p in payload.progress
        ],
    )
    fresh = PlanCheckIn.objects.select_related("recorded_by").prefetch_related("progress")
    return Status(201, check_in_out(fresh.get(pk=saved.pk)))


@router.post(
    "/improvement-plans/{plan_id}/acknowledge",
    response={200: PlanDetailOut, **CHILD_WRITE_ERRORS},
    summary="Acknowledge an improvement plan (the employee)",
)
def acknowledge(request: HttpRequest, plan_id: int, payload: AcknowledgeIn) -> Any:
    """The employee signs by typing their full name (case and extra spaces
    do not matter), once, while the plan is active or extended; the name,
    time and login are kept. 403 for anyone else."""
    plan = _plan(request, plan_id)
    pip_record.acknowledge(
        actor=_user(request), plan=plan, name=payload.name, comments=payload.comments
    )
    return _detail(request, plan_id)
