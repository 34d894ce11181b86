"""/api/v1/succession-plans: critical roles with their successors and bench
strength, the successors themselves, and the candidates suggested from the
calibration grid. Thin: visibility from `CriticalRole.objects.visible_to`,
rules from `services_succession`. A plan the caller may not see answers
404; one they may see but not change (executives), 403."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from cadence.api.errors import DETAIL_ERRORS, READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.api.related import resolve_related
from cadence.core.models import User
from cadence.jobs.models import JobProfile
from cadence.people.models import Department, Employee
from cadence.talent import selectors_succession as selectors
from cadence.talent import services_succession as services
from cadence.talent.models import CriticalRole, Successor
from cadence.talent.schemas_succession import (
    PlanCreate,
    PlanFiltersIn,
    PlanOut,
    PlanPatch,
    SuccessorCreate,
    SuccessorOut,
    SuccessorPatch,
    SuggestionOut,
    VersionParams,
    plan_out,
    successor_out,
    suggestion_out,
)

router = Router(tags=["succession plans"])

PLAN = "/succession-plans/{plan_id}"
SUCCESSOR = f"{PLAN}/successors/{{successor_id}}"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _role(request: HttpRequest, plan_id: int) -> CriticalRole:
    if not 0 < plan_id <= MAX_ID:
        raise Http404
    try:
        return selectors.get_visible_role(_user(request), plan_id)
    except CriticalRole.DoesNotExist:
        raise Http404 from None


def _successor(role: CriticalRole, successor_id: int) -> Successor:
    if not 0 < successor_id <= MAX_ID:
        raise Http404
    try:
        return selectors.get_successor(role, successor_id)
    except Successor.DoesNotExist:
        raise Http404 from None


def _detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    role = _role(request, plan_id)
    successors = selectors.role_successors(role)
    return plan_out(role, successors, selectors.bench_from_successors(successors))


def _related(user: User, values: dict[str, Any]) -> dict[str, Any]:
    return resolve_related(
        values,
        {
            "job_profile": JobProfile.objects.all(),
            "incumbent": Employee.objects.visible_to(user),
            "department": Department.objects.all(),
        },
        blank_text=("notes",),
    )


@router.get("/succession-plans", response={200: Page[PlanOut], **READ_ERRORS})
def list_plans(request: HttpRequest, filters: Query[PlanFiltersIn], page: Query[PageParams]) -> Any:
    """The succession plans the caller may see (HR admins; HRBPs and
    executives for their departments), by title, each with its successors
    and bench strength."""
    queryset = selectors.plans(
        _user(request),
        selectors.RoleFilters(
            q=filters.q,
            department=filters.department,
            risk=filters.risk or "",
            impact=filters.impact or "",
            bench=filters.bench or "",
        ),
    )
    count, items = paginate(queryset, page)
    return {
        "count": count,
        "items": [plan_out(r, list(r.successors.all()), selectors.bench_of(r)) for r in items],
    }


@router.post("/succession-plans", response={201: PlanOut, **WRITE_ERRORS})
def create_plan(request: HttpRequest, payload: PlanCreate) -> Any:
    """A critical role: a `job_profile` (with its `department`) or one
    person's position (`incumbent`, in their department). HR admins, or the
    HRBP for the department."""
    user = _user(request)
    role = services.create_role(actor=user, **_related(user, payload.dict()))
    return Status(201, _detail(request, role.pk))


@router.get(PLAN, response={200: PlanOut, **DETAIL_ERRORS})
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    return _detail(request, plan_id)


@router.patch(PLAN, response={200: PlanOut, **UPDATE_ERRORS}, exclude_unset=True)
def update_plan(request: HttpRequest, plan_id: int, payload: PlanPatch) -> Any:
    """Change only the fields sent. Send the `version` you read to be told
    (409) of a concurrent change."""
    user = _user(request)
    role = _role(request, plan_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    services.update_role(actor=user, role=role, expected_version=version, **_related(user, changes))
    return _detail(request, plan_id)


@router.delete(PLAN, response={204: None, **UPDATE_ERRORS})
def delete_plan(request: HttpRequest, plan_id: int, params: Query[VersionParams]) -> Any:
    """Delete the critical role and its successors (audited)."""
    role = _role(request, plan_id)
    services.delete_role(actor=_user(request), role=role, expected_version=params.version)
    return Status(204, None)


@router.post(f"{PLAN}/successors", response={201: SuccessorOut, **UPDATE_ERRORS})
def add_successor(request: HttpRequest, plan_id: int, payload: SuccessorCreate) -> Any:
    """Name a current employee (not the incumbent, not already named) a
    successor, with their readiness."""
    user = _user(request)
    role = _role(request, plan_id)
    values = resolve_related(
        payload.dict(), {"employee": Employee.objects.visible_to(user)}, blank_text=("notes",)
    )
    successor = services.add_successor(actor=user, role=role, **values)
    return Status(201, successor_out(_successor(role, successor.pk)))


@router.patch(SUCCESSOR, response={200: SuccessorOut, **UPDATE_ERRORS}, exclude_unset=True)
def update_successor(
    request: HttpRequest, plan_id: int, successor_id: int, payload: SuccessorPatch
) -> Any:
    """Change a successor's readiness or notes."""
    role = _role(request, plan_id)
    successor = _successor(role, successor_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    if "notes" in changes and changes["notes"] is None:
        changes["notes"] = ""
    services.update_successor(
        actor=_user(request), successor=successor, expected_version=version, **changes
    )
    return successor_out(_successor(role, successor_id))


@router.delete(SUCCESSOR, response={204: None, **UPDATE_ERRORS})
def remove_successor(
    request: HttpRequest, plan_id: int, successor_id: int, params: Query[VersionParams]
) -> Any:
    """Take a successor off the plan (audited)."""
    role = _role(request, plan_id)
    successor = _successor(role, successor_id)
    services.remove_successor(
        actor=_user(request), successor=successor, expected_version=params.version
    )
    return Status(204, None)


@router.get(f"{PLAN}/suggestions", response={200: list[SuggestionOut], **DETAIL_ERRORS})
def list_suggestions(request: HttpRequest, plan_id: int) -> Any:
    """Up to 25 people placed high performance and high potential in their
    latest locked calibration session, whose placement the caller may see;
    the role's job family first. Current successors and the incumbent are
    left out."""
    role = _role(request, plan_id)
    return [suggestion_out(s) for s in selectors.suggestions(_user(request), role)]
