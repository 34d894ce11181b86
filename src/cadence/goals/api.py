"""/api/v1 endpoints for goals: periods, objectives, key results and
check-ins. Thin: visibility comes from the selectors, rules from the
services. A goal the caller may not see answers 404, never 403, so a
private goal's existence is not revealed."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from cadence.api.errors import (
    DETAIL_ERRORS,
    READ_ERRORS,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    responses,
)
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.api.related import resolve_related
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.goals import selectors, services
from cadence.goals.models import CheckIn, GoalPeriod, KeyResult, Objective
from cadence.goals.schemas import (
    ApprovalDecision,
    CheckInCreate,
    CheckInOut,
    GoalCreate,
    GoalDetailOut,
    GoalFilters,
    GoalOut,
    GoalPatch,
    GoalPeriodCreate,
    GoalPeriodOut,
    KeyResultCreate,
    KeyResultOut,
    check_in_out,
    goal_out,
    key_result_out,
)
from cadence.people.models import Department, Employee

router = Router(tags=["goals"])

# Writes to a goal that exists: 404 when it is not visible, 403 when it is
# visible but not the caller's to change.
CHILD_WRITE_ERRORS = responses(400, 401, 403, 404, 422)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _periods(user: User) -> models.QuerySet[GoalPeriod]:
    """Everyone with a place in the organisation may read the goal periods."""
    if not viewer_for(user).in_organisation:
        return GoalPeriod.objects.none()
    return GoalPeriod.objects.all()


def _related(user: User, values: dict[str, Any]) -> dict[str, Any]:
    """Ids of related records as the records, looked up among those the
    caller may see. An unknown or invisible id is an error on that field."""
    in_org = viewer_for(user).in_organisation
    sources: dict[str, models.QuerySet[Any]] = {
        "period": _periods(user),
        "owner_employee": Employee.objects.visible_to(user),
        "owner_department": Department.objects.all() if in_org else Department.objects.none(),
        "parent": Objective.objects.visible_to(user),
    }
    return resolve_related(values, sources)


def _visible_goal(request: HttpRequest, goal_id: int) -> Objective:
    """The goal, or 404 when the caller may not see it."""
    if not 0 < goal_id <= MAX_ID:
        raise Http404
    return selectors.get_visible_goal(_user(request), goal_id)


def _goal_rows(user: User, objectives: list[Objective]) -> list[dict[str, Any]]:
    """The JSON for a page of goals in a fixed number of queries: one for
    the parents the caller may see, two for progress."""
    parent_ids = {o.parent_id for o in objectives if o.parent_id is not None}
    visible_parents: set[int] = set()
    if parent_ids:
        visible_parents = set(
            Objective.objects.visible_to(user)
            .filter(pk__in=parent_ids)
            .order_by()
            .values_list("pk", flat=True)
        )
    progress = selectors.progress_of(
        user, [o.pk for o in objectives], {o.period_id for o in objectives}
    )
    return [
        goal_out(
            o,
            progress=progress.of(o.pk),
            band=selectors.band_of(o, progress.of(o.pk)),
            parent_visible=o.parent_id in visible_parents,
        )
        for o in objectives
    ]


def _goal_detail(user: User, goal_id: int) -> dict[str, Any]:
    objective = selectors.get_visible_goal(user, goal_id)
    progress = selectors.progress_of(user, [objective.pk], [objective.period_id])
    parent_visible = selectors.visible_parent(user, objective) is not None
    out = goal_out(
        objective,
        progress=progress.of(objective.pk),
        band=selectors.band_of(objective, progress.of(objective.pk)),
        parent_visible=parent_visible,
    )
    out["key_results"] = [key_result_out(kr) for kr in progress.key_results.get(objective.pk, [])]
    return out


# --- periods -----------------------------------------------------------------


@router.get(
    "/goal-periods",
    response={200: Page[GoalPeriodOut], **READ_ERRORS},
    summary="List goal periods",
)
def list_goal_periods(request: HttpRequest, page: Query[PageParams]) -> Any:
    """The periods goals are set for, most recent first."""
    count, items = paginate(_periods(_user(request)), page)
    return {"count": count, "items": items}


@router.post(
    "/goal-periods",
    response={201: GoalPeriodOut, **WRITE_ERRORS},
    summary="Add a goal period",
)
def create_goal_period(request: HttpRequest, payload: GoalPeriodCreate) -> Any:
    """HR admins only."""
    period = services.save_period(actor=_user(request), **payload.dict())
    return Status(201, period)


# --- goals -------------------------------------------------------------------


@router.get(
    "/goals",
    response={200: Page[GoalOut], **READ_ERRORS},
    summary="List goals",
    exclude_unset=True,
)
def list_goals(request: HttpRequest, filters: Query[GoalFilters], page: Query[PageParams]) -> Any:
    """The goals the caller may see, filtered, each with its progress."""
    user = _user(request)
    count, objectives = selectors.goals_page(
        user,
        selectors.GoalFilters(
            period=filters.period,
            owner=filters.owner,
            department=filters.department,
            status=filters.status,
            parent=filters.parent,
            scope=filters.scope,
            approval=filters.approval,
            q=filters.q,
        ),
        offset=page.offset,
        limit=page.limit,
    )
    return {"count": count, "items": _goal_rows(user, objectives)}


@router.post(
    "/goals",
    response={201: GoalDetailOut, **WRITE_ERRORS},
    summary="Set a goal",
    exclude_unset=True,
)
def create_goal(request: HttpRequest, payload: GoalCreate) -> Any:
    """For yourself, for a report (managers), for a department (its HRBP,
    HR admins) or for the company (HR admins)."""
    user = _user(request)
    values = _related(user, payload.dict())
    objective = services.create_objective(actor=user, **values)
    return Status(201, _goal_detail(user, objective.pk))


@router.get(
    "/goals/{goal_id}",
    response={200: GoalDetailOut, **DETAIL_ERRORS},
    summary="Read a goal",
    exclude_unset=True,
)
def get_goal(request: HttpRequest, goal_id: int) -> Any:
    """The goal with its key results; 404 when the caller may not see it."""
    objective = _visible_goal(request, goal_id)
    return _goal_detail(_user(request), objective.pk)


@router.patch(
    "/goals/{goal_id}",
    response={200: GoalDetailOut, **UPDATE_ERRORS},
    summary="Change a goal",
    exclude_unset=True,
)
def update_goal(request: HttpRequest, goal_id: int, payload: GoalPatch) -> Any:
    """Change only the fields sent. Send the `version` you read to be told
    (409) when someone else changed the goal in the meantime."""
    user = _user(request)
    objective = _visible_goal(request, goal_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    values = _related(user, changes)
    services.update_objective(actor=user, objective=objective, expected_version=version, **values)
    return _goal_detail(user, objective.pk)


@router.post(
    "/goals/{goal_id}/approval",
    response={200: GoalDetailOut, **CHILD_WRITE_ERRORS},
    summary="Approve a goal or ask for changes",
    exclude_unset=True,
)
def decide_goal_approval(request: HttpRequest, goal_id: int, payload: ApprovalDecision) -> Any:
    """The owner's manager chain (or an HR admin) decides on a personal goal
    waiting for approval; nobody decides on their own goal. 403 when the
    caller may see the goal but not decide on it; 422 when there is nothing
    to decide or a request for changes has no comment."""
    user = _user(request)
    objective = _visible_goal(request, goal_id)
    services.decide_approval(
        actor=user,
        objective=objective,
        approve=payload.decision == "approve",
        comment=payload.comment,
    )
    return _goal_detail(user, objective.pk)


# --- key results -------------------------------------------------------------


@router.get(
    "/goals/{goal_id}/key-results",
    response={200: Page[KeyResultOut], **DETAIL_ERRORS},
    summary="List a goal's key results",
)
def list_key_results(request: HttpRequest, goal_id: int, page: Query[PageParams]) -> Any:
    objective = _visible_goal(request, goal_id)
    count, items = paginate(KeyResult.objects.filter(objective=objective).order_by("id"), page)
    return {"count": count, "items": [key_result_out(kr) for kr in items]}


@router.post(
    "/goals/{goal_id}/key-results",
    response={201: KeyResultOut, **CHILD_WRITE_ERRORS},
    summary="Add a key result",
)
def create_key_result(request: HttpRequest, goal_id: int, payload: KeyResultCreate) -> Any:
    """Whoever may change the goal."""
    objective = _visible_goal(request, goal_id)
    kr = services.add_key_result(actor=_user(request), objective=objective, **payload.dict())
    return Status(201, key_result_out(kr))


# --- check-ins ---------------------------------------------------------------


@router.get(
    "/goals/{goal_id}/check-ins",
    response={200: Page[CheckInOut], **DETAIL_ERRORS},
    summary="List a goal's check-ins",
)
def list_check_ins(request: HttpRequest, goal_id: int, page: Query[PageParams]) -> Any:
    """The history of the goal's key results, newest first."""
    objective = _visible_goal(request, goal_id)
    queryset = (
        CheckIn.objects.filter(key_result__objective=objective)
        .select_related("key_result", "author")
        .order_by("-created_at", "-id")
    )
    count, items = paginate(queryset, page)
    return {"count": count, "items": [check_in_out(c) for c in items]}


@router.post(
    "/goals/{goal_id}/check-ins",
    response={201: CheckInOut, **CHILD_WRITE_ERRORS},
    summary="Check in on a key result",
)
def create_check_in(request: HttpRequest, goal_id: int, payload: CheckInCreate) -> Any:
    """Record progress on one of the goal's key results (404 if the key
    result is not this goal's). Whoever may change the goal."""
    objective = _visible_goal(request, goal_id)
    kr = KeyResult.objects.filter(objective=objective, pk=payload.key_result_id).first()
    if kr is None:
        raise Http404
    entry = services.check_in(
        actor=_user(request),
        key_result=kr,
        confidence=payload.confidence,
        value=payload.value,
        done=payload.done,
        comment=payload.comment,
    )
    entry = CheckIn.objects.select_related("key_result", "author").get(pk=entry.pk)
    return Status(201, check_in_out(entry))
