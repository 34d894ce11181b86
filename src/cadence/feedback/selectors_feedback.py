"""Reads of feedback and feedback requests, always starting from
`visible_to` (see `cadence.feedback.access`). Each returns a queryset with
the relations its rows show already joined, so a page or an API list runs a
fixed number of queries whatever its size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.feedback.models import (
    AskStatus,
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    FeedbackVisibility,
)
from cadence.goals.models import Objective
from cadence.people.models import Department, Employee, EmploymentStatus
from cadence.people.search import person_matches, words

FEEDBACK_RELATIONS = (
    "giver",
    "recipient",
    "recipient__department",
    "competency",
    "value",
    "goal",
    "ask",
)


@dataclass(frozen=True)
class FeedbackFilters:
    """Narrow a list of feedback; every field optional."""

    recipient: int | None = None
    giver: int | None = None
    visibility: str | None = None
    since: dt.date | None = None
    value: int | None = None
    department: int | None = None
    q: str = ""


def _words(q: str) -> Q:
    condition = Q()
    for word in words(q):
        condition &= (
            Q(body__icontains=word)
            | person_matches(word, "recipient__")
            | person_matches(word, "giver__")
        )
    return condition


def feedback_for(user: User, filters: FeedbackFilters | None = None) -> QuerySet[Feedback]:
    """The feedback `user` may read, newest first, filtered."""
    f = filters or FeedbackFilters()
    qs = Feedback.objects.visible_to(user).select_related(*FEEDBACK_RELATIONS)
    if f.recipient is not None:
        qs = qs.filter(recipient_id=f.recipient)
    if f.giver is not None:
        qs = qs.filter(giver_id=f.giver)
    if f.visibility:
        qs = qs.filter(visibility=f.visibility)
    if f.since is not None:
        qs = qs.filter(created_at__date__gte=f.since)
    if f.value is not None:
        qs = qs.filter(value_id=f.value)
    if f.department is not None:
        path = Department.objects.filter(pk=f.department).values_list("path", flat=True).first()
        qs = qs.filter(recipient__department__path__startswith=path) if path else qs.none()
    if f.q.strip():
        qs = qs.filter(_words(f.q.strip()[:200]))
    return qs.order_by("-created_at", "-id")


def praise_wall(user: User, filters: FeedbackFilters | None = None) -> QuerySet[Feedback]:
    """Public praise, newest first: the praise wall."""
    f = filters or FeedbackFilters()
    return feedback_for(
        user,
        FeedbackFilters(
            visibility=FeedbackVisibility.PUBLIC,
            value=f.value,
            department=f.department,
            q=f.q,
            since=f.since,
        ),
    )


def received(user: User) -> QuerySet[Feedback]:
    """Feedback to the signed-in person that they may read (never their
    manager-only feedback)."""
    me = viewer_for(user).employee_id
    if me is None:
        return Feedback.objects.none()
    return feedback_for(user, FeedbackFilters(recipient=me))


def given(user: User) -> QuerySet[Feedback]:
    """Feedback the signed-in person gave."""
    me = viewer_for(user).employee_id
    if me is None:
        return Feedback.objects.none()
    return feedback_for(user, FeedbackFilters(giver=me))


def about_team(user: User) -> QuerySet[Feedback]:
    """Feedback to the signed-in manager's direct and indirect reports that
    they may read (recipient-and-manager, manager-only, public, and what
    they gave or asked for)."""
    return feedback_for(user).filter(viewer_for(user).reports_q("recipient__"))


def manages_anyone(user: User) -> bool:
    """Whether the signed-in person has any current report (one query)."""
    me = viewer_for(user).employee_id
    return (
        me is not None
        and Employee.objects.filter(manager_id=me)
        .exclude(status=EmploymentStatus.TERMINATED)
        .exists()
    )


def visible_goal_ids(user: User, feedback: Iterable[Feedback]) -> set[int]:
    """Of the goals the feedback points to, those `user` may see (one query):
    a private goal's title must not leak through public praise."""
    goal_ids = {f.goal_id for f in feedback if f.goal_id is not None}
    if not goal_ids:
        return set()
    return set(
        Objective.objects.visible_to(user).filter(pk__in=goal_ids).values_list("pk", flat=True)
    )


def get_visible_feedback(user: User, pk: int) -> Feedback:
    """One piece of feedback, or Feedback.DoesNotExist when `user` may not read it."""
    return feedback_for(user).get(pk=pk)


def active_values() -> QuerySet[CompanyValue]:
    """The values new feedback may point to."""
    return CompanyValue.objects.filter(active=True).order_by("name")


# --- feedback requests -------------------------------------------------------------


def _asks_for(user: User) -> QuerySet[FeedbackAsk]:
    # The answer is joined; whether the viewer may read it is decided per row
    # with `readable_answer_ids` (the requester and the giver always may).
    return (
        FeedbackAsk.objects.visible_to(user)
        .select_related("responder", *(f"answer__{r}" for r in FEEDBACK_RELATIONS if r != "ask"))
        .order_by("responder__last_name", "responder__first_name", "id")
    )


def requests_for(user: User, *, made: bool | None = None) -> QuerySet[FeedbackRequest]:
    """The feedback requests `user` may read, newest first, each with the
    asks they may read (all of them for the requester, their own for a
    person asked) prefetched. `made=True`: only theirs; False: only those
    they were asked in."""
    me = viewer_for(user).employee_id
    qs = FeedbackRequest.objects.visible_to(user)
    if made is True:
        qs = qs.filter(requester_id=me)
    elif made is False:
        qs = qs.exclude(requester_id=me)
    return (
        qs.select_related("requester", "subject")
        .prefetch_related(Prefetch("asks", queryset=_asks_for(user), to_attr="visible_asks"))
        .order_by("-created_at", "-id")
    )


def asks_of(request: FeedbackRequest) -> list[FeedbackAsk]:
    """The asks `requests_for` prefetched on a request (those its viewer may read)."""
    asks: list[FeedbackAsk] = getattr(request, "visible_asks", [])
    return asks


def asks_to_answer(user: User, *, pending_only: bool = False) -> QuerySet[FeedbackAsk]:
    """The asks sent to the signed-in person, still-pending first, then by due date."""
    me = viewer_for(user).employee_id
    if me is None:
        return FeedbackAsk.objects.none()
    qs = FeedbackAsk.objects.filter(responder_id=me)
    if pending_only:
        qs = qs.filter(status=AskStatus.PENDING)
    waiting_first = Case(When(status=AskStatus.PENDING, then=Value(0)), default=Value(1))
    return qs.select_related("request__requester", "request__subject", "answer").order_by(
        waiting_first, "request__due_on", "id"
    )


def get_ask_to_answer(user: User, pk: int) -> FeedbackAsk:
    """An ask sent to `user`, or FeedbackAsk.DoesNotExist (also for the
    requester: only the person asked answers)."""
    return asks_to_answer(user).get(pk=pk)


def readable_answer_ids(user: User, asks: Iterable[FeedbackAsk]) -> set[int]:
    """Of the answers to these asks, the ones `user` may read (one query)."""
    answers = (answer_of(a) for a in asks)
    answer_ids = {a.pk for a in answers if a is not None}
    if not answer_ids:
        return set()
    return set(
        Feedback.objects.visible_to(user).filter(pk__in=answer_ids).values_list("pk", flat=True)
    )


def answer_of(ask: FeedbackAsk) -> Feedback | None:
    """The feedback answering `ask`, if any (already joined by the selectors)."""
    try:
        return ask.answer
    except Feedback.DoesNotExist:
        return None


# --- choosing people ---------------------------------------------------------------


def colleagues(
    user: User, q: str, *, exclude: Iterable[int] = (), limit: int = 20
) -> list[Employee]:
    """Current colleagues `user` may see whose name, email or employee number
    matches `q`, for the pickers (one query; nothing without a search)."""
    q = q.strip()[:100]
    if not q:
        return []
    matches = Q()
    for word in words(q):
        matches &= person_matches(word, contact=True)
    return list(
        Employee.objects.visible_to(user)
        .filter(matches)
        .exclude(status=EmploymentStatus.TERMINATED)
        .exclude(pk__in=[*exclude, viewer_for(user).employee_id or 0])
        .select_related("department")
        .order_by("last_name", "first_name", "id")[:limit]
    )


def employees_by_id(user: User, ids: Iterable[int]) -> list[Employee]:
    """The visible employees with these ids, by name (one query)."""
    wanted = [i for i in ids if isinstance(i, int)]
    if not wanted:
        return []
    return list(
        Employee.objects.visible_to(user)
        .filter(pk__in=wanted)
        .select_related("department")
        .order_by("last_name", "first_name", "id")
    )
