"""The groundwork of the demo reviews (reviews/demo.py): the organisation
as they need it, the scale and template with the items each reviewer kind
answers, how last year's results end (proposed, calibrated, released,
acknowledged) and their rows, the raw insert for the big tables (core.demo_rows),
and small date and dice helpers."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from cadence.core.demo_rows import insert_rows
from cadence.core.models import Role, RoleAssignment
from cadence.jobs.models import ExpectedProficiency
from cadence.people.models import Employee
from cadence.reviews import demo_data as data
from cadence.reviews.models import (
    PhaseKind,
    Question,
    RatingLevel,
    RatingScale,
    ReviewTemplate,
    TemplateSection,
)
from cadence.reviews.results import ScoringFrame

# How often an item's rating strays a level below or above the reviewee's
# overall performance (each side).
DRIFT = 0.14


@dataclass
class DemoReviews:
    """What the demo reviews generator made."""

    scales: int = 0
    levels: int = 0
    templates: int = 0
    sections: int = 0
    questions: int = 0
    cycles: int = 0
    phases: int = 0
    participants: int = 0
    nominations: int = 0
    assignments: int = 0
    answers: int = 0
    results: int = 0

    @property
    def rows(self) -> int:
        return sum(astuple(self))


# --- The organisation, as the reviews need it ------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    manager_id: int | None
    status: str
    hire_date: dt.date
    department_id: int
    profile_id: int | None
    user_id: int | None


@dataclass
class Organisation:
    people: dict[int, Person]
    competencies: dict[int, list[int]]  # job profile → competency ids
    logins: dict[str, int]  # demo login e-mail → employee id
    hr_admin_user_id: int | None

    @classmethod
    def load(cls) -> Organisation:
        people = {
            pk: Person(pk, manager, status, hired or dt.date.min, dept, profile, user)
            for pk, manager, status, hired, dept, profile, user in Employee.objects.order_by(
                "id"
            ).values_list(
                "id",
                "manager_id",
                "status",
                "hire_date",
                "department_id",
                "job_profile_id",
                "user_id",
            )
        }
        competencies: dict[int, list[int]] = defaultdict(list)
        for profile, competency in ExpectedProficiency.objects.order_by(
            "job_profile_id", "competency_id"
        ).values_list("job_profile_id", "competency_id"):
            competencies[profile].append(competency)
        logins = dict(
            Employee.objects.filter(user__isnull=False)
            .order_by("id")
            .values_list("user__email", "id")
        )
        hr_admin = (
            RoleAssignment.objects.filter(role=Role.HR_ADMIN)
            .order_by("id")
            .values_list("user_id", flat=True)
            .first()
        )
        return cls(people, dict(competencies), logins, hr_admin)


# One thing a reviewer answers: section, item key, question, goal,
# competency, whether it is a rating, its audience, and for a text question
# which pool it draws from (0: what went well, 1: what should change).
Item = tuple[int, str, int | None, int | None, int | None, bool, str, int]


@dataclass
class Frame:
    """The template as the builder answers it."""

    scoring: ScoringFrame
    level_values: dict[int, Decimal]  # 1..5 → the level's value
    level_ids: dict[int, int]  # 1..5 → the level's id
    questions: dict[str, list[Item]]  # reviewer kind → question items
    goals_section: TemplateSection
    goal_kinds: tuple[str, ...]
    competency_section: TemplateSection
    competency_kinds: tuple[str, ...]


# --- The scale and the template ---------------------------------------------------------


# -- scale and template -------------------------------------------------------


def create_template(summary: DemoReviews) -> tuple[ReviewTemplate, Frame]:
    """The five-point scale and the review template (demo_data), and the
    template as the builder answers it."""
    scale = RatingScale.objects.create(
        name=data.SCALE_NAME, description=data.SCALE_DESCRIPTION, allow_unable_to_rate=True
    )
    levels = RatingLevel.objects.bulk_create(
        [
            RatingLevel(scale=scale, value=Decimal(value), label=label, description=text)
            for value, label, text in data.LEVELS
        ]
    )
    template = ReviewTemplate.objects.create(
        name=data.TEMPLATE_NAME, description=data.TEMPLATE_DESCRIPTION, rating_scale=scale
    )
    sections: list[TemplateSection] = []
    questions: dict[str, list[Item]] = defaultdict(list)
    for position, spec in enumerate(data.SECTIONS):
        section = TemplateSection.objects.create(
            template=template,
            kind=spec.kind,
            title=spec.title,
            description=spec.description,
            weight=Decimal(spec.weight),
            position=position,
            reviewer_kinds=list(spec.reviewer_kinds),
        )
        sections.append(section)
        texts = 0
        for q_position, q in enumerate(spec.questions):
            question = Question.objects.create(
                section=section,
                kind=q.kind,
                text=q.text,
                help_text=q.help_text,
                reviewer_kinds=list(q.reviewer_kinds),
                audience=q.audience,
                word_limit=q.word_limit,
                position=q_position,
            )
            is_rating = q.kind == "rating"
            item: Item = (
                section.pk,
                f"q{question.pk}",
                question.pk,
                None,
                None,
                is_rating,
                q.audience,
                0 if is_rating else texts,
            )
            texts += 0 if is_rating else 1
            for kind in q.reviewer_kinds:
                questions[kind].append(item)
            summary.questions += 1
    by_kind = {s.kind: s for s in sections}
    frame = Frame(
        scoring=ScoringFrame(sections=sections, levels=levels),
        level_values={int(level.value): level.value for level in levels},
        level_ids={int(level.value): level.pk for level in levels},
        questions=dict(questions),
        goals_section=by_kind["goals"],
        goal_kinds=tuple(by_kind["goals"].reviewer_kinds),
        competency_section=by_kind["competencies"],
        competency_kinds=tuple(by_kind["competencies"].reviewer_kinds),
    )
    summary.scales += 1
    summary.levels += len(levels)
    summary.templates += 1
    summary.sections += len(sections)
    return template, frame


# --- Small helpers --------------------------------------------------------------------


def drift(roll: float) -> int:
    """-1, 0 or +1 from a roll of the dice (one draw: this runs ~500,000
    times at 10,000 employees, and rng.choices is four times slower)."""
    return -1 if roll < DRIFT else (1 if roll >= 1 - DRIFT else 0)


def first_free_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("id"))["top"]
    return (top or 0) + 1


def phases_from(
    starts: dt.date, offsets: Sequence[tuple[int, int]]
) -> dict[str, tuple[dt.date, dt.date]]:
    """The phases, each opening and due that many days after `starts`, in
    the order of PhaseKind (self review, nomination, peer review, manager
    review, calibration, release, acknowledgement)."""
    return {
        kind: (starts + dt.timedelta(days=opens), starts + dt.timedelta(days=due))
        for kind, (opens, due) in zip(PhaseKind.values, offsets, strict=True)
    }


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day from `first` to `last` (the first when the range is empty)."""
    span = (last - first).days
    return first + dt.timedelta(days=int(rng.random() * (span + 1)) if span > 0 else 0)


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


# --- Results ------------------------------------------------------------------------


@dataclass(slots=True)
class PlannedResult:
    """A review result before insertion, with ReviewResult's attribute
    names (a model instance costs ten times as much to make)."""

    cycle_id: int
    employee_id: int
    computed_score: Decimal | None
    computed_level_id: int | None
    created_at: dt.datetime
    manager_level_id: int | None = None
    override_reason: str = ""
    manager_rated_by_id: int | None = None
    calibrated_level_id: int | None = None
    calibration_reason: str = ""
    calibrated_by_id: int | None = None
    released_at: dt.datetime | None = None
    acknowledged_at: dt.datetime | None = None
    acknowledgement_comment: str = ""
    version: int = 1


def settle(
    rng: random.Random,
    result: PlannedResult,
    ids: dict[int, int],
    manager_user_id: int | None,
    hr_admin_user_id: int | None,
    released: dt.datetime,
    *,
    acknowledge: bool,
) -> None:
    """Last year's end: the manager's proposed rating (mostly the computed
    one, sometimes a level up or down with a reason), a few calibrated,
    released, mostly acknowledged."""
    computed = next((v for v, pk in ids.items() if pk == result.computed_level_id), None)
    if computed is None:
        return
    roll = rng.random()
    result.manager_rated_by_id = manager_user_id
    final = computed
    if roll < 0.03 and computed < 5:
        final = computed + 1
        result.override_reason = rng.choice(data.OVERRIDE_REASONS_UP)
    elif roll < 0.06 and computed > 1:
        final = computed - 1
        result.override_reason = rng.choice(data.OVERRIDE_REASONS_DOWN)
    result.manager_level_id = ids[final]
    if rng.random() < 0.02:
        step = -1 if final > 3 else 1
        result.calibrated_level_id = ids[final + step]
        result.calibration_reason = rng.choice(data.CALIBRATION_REASONS)
        result.calibrated_by_id = hr_admin_user_id
    result.released_at = released
    result.version = 4
    if acknowledge and rng.random() < 0.85:
        result.acknowledged_at = released + dt.timedelta(
            days=rng.randint(0, 14), hours=rng.randint(0, 8)
        )
        if rng.random() < 0.3:
            result.acknowledgement_comment = rng.choice(data.ACKNOWLEDGEMENT_COMMENTS)
        result.version = 5


def result_row(result: PlannedResult, adapt: Callable[[Any], Any]) -> tuple[Any, ...]:
    """The values of RESULT_FIELDS, timestamps adapted for raw SQL."""
    moments = [result.created_at, result.released_at, result.acknowledged_at]
    updated = max(m for m in moments if m is not None)
    return (
        result.cycle_id,
        result.employee_id,
        result.computed_score,
        result.computed_level_id,
        result.manager_level_id,
        result.override_reason,
        result.manager_rated_by_id,
        result.calibrated_level_id,
        result.calibration_reason,
        result.calibrated_by_id,
        adapt(result.released_at) if result.released_at else None,
        adapt(result.acknowledged_at) if result.acknowledged_at else None,
        result.acknowledgement_comment,
        result.version,
        adapt(result.created_at),
        adapt(updated),
    )


__all__ = [
    "DRIFT",
    "DemoReviews",
    "Frame",
    "Item",
    "Organisation",
    "Person",
    "PlannedResult",
    "at",
    "create_template",
    "day_between",
    "drift",
    "first_free_id",
    "insert_rows",
    "phases_from",
    "quarter_start",
    "result_row",
    "settle",
]
