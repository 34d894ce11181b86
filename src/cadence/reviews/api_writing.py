"""/api/v1 endpoints for writing reviews: the assignments, one assignment
with its form and answers, saving answers and submitting. Thin: visibility
comes from `ReviewAssignment.objects.visible_to` (via the selectors), rules
from the services. An assignment the caller may not see answers 404; one
they may see but not write answers 403."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from cadence.api.errors import DETAIL_ERRORS, READ_ERRORS, UPDATE_ERRORS
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.reviews import selectors_writing as selectors
from cadence.reviews import services_writing as services
from cadence.reviews.models import ReviewAssignment
from cadence.reviews.schemas_writing import (
    AnswersPatch,
    AssignmentDetailOut,
    AssignmentFilters,
    AssignmentOut,
    SubmitIn,
    assignment_out,
    item_out,
)

router = Router(tags=["reviews"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _visible_assignment(request: HttpRequest, assignment_id: int) -> ReviewAssignment:
    """The assignment, or 404 when the caller may not see it."""
    if not 0 < assignment_id <= MAX_ID:
        raise Http404
    return selectors.get_visible_assignment(_user(request), assignment_id)


def _detail(user: User, assignment_id: int) -> dict[str, Any]:
    """The assignment's metadata, and for its reviewer and HR admins its
    form items and answers."""
    assignment = selectors.get_visible_assignment(user, assignment_id)
    form = selectors.review_form(user, assignment, context="api")
    out = assignment_out(assignment, due_on=form.due_on)
    if form.can_read:
        out["items"] = [item_out(item) for item in form.items]
        out["answers"] = [{"item": key, **values} for key, values in sorted(form.answers.items())]
        out["can_write"] = form.can_write
        out["locked_reason"] = form.locked
    return out


@router.get(
    "/assignments",
    response={200: Page[AssignmentOut], **READ_ERRORS},
    summary="List review assignments",
)
def list_assignments(
    request: HttpRequest, filters: Query[AssignmentFilters], page: Query[PageParams]
) -> Any:
    """The assignments the caller may see (`reviewer=me`: the reviews they
    write), filtered. A reviewee sees no peer, upward or manager review
    about themself here — only their own self review."""
    user = _user(request)
    reviewer: int | None = None
    nobody = False
    if filters.reviewer == "me":
        reviewer = viewer_for(user).employee_id
        nobody = reviewer is None
    elif filters.reviewer is not None:
        reviewer = int(filters.reviewer)
    queryset = selectors.assignment_list(
        user,
        selectors.AssignmentFilters(
            cycle=filters.cycle,
            reviewer=reviewer,
            reviewee=filters.reviewee,
            kind=filters.kind,
            status=filters.status,
        ),
    )
    if nobody:
        queryset = queryset.none()
    count, rows = paginate(queryset, page)
    dues = selectors.due_dates(a.cycle_id for a in rows)
    items = [assignment_out(a, due_on=selectors.due_on(a, dues)) for a in rows]
    return {"count": count, "items": items}


@router.get(
    "/assignments/{assignment_id}",
    response={200: AssignmentDetailOut, **DETAIL_ERRORS},
    summary="Read a review assignment",
    exclude_unset=True,
)
def get_assignment(request: HttpRequest, assignment_id: int) -> Any:
    """Its metadata; for its reviewer (and HR admins, read-only) also the
    form items and the answers so far. 404 when the caller may not see it."""
    assignment = _visible_assignment(request, assignment_id)
    return _detail(_user(request), assignment.pk)


@router.patch(
    "/assignments/{assignment_id}",
    response={200: AssignmentDetailOut, **UPDATE_ERRORS},
    summary="Save answers",
    exclude_unset=True,
)
def save_answers(request: HttpRequest, assignment_id: int, payload: AnswersPatch) -> Any:
    """Save some or all answers (the autosave). Only the reviewer (403 for
    anyone else who may see it), only while it is open and the cycle runs
    (422 otherwise). Send the `version` you read: 409 when the review was
    saved elsewhere since. Field errors are keyed by item."""
    user = _user(request)
    assignment = _visible_assignment(request, assignment_id)
    answers = {key: value.dict(exclude_unset=True) for key, value in payload.answers.items()}
    services.save_answers(
        actor=user, assignment=assignment, answers=answers, expected_version=payload.version
    )
    return _detail(user, assignment.pk)


@router.post(
    "/assignments/{assignment_id}/submit",
    response={200: AssignmentDetailOut, **UPDATE_ERRORS},
    summary="Submit a review",
    exclude_unset=True,
)
def submit_assignment(request: HttpRequest, assignment_id: int, payload: SubmitIn) -> Any:
    """Submit the review; it is then locked. 422 listing every required item
    still unanswered (nothing changes then); 409 on a stale version; 403
    for anyone but the reviewer."""
    user = _user(request)
    assignment = _visible_assignment(request, assignment_id)
    services.submit_assignment(actor=user, assignment=assignment, expected_version=payload.version)
    return _detail(user, assignment.pk)
