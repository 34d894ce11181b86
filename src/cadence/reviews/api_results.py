"""/api/v1 endpoints of the reviews app for results; mounted by reviews/api.py.
Thin: which results the caller may see comes from `visible_to`, what they
may read inside one from disclosure.py, the rules of each write from
services_results.py. A result or cycle the caller may not see answers 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router

from cadence.api.errors import DETAIL_ERRORS, UPDATE_ERRORS, responses
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.api.related import resolve_related
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.people.models import Department
from cadence.reviews import selectors_results as selectors
from cadence.reviews import services_results as services
from cadence.reviews.access import can_manage_cycles
from cadence.reviews.disclosure import disclose, summarise
from cadence.reviews.models import Cycle, RatingLevel, ReviewResult
from cadence.reviews.schemas_results import (
    AcknowledgementIn,
    RatingProposal,
    ReleaseIn,
    ReleaseOut,
    ResultDetailOut,
    ResultFiltersIn,
    ResultOut,
    result_detail_out,
    result_out,
)

router = Router(tags=["reviews"])

# A write to a record that exists: 404 when it is not visible, 403 when it
# is visible but not the caller's to change.
CHILD_WRITE_ERRORS = responses(400, 401, 403, 404, 422)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    if not 0 < cycle_id <= MAX_ID:
        raise Http404
    return selectors.visible_cycle(_user(request), cycle_id)


def _result(request: HttpRequest, result_id: int) -> ReviewResult:
    if not 0 < result_id <= MAX_ID:
        raise Http404
    return selectors.visible_result(_user(request), result_id)


def _detail(request: HttpRequest, result_id: int) -> dict[str, Any]:
    """The disclosed result, read afresh (after a write)."""
    return result_detail_out(disclose(_result(request, result_id), _user(request)))


@router.get(
    "/cycles/{cycle_id}/results",
    response={200: Page[ResultOut], **DETAIL_ERRORS},
    summary="List a cycle's results",
    exclude_unset=True,
)
def list_results(
    request: HttpRequest, cycle_id: int, filters: Query[ResultFiltersIn], page: Query[PageParams]
) -> Any:
    """The cycle's results the caller may see — HR admin: all; HRBP: their
    departments; a manager: their reports'; an employee: their own once
    released — each as far as the caller may read it, with the self, peer
    and upward averages (withheld below the cycle's minimum group size)."""
    user = _user(request)
    cycle = _cycle(request, cycle_id)
    queryset = selectors.cycle_results(
        user,
        cycle,
        selectors.ResultFilters(
            department=filters.department,
            level=filters.level,
            released=filters.released,
            acknowledged=filters.acknowledged,
        ),
    )
    count, results = paginate(queryset, page)
    views = summarise(list(results), user, with_averages=True)
    return {"count": count, "items": [result_out(v) for v in views]}


@router.get(
    "/results/{result_id}",
    response={200: ResultDetailOut, **DETAIL_ERRORS},
    summary="Read a result",
    exclude_unset=True,
)
def get_result(request: HttpRequest, result_id: int) -> Any:
    """The result with its sections and the answers the caller may read:
    peer and upward answers unattributed when the cycle makes them
    anonymous, and withheld below its minimum group size."""
    return _detail(request, result_id)


@router.post(
    "/results/{result_id}/rating",
    response={200: ResultDetailOut, **UPDATE_ERRORS},
    summary="Propose the final rating",
    exclude_unset=True,
)
def propose_rating(request: HttpRequest, result_id: int, payload: RatingProposal) -> Any:
    """The reviewee's manager chain (or an HR admin) proposes the final
    rating; a reason is required when it differs from the computed rating,
    and both are kept. 403 for anyone else who may see the result; 422 once
    released or without a needed reason; 409 when `version` has moved on."""
    user = _user(request)
    result = _result(request, result_id)
    if not services.can_propose_rating(user, result):
        raise PermissionDenied  # before looking at the body: 403 whatever was sent
    levels = RatingLevel.objects.filter(scale_id=result.cycle.template.rating_scale_id)
    values = resolve_related({"level": payload.level}, {"level": levels})
    services.propose_rating(
        actor=user,
        result=result,
        level=values["level"],
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _detail(request, result_id)


@router.post(
    "/results/{result_id}/acknowledge",
    response={200: ResultDetailOut, **CHILD_WRITE_ERRORS},
    summary="Acknowledge a released result",
    exclude_unset=True,
)
def acknowledge(request: HttpRequest, result_id: int, payload: AcknowledgementIn) -> Any:
    """The employee acknowledges their released result, once, with an
    optional comment their manager chain reads. 403 for anyone else."""
    result = _result(request, result_id)
    services.acknowledge_result(actor=_user(request), result=result, comment=payload.comment)
    return _detail(request, result_id)


@router.post(
    "/cycles/{cycle_id}/release",
    response={200: ReleaseOut, **CHILD_WRITE_ERRORS},
    summary="Release results",
)
def release(request: HttpRequest, cycle_id: int, payload: ReleaseIn) -> Any:
    """HR admins release the cycle's rated results to the employees: all of
    them, or one department and those below it. 422 when nothing in scope
    is ready or the cycle is not at a stage where results are released."""
    user = _user(request)
    cycle = _cycle(request, cycle_id)
    if not can_manage_cycles(user):
        raise PermissionDenied
    departments = (
        Department.objects.all() if viewer_for(user).in_organisation else Department.objects.none()
    )
    values = resolve_related({"department": payload.department}, {"department": departments})
    summary = services.release_results(actor=user, cycle=cycle, department=values["department"])
    cycle.refresh_from_db(fields=["stage"])
    return {
        "released": summary.released,
        "not_ready": summary.not_ready,
        "cycle_released": summary.cycle_released,
        "cycle_stage": cycle.stage,
    }
