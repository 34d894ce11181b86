"""/api/v1/development-plans: plans, their goals and actions, submission and
the manager's decision. Thin: visibility from
`DevelopmentPlan.objects.visible_to`, rules from `services_growth`. A plan
the caller may not see answers 404; one they may see but not change (or
not decide on), 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from cadence.api.errors import DETAIL_ERRORS, READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.api.related import resolve_related
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.development import selectors_growth as selectors
from cadence.development import services_growth as services
from cadence.development.models import DevelopmentAction, DevelopmentGoal, DevelopmentPlan
from cadence.development.schemas_growth import (
    ActionCreate,
    ActionOut,
    ActionPatch,
    CommentIn,
    CommentOut,
    DecisionIn,
    GoalCreate,
    GoalOut,
    PlanCreate,
    PlanDetailOut,
    PlanFiltersIn,
    PlanOut,
    PlanPatch,
    VersionIn,
    action_out,
    comment_out,
    goal_out,
    plan_out,
)
from cadence.jobs.models import Competency
from cadence.people.models import Employee

router = Router(tags=["development plans"])

PLAN = "/development-plans/{plan_id}"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _plan(request: HttpRequest, plan_id: int) -> DevelopmentPlan:
    if not 0 < plan_id <= MAX_ID:
        raise Http404
    try:
        return selectors.get_visible_plan(_user(request), plan_id)
    except DevelopmentPlan.DoesNotExist:
        raise Http404 from None


def _detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    plan = _plan(request, plan_id)
    sources = selectors.competency_sources(plan.employee)
    return {
        **plan_out(plan),
        "goals": [goal_out(g, sources) for g in selectors.plan_goals(plan)],
        "comments": [comment_out(c) for c in selectors.plan_comments(plan)],
    }


@router.get("/development-plans", response={200: Page[PlanOut], **READ_ERRORS})
def list_plans(request: HttpRequest, filters: Query[PlanFiltersIn], page: Query[PageParams]) -> Any:
    """The plans the caller may see (own, reports', HR scope), newest first."""
    queryset = selectors.plans(
        _user(request),
        selectors.PlanFilters(status=filters.status or "", q=filters.q, whose=filters.whose),
    )
    count, items = paginate(queryset, page)
    return {"count": count, "items": [plan_out(p) for p in items]}


@router.post("/development-plans", response={201: PlanDetailOut, **WRITE_ERRORS})
def create_plan(request: HttpRequest, payload: PlanCreate) -> Any:
    """A draft plan for the caller (no `employee`) or someone they work on:
    a report, or anyone in an HR admin's or HRBP's scope."""
    user = _user(request)
    values = payload.dict()
    employee_id = values.pop("employee") or viewer_for(user).employee_id
    if employee_id is None:
        raise ValidationError({"employee": "Say whose plan this is."})
    employee = resolve_related(
        {"employee": employee_id}, {"employee": Employee.objects.visible_to(user)}
    )["employee"]
    plan = services.create_plan(actor=user, employee=employee, **values)
    return Status(201, _detail(request, plan.pk))


@router.get(PLAN, response={200: PlanDetailOut, **DETAIL_ERRORS})
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    return _detail(request, plan_id)


@router.patch(PLAN, response={200: PlanDetailOut, **UPDATE_ERRORS}, exclude_unset=True)
def update_plan(request: HttpRequest, plan_id: int, payload: PlanPatch) -> Any:
    """Change the title or dates of a draft (or a plan being reworked). Send
    the `version` you read to be told (409) of a concurrent change."""
    plan = _plan(request, plan_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    services.update_plan(actor=_user(request), plan=plan, expected_version=version, **changes)
    return _detail(request, plan_id)


@router.post(f"{PLAN}/goals", response={201: GoalOut, **UPDATE_ERRORS})
def add_goal(request: HttpRequest, plan_id: int, payload: GoalCreate) -> Any:
    """A competency goal (levels left empty come from the job profile and
    the latest review) or a free-text one."""
    user = _user(request)
    plan = _plan(request, plan_id)
    values = resolve_related(payload.dict(), {"competency": Competency.objects.all()})
    goal = services.add_goal(actor=user, plan=plan, **values)
    goal = plan.goals.select_related("competency").prefetch_related("actions").get(pk=goal.pk)
    return Status(201, goal_out(goal, selectors.competency_sources(plan.employee)))


@router.post(f"{PLAN}/goals/{{goal_id}}/actions", response={201: ActionOut, **UPDATE_ERRORS})
def add_action(request: HttpRequest, plan_id: int, goal_id: int, payload: ActionCreate) -> Any:
    plan = _plan(request, plan_id)
    goal = DevelopmentGoal.objects.filter(plan=plan, pk=min(goal_id, MAX_ID)).first()
    if goal is None:
        raise Http404
    action = services.add_action(actor=_user(request), goal=goal, **payload.dict())
    return Status(201, action_out(action))


@router.patch(
    f"{PLAN}/actions/{{action_id}}", response={200: ActionOut, **UPDATE_ERRORS}, exclude_unset=True
)
def update_action(request: HttpRequest, plan_id: int, action_id: int, payload: ActionPatch) -> Any:
    """Change an action; `status: done` records the day it was done."""
    plan = _plan(request, plan_id)
    action = (
        DevelopmentAction.objects.filter(goal__plan=plan, pk=min(action_id, MAX_ID))
        .select_related("goal__plan")
        .first()
    )
    if action is None:
        raise Http404
    action = services.update_action(
        actor=_user(request), action=action, **payload.dict(exclude_unset=True)
    )
    return action_out(action)


@router.post(f"{PLAN}/submit", response={200: PlanDetailOut, **UPDATE_ERRORS})
def submit_plan(request: HttpRequest, plan_id: int, payload: VersionIn) -> Any:
    """Send the plan to the manager chain for approval (every goal needs an action)."""
    plan = _plan(request, plan_id)
    services.submit_plan(actor=_user(request), plan=plan, expected_version=payload.version)
    return _detail(request, plan_id)


@router.post(f"{PLAN}/withdraw", response={200: PlanDetailOut, **UPDATE_ERRORS})
def withdraw_plan(request: HttpRequest, plan_id: int, payload: VersionIn) -> Any:
    """Take a submitted plan back to draft to rework it."""
    plan = _plan(request, plan_id)
    services.withdraw_plan(actor=_user(request), plan=plan, expected_version=payload.version)
    return _detail(request, plan_id)


@router.post(f"{PLAN}/decision", response={200: PlanDetailOut, **UPDATE_ERRORS})
def decide_plan(request: HttpRequest, plan_id: int, payload: DecisionIn) -> Any:
    """The employee's manager chain approves, or requests changes with a
    comment. Nobody decides on their own plan (403)."""
    plan = _plan(request, plan_id)
    services.decide_plan(
        actor=_user(request),
        plan=plan,
        decision=payload.decision,
        comment=payload.comment,
        expected_version=payload.version,
    )
    return _detail(request, plan_id)


@router.post(f"{PLAN}/complete", response={200: PlanDetailOut, **UPDATE_ERRORS})
def complete_plan(request: HttpRequest, plan_id: int, payload: VersionIn) -> Any:
    plan = _plan(request, plan_id)
    services.complete_plan(actor=_user(request), plan=plan, expected_version=payload.version)
    return _detail(request, plan_id)


@router.post(f"{PLAN}/comments", response={201: CommentOut, **UPDATE_ERRORS})
def add_comment(request: HttpRequest, plan_id: int, payload: CommentIn) -> Any:
    plan = _plan(request, plan_id)
    comment = services.add_comment(actor=_user(request), plan=plan, body=payload.body)
    return Status(201, comment_out(comment))
