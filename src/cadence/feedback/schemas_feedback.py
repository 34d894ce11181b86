"""What the API takes and gives for feedback and feedback requests. A
feedback's `goal` is null when the caller may not see that goal, so a
private goal's title never shows through praise; an ask's `answer` is null
unless the caller may read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from cadence.api.fields import Id, NoNul, SearchText, text_limits
from cadence.feedback.models import (
    AskStatus,
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    FeedbackVisibility,
)
from cadence.feedback.selectors_feedback import answer_of
from cadence.feedback.services_feedback import BODY_MAX, MAX_RESPONDERS, MESSAGE_MAX, REASON_MAX
from cadence.people.models import Employee

Body = Annotated[str, text_limits(BODY_MAX, 1), NoNul]
Message = Annotated[str, text_limits(MESSAGE_MAX), NoNul]
Reason = Annotated[str, text_limits(REASON_MAX), NoNul]


# --- output ------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    name: str


class NamedRef(Schema):
    id: int
    name: str


class GoalRef(Schema):
    id: int
    title: str


class FeedbackOut(Schema):
    id: int
    giver: PersonRef
    recipient: PersonRef
    body: str
    visibility: FeedbackVisibility = Field(description="Chosen by the giver.")
    competency: NamedRef | None
    value: NamedRef | None = Field(description="The company value it points to, if any.")
    goal: GoalRef | None = Field(description="Null too when the goal is hidden from you.")
    request: int | None = Field(description="The feedback request it answers, if any.")
    created_at: dt.datetime


class AskOut(Schema):
    id: int
    responder: PersonRef
    status: AskStatus
    answered_at: dt.datetime | None = Field(description="When it was answered or declined.")
    decline_reason: str
    answer: FeedbackOut | None = Field(description="The answer, when you may read it.")


class FeedbackRequestOut(Schema):
    """A request with the asks you may read: all of them if you made it,
    your own if you were asked."""

    id: int
    requester: PersonRef
    subject: PersonRef
    message: str
    due_on: dt.date
    created_at: dt.datetime
    asks: list[AskOut]


class CompanyValueOut(Schema):
    id: int
    name: str
    description: str
    active: bool = Field(description="Only active values can be chosen for new feedback.")


def _person(employee: Employee) -> dict[str, Any]:
    return {"id": employee.pk, "name": employee.full_name}


def feedback_out(item: Feedback, visible_goals: Iterable[int]) -> dict[str, Any]:
    goal = item.goal if item.goal_id in set(visible_goals) else None
    return {
        "id": item.pk,
        "giver": _person(item.giver),
        "recipient": _person(item.recipient),
        "body": item.body,
        "visibility": item.visibility,
        "competency": (
            {"id": item.competency.pk, "name": item.competency.name} if item.competency else None
        ),
        "value": {"id": item.value.pk, "name": item.value.name} if item.value else None,
        "goal": {"id": goal.pk, "title": goal.title} if goal else None,
        "request": item.ask.request_id if item.ask_id and item.ask else None,
        "created_at": item.created_at,
    }


def ask_out(ask: FeedbackAsk, readable: set[int], visible_goals: Iterable[int]) -> dict[str, Any]:
    answer = answer_of(ask)
    return {
        "id": ask.pk,
        "responder": _person(ask.responder),
        "status": ask.status,
        "answered_at": ask.answered_at,
        "decline_reason": ask.decline_reason,
        "answer": (
            feedback_out(answer, visible_goals)
            if answer is not None and answer.pk in readable
            else None
        ),
    }


def request_out(
    request: FeedbackRequest,
    asks: Iterable[FeedbackAsk],
    readable: set[int],
    visible_goals: Iterable[int],
) -> dict[str, Any]:
    goals = set(visible_goals)
    return {
        "id": request.pk,
        "requester": _person(request.requester),
        "subject": _person(request.subject),
        "message": request.message,
        "due_on": request.due_on,
        "created_at": request.created_at,
        "asks": [ask_out(a, readable, goals) for a in asks],
    }


def value_out(value: CompanyValue) -> dict[str, Any]:
    return {
        "id": value.pk,
        "name": value.name,
        "description": value.description,
        "active": value.active,
    }


# --- input -------------------------------------------------------------------


class FeedbackFiltersIn(Schema):
    recipient: Id | None = Field(None, description="Feedback to this employee.")
    giver: Id | None = Field(None, description="Feedback from this employee.")
    visibility: FeedbackVisibility | None = None
    value: Id | None = Field(None, description="Feedback pointing to this company value.")
    since: dt.date | None = Field(None, description="Given on or after this day.")
    q: SearchText = Field("", description="Words in the text or the names.")


class FeedbackLinks(Schema):
    """What feedback can point to, by id (all optional)."""

    competency: Id | None = None
    value: Id | None = Field(None, description="An active company value.")
    goal: Id | None = Field(None, description="A goal you can see.")


class FeedbackIn(FeedbackLinks):
    """Feedback or praise for a current colleague (not yourself)."""

    recipient: Id
    body: Body
    visibility: FeedbackVisibility = FeedbackVisibility.PRIVATE


class AnswerIn(FeedbackLinks):
    """An answer to a feedback request you were asked in; it goes to the
    request's subject. `manager_only` is refused when the requester asked
    about themself (they read every answer)."""

    body: Body
    visibility: FeedbackVisibility = FeedbackVisibility.PRIVATE


class DeclineIn(Schema):
    reason: Reason = Field("", description="Optional; the requester reads it.")


class FeedbackRequestIn(Schema):
    """Ask 1–10 current colleagues (not yourself, not the subject) for
    feedback on yourself (no `subject`) or on someone who reports to you."""

    subject: Id | None = Field(None, description="Leave out for feedback on yourself.")
    responders: list[Id] = Field(
        max_length=5 * MAX_RESPONDERS,
        description=f"Employee ids of the people to ask (1–{MAX_RESPONDERS}).",
    )
    message: Message = ""
    due_on: dt.date = Field(description="Today or later.")


class FeedbackRequestFiltersIn(Schema):
    role: Literal["made", "asked"] | None = Field(
        None, description="Only the requests you made, or only those you were asked in."
    )
    subject: Id | None = Field(None, description="Requests about this employee.")
