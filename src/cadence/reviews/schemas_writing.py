"""What the API takes and gives for writing reviews. An assignment's
`items` and `answers` are ABSENT unless the caller is its reviewer or an
HR admin: everyone else who may see an assignment reads its metadata only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StringConstraints

from cadence.api.fields import MAX_ID, Id, NoNul, text_limits
from cadence.reviews.form_items import FormItem, ItemSource
from cadence.reviews.models import (
    AnswerAudience,
    AssignmentStatus,
    QuestionKind,
    ReviewAssignment,
    ReviewerKind,
    SectionKind,
    Stage,
)
from cadence.reviews.services_writing import MAX_TEXT_CHARS

ItemKey = Annotated[
    str,
    StringConstraints(pattern=r"^[qgc][1-9][0-9]{0,17}$"),
    Field(description='"q<id>" a question, "g<id>" a goal, "c<id>" a competency.'),
]
AnswerText = Annotated[str, text_limits(MAX_TEXT_CHARS), NoNul]
ChoiceText = Annotated[str, text_limits(200), NoNul]
Version = Annotated[
    int, Field(ge=1, le=MAX_ID, description="The version you read; 409 if it has moved on.")
]
ReviewerFilter = Annotated[
    str,
    StringConstraints(pattern=r"^(me|[1-9][0-9]{0,17})$"),
    Field(description='An employee id, or "me" for the reviews you write.'),
]


# --- output ------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class CycleRef(Schema):
    id: int
    name: str
    stage: Stage


class SectionRef(Schema):
    id: int
    title: str
    kind: SectionKind


class ScaleLevelOut(Schema):
    value: Decimal
    label: str
    description: str


class FormItemOut(Schema):
    """One thing the review answers. Send its `key` in PATCH answers."""

    key: str
    source: ItemSource
    kind: QuestionKind = Field(description="Goals and competencies are ratings.")
    section: SectionRef
    label: str
    help_text: str
    required: bool
    audience: AnswerAudience = Field(description="Who may read the answer besides HR.")
    levels: list[ScaleLevelOut] = Field(description="For ratings: the scale's levels.")
    allow_unable_to_rate: bool
    choices: list[str] = Field(description="For multiple choice.")
    word_limit: int | None
    goal_id: int | None
    competency_id: int | None
    question_id: int | None
    expected_level: int | None = Field(description="Competencies: the proficiency the job expects.")
    expected_level_name: str


class AnswerOut(Schema):
    item: str
    rating: Decimal | None
    unable_to_rate: bool
    text: str
    choice: str


class AssignmentOut(Schema):
    """A review to write: who about whom, of which kind, where it stands."""

    id: int
    cycle: CycleRef
    kind: ReviewerKind
    status: AssignmentStatus
    reviewer: Ref
    reviewee: Ref
    due_on: dt.date | None = Field(description="The deadline of the phase this review belongs to.")
    submitted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = Field(description="Send it back when saving or submitting.")


class AssignmentDetailOut(AssignmentOut):
    """`items`, `answers`, `can_write` and `locked_reason` only for the
    reviewer and HR admins."""

    items: list[FormItemOut] | None = None
    answers: list[AnswerOut] | None = None
    can_write: bool | None = Field(None, description="Whether you may save and submit now.")
    locked_reason: str | None = Field(None, description="Why it cannot be written now, if so.")


def assignment_out(assignment: ReviewAssignment, *, due_on: dt.date | None) -> dict[str, Any]:
    cycle, reviewer, reviewee = assignment.cycle, assignment.reviewer, assignment.reviewee
    return {
        "id": assignment.pk,
        "cycle": {"id": cycle.pk, "name": cycle.name, "stage": cycle.stage},
        "kind": assignment.kind,
        "status": assignment.status,
        "reviewer": {"id": reviewer.pk, "name": reviewer.full_name},
        "reviewee": {"id": reviewee.pk, "name": reviewee.full_name},
        "due_on": due_on,
        "submitted_at": assignment.submitted_at,
        "created_at": assignment.created_at,
        "updated_at": assignment.updated_at,
        "version": assignment.version,
    }


def item_out(item: FormItem) -> dict[str, Any]:
    return {
        "key": item.key,
        "source": item.source,
        "kind": item.kind,
        "section": {"id": item.section_id, "title": item.section_title, "kind": item.section_kind},
        "label": item.label,
        "help_text": item.help_text,
        "required": item.required,
        "audience": item.audience,
        "levels": [
            {"value": lv.value, "label": lv.label, "description": lv.description}
            for lv in item.levels
        ],
        "allow_unable_to_rate": item.allow_unable_to_rate,
        "choices": list(item.choices),
        "word_limit": item.word_limit,
        "goal_id": item.goal_id,
        "competency_id": item.competency_id,
        "question_id": item.question_id,
        "expected_level": item.expected_level,
        "expected_level_name": item.expected_level_name,
    }


# --- input -------------------------------------------------------------------


class AssignmentFilters(Schema):
    cycle: Id | None = None
    reviewer: ReviewerFilter | None = None
    reviewee: Id | None = None
    kind: ReviewerKind | None = None
    status: AssignmentStatus | None = None


class AnswerIn(Schema):
    """Only the fields sent change; null (or "") clears one. A rating
    clears "unable to rate" and "unable to rate" clears the rating. A
    rating may carry a comment in `text`."""

    rating: Annotated[Decimal, Field(ge=0, max_digits=5, decimal_places=2)] | None = None
    unable_to_rate: bool | None = None
    text: AnswerText | None = None
    choice: ChoiceText | None = None


class AnswersPatch(Schema):
    """Some or all answers of the review, by item key."""

    version: Version
    answers: dict[ItemKey, AnswerIn] = Field(default_factory=dict)


class SubmitIn(Schema):
    version: Version
