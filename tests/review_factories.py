"""factory-boy factories for reviews. `five_point_scale()` is the usual
1 Does not meet … 5 Far exceeds scale; `simple_template()` a template with a
goals section, a competencies section and a questions section."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from cadence.reviews.models import (
    Answer,
    Cycle,
    CycleParticipant,
    Question,
    QuestionKind,
    RatingLevel,
    RatingScale,
    ReviewAssignment,
    ReviewerKind,
    ReviewResult,
    ReviewTemplate,
    SectionKind,
    TemplateSection,
)

FIVE_LEVELS = (
    (1, "Does not meet"),
    (2, "Partly meets"),
    (3, "Meets"),
    (4, "Exceeds"),
    (5, "Far exceeds"),
)
ALL_KINDS = [k.value for k in ReviewerKind]


class RatingScaleFactory(DjangoModelFactory[RatingScale]):
    class Meta:
        model = RatingScale
        django_get_or_create = ("name",)

    name = "Five-point"


def five_point_scale(name: str = "Five-point") -> RatingScale:
    scale = RatingScaleFactory(name=name)
    for value, label in FIVE_LEVELS:
        RatingLevel.objects.get_or_create(scale=scale, value=Decimal(value), label=label)
    return scale


class ReviewTemplateFactory(DjangoModelFactory[ReviewTemplate]):
    class Meta:
        model = ReviewTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    rating_scale = factory.LazyFunction(five_point_scale)


class TemplateSectionFactory(DjangoModelFactory[TemplateSection]):
    class Meta:
        model = TemplateSection

    template = factory.SubFactory(ReviewTemplateFactory)
    kind = SectionKind.QUESTIONS
    title = factory.Sequence(lambda n: f"Section {n}")
    weight = Decimal(1)
    reviewer_kinds = factory.LazyFunction(lambda: list(ALL_KINDS))


class QuestionFactory(DjangoModelFactory[Question]):
    class Meta:
        model = Question

    section = factory.SubFactory(TemplateSectionFactory)
    kind = QuestionKind.RATING
    text = factory.Sequence(lambda n: f"Question {n}?")
    reviewer_kinds = factory.LazyFunction(lambda: list(ALL_KINDS))


def simple_template(**kwargs: Any) -> ReviewTemplate:
    """Goals (weight 2), competencies (weight 1) and questions (weight 1):
    one rating question and one text question, all answered by every kind."""
    template = ReviewTemplateFactory(**kwargs)
    TemplateSectionFactory(
        template=template, kind=SectionKind.GOALS, title="Goals", weight=2, position=0
    )
    TemplateSectionFactory(
        template=template, kind=SectionKind.COMPETENCIES, title="Competencies", weight=1, position=1
    )
    questions = TemplateSectionFactory(template=template, title="Questions", weight=1, position=2)
    QuestionFactory(section=questions, kind=QuestionKind.RATING, text="Overall?", position=0)
    QuestionFactory(
        section=questions,
        kind=QuestionKind.TEXT,
        text="What went well?",
        required=False,
        position=1,
    )
    return template


class CycleFactory(DjangoModelFactory[Cycle]):
    class Meta:
        model = Cycle

    name = factory.Sequence(lambda n: f"Cycle {n}")
    template = factory.LazyFunction(simple_template)


class ParticipantFactory(DjangoModelFactory[CycleParticipant]):
    class Meta:
        model = CycleParticipant

    cycle = factory.SubFactory(CycleFactory)


class AssignmentFactory(DjangoModelFactory[ReviewAssignment]):
    class Meta:
        model = ReviewAssignment

    cycle = factory.SubFactory(CycleFactory)
    kind = ReviewerKind.PEER


class AnswerFactory(DjangoModelFactory[Answer]):
    class Meta:
        model = Answer


class ResultFactory(DjangoModelFactory[ReviewResult]):
    class Meta:
        model = ReviewResult
