"""What the API takes and gives for review results. The JSON is built from
disclosure.ResultView, so it carries exactly what the caller may read: the
fields a caller may not read are ABSENT, and an anonymous peer or upward
answer has no `reviewer` and no id or index that would tie it to a writer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from cadence.api.fields import MAX_ID, Id, LongText
from cadence.reviews.disclosure import (
    AnswerView,
    Average,
    GroupStatus,
    ItemView,
    LevelRef,
    PersonRef,
    ResultView,
    Role,
    SectionView,
)
from cadence.reviews.models import AnswerAudience, QuestionKind, ReviewerKind, SectionKind, Stage

Version = Annotated[
    int, Field(ge=1, le=MAX_ID, description="The version you read; 409 if it has moved on.")
]


# --- output ------------------------------------------------------------------


class ResultPersonOut(Schema):
    id: int
    name: str


class ResultCycleOut(Schema):
    id: int
    name: str


class ResultLevelOut(Schema):
    id: int
    value: Decimal
    label: str


class ResultAverageOut(Schema):
    """An average that may be withheld: `value` is there only when shown."""

    status: GroupStatus = Field(
        description='"shown"; "not_enough_answers" below the minimum group size; "none".'
    )
    value: Decimal | None = None
    reviews: int | None = Field(None, description="How many reviewers it averages, when shown.")


class ResultGroupOut(Schema):
    """How one kind of review is disclosed in this result."""

    kind: ReviewerKind
    status: GroupStatus
    attributed: bool = Field(description="Whether its answers name their writer.")
    reviews: int | None = Field(None, description="How many were submitted, when shown.")


class ResultAnswerOut(Schema):
    reviewer_kind: ReviewerKind
    reviewer: ResultPersonOut | None = Field(
        None, description="Absent when the answer is anonymous to the caller."
    )
    rating: Decimal | None
    unable_to_rate: bool
    text: str
    choice: str


class ResultItemOut(Schema):
    key: str = Field(description='"q<id>" a question, "g<id>" a goal, "c<id>" a competency.')
    label: str
    kind: QuestionKind
    audience: AnswerAudience
    answers: list[ResultAnswerOut] = Field(
        description="Named writers first; anonymous answers ordered by their content."
    )


class ResultSectionOut(Schema):
    id: int
    title: str
    kind: SectionKind
    weight: Decimal
    manager_score: Decimal | None = Field(
        description="The manager review's score for the items the caller may read."
    )
    averages: dict[str, ResultAverageOut] = Field(description="By kind: self, peer, upward.")
    items: list[ResultItemOut]


class ResultOut(Schema):
    """A result as the caller may read it. `final_level` is there when the
    caller may read the rating; the computed score, the manager's rating
    with its reason, the calibrated rating, the acknowledgement comment and
    the averages only when they may read the details."""

    id: int
    version: int = Field(description="Send it back when proposing a rating.")
    viewer_role: Role
    cycle: ResultCycleOut
    employee: ResultPersonOut
    employee_number: str
    department: str | None
    manager: ResultPersonOut | None
    details: bool = Field(description="Whether the caller reads the scores and answers.")
    released: bool
    released_at: dt.datetime | None
    acknowledged: bool
    acknowledged_at: dt.datetime | None
    acknowledgement_comment: str | None = None
    final_level: ResultLevelOut | None = None
    computed_score: Decimal | None = None
    computed_level: ResultLevelOut | None = None
    manager_level: ResultLevelOut | None = None
    override_reason: str | None = None
    calibrated_level: ResultLevelOut | None = None
    calibration_reason: str | None = None
    averages: dict[str, ResultAverageOut] | None = Field(
        None, description="Self, peer and upward averages, weighted like the computed score."
    )


class ResultDetailOut(ResultOut):
    groups: list[ResultGroupOut] | None = None
    sections: list[ResultSectionOut] | None = None


class ReleaseOut(Schema):
    released: int = Field(description="Results released by this call.")
    not_ready: int = Field(description="Participants in scope whose result has no rating yet.")
    cycle_released: bool = Field(description="Whether every participant's result is now out.")
    cycle_stage: Stage


def _person(person: PersonRef | None) -> dict[str, Any] | None:
    return None if person is None else {"id": person.id, "name": person.name}


def _level(level: LevelRef | None) -> dict[str, Any] | None:
    if level is None:
        return None
    return {"id": level.id, "value": level.value, "label": level.label}


def _average(average: Average) -> dict[str, Any]:
    out: dict[str, Any] = {"status": average.status}
    if average.shown:
        out["value"], out["reviews"] = average.value, average.reviews
    return out


def _answer(answer: AnswerView) -> dict[str, Any]:
    out: dict[str, Any] = {
        "reviewer_kind": answer.reviewer_kind,
        "rating": answer.rating,
        "unable_to_rate": answer.unable_to_rate,
        "text": answer.text,
        "choice": answer.choice,
    }
    if answer.reviewer is not None:
        out["reviewer"] = _person(answer.reviewer)
    return out


def _item(item: ItemView) -> dict[str, Any]:
    return {
        "key": item.key,
        "label": item.label,
        "kind": item.kind,
        "audience": item.audience,
        "answers": [_answer(a) for a in item.answers],
    }


def _section(section: SectionView) -> dict[str, Any]:
    return {
        "id": section.id,
        "title": section.title,
        "kind": section.kind,
        "weight": section.weight,
        "manager_score": section.manager_score,
        "averages": {kind: _average(a) for kind, a in section.averages.items()},
        "items": [_item(i) for i in section.items],
    }


def result_out(view: ResultView) -> dict[str, Any]:
    """The JSON for one result: what the caller may not read is left out."""
    out: dict[str, Any] = {
        "id": view.id,
        "version": view.version,
        "viewer_role": view.role,
        "cycle": {"id": view.cycle_id, "name": view.cycle_name},
        "employee": _person(view.employee),
        "employee_number": view.employee_number,
        "department": view.department,
        "manager": _person(view.manager),
        "details": view.details,
        "released": view.released,
        "released_at": view.released_at,
        "acknowledged": view.acknowledged,
        "acknowledged_at": view.acknowledged_at,
    }
    if view.final:
        out["final_level"] = _level(view.final_level)
    if view.details:
        out.update(
            acknowledgement_comment=view.acknowledgement_comment,
            computed_score=view.computed_score,
            computed_level=_level(view.computed_level),
            manager_level=_level(view.manager_level),
            override_reason=view.override_reason,
            calibrated_level=_level(view.calibrated_level),
            calibration_reason=view.calibration_reason,
        )
        if view.averages:
            out["averages"] = {kind: _average(a) for kind, a in view.averages.items()}
    return out


def result_detail_out(view: ResultView) -> dict[str, Any]:
    out = result_out(view)
    if view.details:
        out["groups"] = [
            {"kind": g.kind, "status": g.status, "attributed": g.attributed, "reviews": g.reviews}
            for g in view.groups
        ]
        out["sections"] = [_section(s) for s in view.sections]
    return out


# --- input -------------------------------------------------------------------


class ResultFiltersIn(Schema):
    department: Id | None = Field(None, description="Results in this department or below it.")
    level: Id | None = Field(None, description="Results whose final rating is this level.")
    released: bool | None = None
    acknowledged: bool | None = None


class RatingProposal(Schema):
    """The manager's proposed final rating. A reason is required when it
    differs from the computed rating."""

    level: Id = Field(description="A level of the cycle's rating scale.")
    reason: LongText = ""
    version: Version | None = None


class AcknowledgementIn(Schema):
    comment: LongText = ""


class ReleaseIn(Schema):
    department: Id | None = Field(
        None, description="Release only this department and those below it; all when absent."
    )
