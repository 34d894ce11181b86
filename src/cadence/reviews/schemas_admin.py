"""What the API takes and gives for rating scales and review templates.
A template travels whole: its sections in order, each with its questions.
Send a section's or question's `id` back to keep it (and the answers that
refer to it); leave it out to add one; leave a section or question out of
the list to remove it."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from cadence.api.fields import MAX_ID, Id, LongText, NoNul, SearchText, text_limits
from cadence.reviews.models import (
    AnswerAudience,
    QuestionKind,
    RatingScale,
    ReviewerKind,
    ReviewTemplate,
    SectionKind,
)
from cadence.reviews.selectors_admin import TemplateStructure
from cadence.reviews.services_admin import (
    MAX_CHOICE_LENGTH,
    MAX_CHOICES,
    MAX_LEVEL_VALUE,
    MAX_LEVELS,
    MAX_QUESTIONS,
    MAX_SECTIONS,
    MAX_WEIGHT,
    MAX_WORD_LIMIT,
)

ScaleName = Annotated[str, text_limits(120, 1), NoNul]
TemplateName = Annotated[str, text_limits(150, 1), NoNul]
LevelLabel = Annotated[str, text_limits(80, 1), NoNul]
Title = Annotated[str, text_limits(150, 1), NoNul]
QuestionText = Annotated[str, text_limits(500, 1), NoNul]
ChoiceText = Annotated[str, text_limits(MAX_CHOICE_LENGTH), NoNul]
LevelValue = Annotated[Decimal, Field(ge=0, le=MAX_LEVEL_VALUE, max_digits=5, decimal_places=2)]
Weight = Annotated[Decimal, Field(ge=0, le=MAX_WEIGHT, max_digits=6, decimal_places=2)]
WordLimit = Annotated[int, Field(ge=1, le=MAX_WORD_LIMIT)]
Version = Annotated[int, Field(ge=1, le=MAX_ID)]


def _default_kinds() -> list[ReviewerKind]:
    return [ReviewerKind.SELF, ReviewerKind.MANAGER]


ReviewerKinds = Annotated[
    list[ReviewerKind],
    Field(
        min_length=1,
        max_length=len(ReviewerKind.values),
        description="Who answers: any of self, manager, peer, upward.",
    ),
]


# --- output ------------------------------------------------------------------


class ScaleRef(Schema):
    id: int
    name: str


class LevelOut(Schema):
    id: int
    value: Decimal
    label: str
    description: str


class RatingScaleOut(Schema):
    id: int
    name: str
    description: str
    allow_unable_to_rate: bool
    is_archived: bool
    levels: list[LevelOut] = Field(description="In value order.")
    template_count: int = Field(description="Templates using this scale.")
    values_locked: bool = Field(
        description="A launched cycle uses this scale: its values may not change, "
        "labels and descriptions may."
    )
    version: int = Field(description="Send it back with PATCH to refuse a concurrent edit.")


class QuestionOut(Schema):
    id: int
    kind: QuestionKind
    text: str
    help_text: str
    required: bool
    word_limit: int | None = Field(description="Text questions only.")
    choices: list[str] = Field(description="Choice questions only.")
    reviewer_kinds: list[ReviewerKind]
    audience: AnswerAudience = Field(
        description="Who reads the answers besides their writer and HR: reviewee (and "
        "their manager chain), manager (the chain only) or hr (HR only)."
    )
    position: int


class SectionOut(Schema):
    id: int
    kind: SectionKind
    title: str
    description: str
    weight: Decimal
    share: Decimal | None = Field(
        description="The weight as a percentage of all the sections' weights."
    )
    reviewer_kinds: list[ReviewerKind] = Field(
        description="Who rates it; for a questions section, everyone who answers one of "
        "its questions."
    )
    audience: AnswerAudience
    position: int
    questions: list[QuestionOut]


class ReviewTemplateOut(Schema):
    id: int
    name: str
    description: str
    rating_scale: ScaleRef
    is_archived: bool
    section_count: int
    cycle_count: int = Field(description="Cycles using this template, drafts included.")
    locked: bool = Field(
        description="A cycle past draft uses this template: it may not change (copy it)."
    )
    version: int = Field(description="Send it back with PATCH to refuse a concurrent edit.")


class ReviewTemplateDetailOut(ReviewTemplateOut):
    sections: list[SectionOut] = Field(description="In order.")


def scale_out(scale: RatingScale) -> dict[str, Any]:
    """A scale from `selectors_admin.scales_for` (levels prefetched)."""
    return {
        "id": scale.pk,
        "name": scale.name,
        "description": scale.description,
        "allow_unable_to_rate": scale.allow_unable_to_rate,
        "is_archived": scale.is_archived,
        "levels": [
            {"id": lv.pk, "value": lv.value, "label": lv.label, "description": lv.description}
            for lv in scale.levels.all()
        ],
        "template_count": getattr(scale, "template_count", 0),
        "values_locked": bool(getattr(scale, "values_locked", False)),
        "version": scale.version,
    }


def template_out(template: ReviewTemplate) -> dict[str, Any]:
    """A template row from `selectors_admin.templates_for` (counts annotated)."""
    return {
        "id": template.pk,
        "name": template.name,
        "description": template.description,
        "rating_scale": {"id": template.rating_scale.pk, "name": template.rating_scale.name},
        "is_archived": template.is_archived,
        "section_count": getattr(template, "section_count", 0),
        "cycle_count": getattr(template, "cycle_count", 0),
        "locked": getattr(template, "launched_cycle_count", 0) > 0,
        "version": template.version,
    }


def template_detail_out(structure: TemplateStructure) -> dict[str, Any]:
    out = template_out(structure.template)
    out["sections"] = [
        {
            "id": s.id,
            "kind": s.kind,
            "title": s.title,
            "description": s.description,
            "weight": s.weight,
            "share": s.share,
            "reviewer_kinds": list(s.reviewer_kinds),
            "audience": s.audience,
            "position": s.position,
            "questions": [
                {
                    "id": q.id,
                    "kind": q.kind,
                    "text": q.text,
                    "help_text": q.help_text,
                    "required": q.required,
                    "word_limit": q.word_limit,
                    "choices": list(q.choices),
                    "reviewer_kinds": list(q.reviewer_kinds),
                    "audience": q.audience,
                    "position": q.position,
                }
                for q in s.questions
            ],
        }
        for s in structure.sections
    ]
    return out


# --- input -------------------------------------------------------------------


class ProgrammeFilters(Schema):
    q: SearchText = Field("", description="Words in the name.")
    archived: bool | None = Field(None, description="Only archived (true) or current (false).")


class LevelIn(Schema):
    value: LevelValue
    label: LevelLabel
    description: LongText = ""


class RatingScaleCreate(Schema):
    """A scale: at least two levels with distinct values."""

    name: ScaleName
    description: LongText = ""
    allow_unable_to_rate: bool = True
    levels: list[LevelIn] = Field(max_length=MAX_LEVELS)


class RatingScalePatch(Schema):
    """Only the fields sent change. `levels`, when sent, replace the
    scale's levels as a set (matched by value). `is_archived` archives or
    restores it."""

    version: Version | None = Field(None, description="The version you read; 409 if it moved on.")
    name: ScaleName | None = None
    description: LongText | None = None
    allow_unable_to_rate: bool | None = None
    levels: list[LevelIn] | None = Field(None, max_length=MAX_LEVELS)
    is_archived: bool | None = None


class QuestionIn(Schema):
    id: Id | None = Field(None, description="An existing question's id, to keep it.")
    kind: QuestionKind
    text: QuestionText
    help_text: LongText = ""
    required: bool = True
    word_limit: WordLimit | None = Field(None, description="Text questions only.")
    choices: list[ChoiceText] = Field(
        default_factory=list,
        max_length=MAX_CHOICES,
        description="Choice questions: at least two different ones.",
    )
    reviewer_kinds: ReviewerKinds = Field(default_factory=_default_kinds)
    audience: AnswerAudience = AnswerAudience.REVIEWEE


class SectionIn(Schema):
    id: Id | None = Field(None, description="An existing section's id, to keep it.")
    kind: SectionKind
    title: Title
    description: LongText = ""
    weight: Weight = Decimal(1)
    reviewer_kinds: ReviewerKinds = Field(
        default_factory=_default_kinds,
        description="Who rates a goals or competencies section; ignored for a questions "
        "section (its questions say).",
    )
    audience: AnswerAudience = AnswerAudience.REVIEWEE
    questions: list[QuestionIn] = Field(
        default_factory=list,
        max_length=MAX_QUESTIONS,
        description="Questions sections only (at least one).",
    )


class ReviewTemplateCreate(Schema):
    name: TemplateName
    description: LongText = ""
    rating_scale: Id
    sections: list[SectionIn] = Field(max_length=MAX_SECTIONS)


class ReviewTemplatePatch(Schema):
    """Only the fields sent change; `sections`, when sent, is the whole
    template in order. `is_archived` archives or restores it (allowed even
    while a launched cycle uses it)."""

    version: Version | None = Field(None, description="The version you read; 409 if it moved on.")
    name: TemplateName | None = None
    description: LongText | None = None
    rating_scale: Id | None = None
    sections: list[SectionIn] | None = Field(None, max_length=MAX_SECTIONS)
    is_archived: bool | None = None


class TemplateCopy(Schema):
    name: TemplateName
