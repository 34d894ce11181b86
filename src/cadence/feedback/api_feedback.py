"""/api/v1 endpoints for feedback, feedback requests and company values;
mounted by feedback/api.py. Thin: who reads what is `visible_to` (see
`cadence.feedback.access`), the rules are `services_feedback`.

    GET  /feedback                                  feedback you may read (filters)
    POST /feedback                                  give feedback or praise
    GET  /feedback/{id}
    GET  /feedback-requests                         requests you made or were asked in
    POST /feedback-requests                         ask colleagues for feedback
    GET  /feedback-requests/{id}
    POST /feedback-requests/{id}/asks/{ask_id}/answer    answer (201, the feedback)
    POST /feedback-requests/{id}/asks/{ask_id}/decline   decline (200, the ask)
    GET  /company-values                            the values feedback can point to

Feedback or a request the caller may not read answers 404; an ask they may
read but not answer (the requester's view of someone else's ask) 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from cadence.api.errors import DETAIL_ERRORS, READ_ERRORS, WRITE_ERRORS, responses
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.api.related import resolve_related
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.feedback import selectors_feedback as selectors
from cadence.feedback import services_feedback as services
from cadence.feedback.models import CompanyValue, Feedback, FeedbackAsk, FeedbackRequest
from cadence.feedback.schemas_feedback import (
    AnswerIn,
    AskOut,
    CompanyValueOut,
    DeclineIn,
    FeedbackFiltersIn,
    FeedbackIn,
    FeedbackOut,
    FeedbackRequestFiltersIn,
    FeedbackRequestIn,
    FeedbackRequestOut,
    ask_out,
    feedback_out,
    request_out,
    value_out,
)
from cadence.goals.models import Objective
from cadence.jobs.models import Competency
from cadence.people.models import Employee

router = Router(tags=["feedback"])

# A write under a record that exists: 404 when it is not visible, 403 when
# it is visible but not the caller's to write.
CHILD_WRITE_ERRORS = responses(400, 401, 403, 404, 422)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _in_organisation(user: User) -> User:
    """Feedback is between people: a login without an employee record (HR
    only, the auditor, an outsider) may read praise but not give or ask."""
    if viewer_for(user).employee_id is None:
        raise PermissionDenied
    return user


def _check_id(value: int) -> None:
    if not 0 < value <= MAX_ID:
        raise Http404


def _links(user: User, values: dict[str, Any]) -> dict[str, Any]:
    """Recipient, competency, value and goal ids as records. An unknown id,
    or a goal or person the caller cannot see, is an error on that field."""
    in_org = viewer_for(user).in_organisation
    sources: dict[str, models.QuerySet[Any]] = {
        "recipient": Employee.objects.visible_to(user),
        "competency": Competency.objects.all() if in_org else Competency.objects.none(),
        "value": CompanyValue.objects.all() if in_org else CompanyValue.objects.none(),
        "goal": Objective.objects.visible_to(user),
    }
    return resolve_related(values, sources, blank_text=())


def _one_feedback(user: User, feedback_id: int) -> dict[str, Any]:
    _check_id(feedback_id)
    try:
        item = selectors.get_visible_feedback(user, feedback_id)
    except Feedback.DoesNotExist:
        raise Http404 from None
    return feedback_out(item, selectors.visible_goal_ids(user, [item]))


# --- feedback ----------------------------------------------------------------


@router.get("/feedback", response={200: Page[FeedbackOut], **READ_ERRORS}, summary="List feedback")
def list_feedback(
    request: HttpRequest, filters: Query[FeedbackFiltersIn], page: Query[PageParams]
) -> Any:
    """The feedback you may read, newest first: what you gave, what you
    received (not manager-only), what your reports received when it was
    shared with managers, answers to your requests, and public praise."""
    user = _user(request)
    queryset = selectors.feedback_for(
        user,
        selectors.FeedbackFilters(
            recipient=filters.recipient,
            giver=filters.giver,
            visibility=filters.visibility,
            since=filters.since,
            value=filters.value,
            q=filters.q,
        ),
    )
    count, items = paginate(queryset, page)
    goals = selectors.visible_goal_ids(user, items)
    return {"count": count, "items": [feedback_out(f, goals) for f in items]}


@router.post("/feedback", response={201: FeedbackOut, **WRITE_ERRORS}, summary="Give feedback")
def give_feedback(request: HttpRequest, payload: FeedbackIn) -> Any:
    """Feedback or praise for a current colleague. Only people in the
    organisation give feedback (403 for other logins)."""
    user = _in_organisation(_user(request))
    given = services.give_feedback(actor=user, **_links(user, payload.dict()))
    return Status(201, _one_feedback(user, given.pk))


@router.get(
    "/feedback/{feedback_id}", response={200: FeedbackOut, **DETAIL_ERRORS}, summary="Read feedback"
)
def get_feedback(request: HttpRequest, feedback_id: int) -> Any:
    return _one_feedback(_user(request), feedback_id)


# --- feedback requests ---------------------------------------------------------


def _requests_json(user: User, requests: list[FeedbackRequest]) -> list[dict[str, Any]]:
    """The requests with their visible asks and readable answers (two queries)."""
    asks = [a for r in requests for a in selectors.asks_of(r)]
    readable = selectors.readable_answer_ids(user, asks)
    answers = [f for f in map(selectors.answer_of, asks) if f is not None and f.pk in readable]
    goals = selectors.visible_goal_ids(user, answers)
    return [request_out(r, selectors.asks_of(r), readable, goals) for r in requests]


def _visible_request(user: User, request_id: int) -> FeedbackRequest:
    _check_id(request_id)
    found = selectors.requests_for(user).filter(pk=request_id).first()
    if found is None:
        raise Http404
    return found


@router.get(
    "/feedback-requests",
    response={200: Page[FeedbackRequestOut], **READ_ERRORS},
    summary="List feedback requests",
)
def list_requests(
    request: HttpRequest, filters: Query[FeedbackRequestFiltersIn], page: Query[PageParams]
) -> Any:
    """Requests you made (with every ask and the answers) and requests you
    were asked in (with your own ask), newest first."""
    user = _user(request)
    made = {"made": True, "asked": False}.get(filters.role or "")
    queryset = selectors.requests_for(user, made=made)
    if filters.subject is not None:
        queryset = queryset.filter(subject_id=filters.subject)
    count, items = paginate(queryset, page)
    return {"count": count, "items": _requests_json(user, list(items))}


@router.post(
    "/feedback-requests",
    response={201: FeedbackRequestOut, **WRITE_ERRORS},
    summary="Ask for feedback",
)
def create_request(request: HttpRequest, payload: FeedbackRequestIn) -> Any:
    """Ask colleagues for feedback on yourself or (as a manager) on someone
    in your reporting line; each person asked is notified."""
    user = _in_organisation(_user(request))
    values = resolve_related(
        {"subject": payload.subject}, {"subject": Employee.objects.visible_to(user)}
    )
    visible = Employee.objects.visible_to(user).in_bulk(set(payload.responders))
    missing = [i for i in payload.responders if i not in visible]
    if missing:
        raise ValidationError({"responders": f"There is no employee with id {missing[0]}."})
    made = services.request_feedback(
        actor=user,
        subject=values["subject"],
        # In the order sent, repeats kept, so a repeat is reported by name.
        responders=[visible[i] for i in payload.responders],
        message=payload.message,
        due_on=payload.due_on,
    )
    return Status(201, _requests_json(user, [_visible_request(user, made.pk)])[0])


@router.get(
    "/feedback-requests/{request_id}",
    response={200: FeedbackRequestOut, **DETAIL_ERRORS},
    summary="Read a feedback request",
)
def get_request(request: HttpRequest, request_id: int) -> Any:
    user = _user(request)
    return _requests_json(user, [_visible_request(user, request_id)])[0]


def _visible_ask(user: User, request_id: int, ask_id: int) -> FeedbackAsk:
    _check_id(request_id)
    _check_id(ask_id)
    ask = FeedbackAsk.objects.visible_to(user).filter(pk=ask_id, request_id=request_id).first()
    if ask is None:
        raise Http404
    return ask


@router.post(
    "/feedback-requests/{request_id}/asks/{ask_id}/answer",
    response={201: FeedbackOut, **CHILD_WRITE_ERRORS},
    summary="Answer a feedback request",
)
def answer_ask(request: HttpRequest, request_id: int, ask_id: int, payload: AnswerIn) -> Any:
    """Only the person asked answers, once; the feedback goes to the
    request's subject and the requester can read it."""
    user = _user(request)
    ask = _visible_ask(user, request_id, ask_id)
    given = services.give_feedback(actor=user, ask=ask, **_links(user, payload.dict()))
    return Status(201, _one_feedback(user, given.pk))


@router.post(
    "/feedback-requests/{request_id}/asks/{ask_id}/decline",
    response={200: AskOut, **CHILD_WRITE_ERRORS},
    summary="Decline a feedback request",
)
def decline_ask(request: HttpRequest, request_id: int, ask_id: int, payload: DeclineIn) -> Any:
    """Only the person asked declines, while the ask is pending."""
    user = _user(request)
    ask = services.decline_ask(
        actor=user, ask=_visible_ask(user, request_id, ask_id), reason=payload.reason
    )
    return ask_out(ask, set(), [])


# --- company values --------------------------------------------------------------


@router.get(
    "/company-values",
    response={200: Page[CompanyValueOut], **READ_ERRORS},
    summary="List company values",
)
def list_values(request: HttpRequest, page: Query[PageParams], active: bool | None = None) -> Any:
    """The values feedback can point to (`active=true`: only those in use)."""
    if not viewer_for(_user(request)).in_organisation:
        return {"count": 0, "items": []}
    queryset = CompanyValue.objects.order_by("name", "id")
    if active is not None:
        queryset = queryset.filter(active=active)
    count, items = paginate(queryset, page)
    return {"count": count, "items": [value_out(v) for v in items]}
