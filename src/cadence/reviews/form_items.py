"""What one assignment must answer: the list of form items, each with the
key its Answer is stored under ("q<id>" a question, "g<id>" a goal rating,
"c<id>" a competency rating), the section it belongs to, its kind
(rating, text or choice), whether it is required, and what a valid answer
is (the scale's levels, "unable to rate", the choices, a word limit).

The list depends on the assignment only, never on who is looking at it, so
the page, the API, submission and scoring agree on it:

- questions: those of the template's questions sections whose
  `reviewer_kinds` include the assignment's kind;
- goals: when a goals section is answered by this kind and the cycle has a
  goal period, one rating per personal goal the reviewee owns in that
  period (not drafts, not cancelled) that the *reviewer* may see — a peer
  does not rate a private goal they cannot read;
- competencies: when a competencies section is answered by this kind, one
  rating per competency the reviewee's job profile expects, with the
  expected proficiency.

Goal and competency ratings are required (the scale's "unable to rate" is
the way out when it allows it); questions say for themselves. An item that
disappears mid-cycle (a goal cancelled, a job profile changed) keeps its
stored answer but is no longer asked for.

`items_for` runs a fixed number of queries (at most about a dozen),
whatever the size of the template, the goals or the job profile."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from cadence.core.numbers import plain_number
from cadence.goals.models import Objective, ObjectiveStatus, Scope, Visibility
from cadence.jobs.models import ExpectedProficiency, ProficiencyLevel
from cadence.people.models import Employee
from cadence.reviews.models import (
    AnswerAudience,
    Cycle,
    QuestionKind,
    RatingLevel,
    ReviewAssignment,
    SectionKind,
    TemplateSection,
)

# Goals a reviewer is not asked to rate: not agreed yet, or dropped.
UNRATED_GOAL_STATUSES = (ObjectiveStatus.DRAFT, ObjectiveStatus.CANCELLED)


class ItemSource(StrEnum):
    QUESTION = "question"
    GOAL = "goal"
    COMPETENCY = "competency"


@dataclass(frozen=True)
class ScaleLevel:
    """One level of the template's rating scale."""

    value: Decimal
    label: str
    description: str = ""

    @property
    def key(self) -> str:
        """The value as people write it ("3", "2.5"): what a form posts."""
        return plain_number(self.value)


@dataclass(frozen=True)
class FormItem:
    """One thing an assignment answers. `kind` is a QuestionKind value:
    goal and competency items are ratings. `levels` and
    `allow_unable_to_rate` apply to ratings, `choices` to choice items,
    `word_limit` to text (and to the optional comment on a rating)."""

    key: str
    source: ItemSource
    kind: str
    section_id: int
    section_title: str
    section_kind: str
    section_weight: Decimal
    label: str
    help_text: str
    required: bool
    audience: str
    reviewer_kinds: tuple[str, ...]
    levels: tuple[ScaleLevel, ...] = ()
    allow_unable_to_rate: bool = False
    choices: tuple[str, ...] = ()
    word_limit: int | None = None
    question_id: int | None = None
    goal_id: int | None = None
    competency_id: int | None = None
    expected_level: int | None = None
    expected_level_name: str = ""

    @property
    def is_rating(self) -> bool:
        return self.kind == QuestionKind.RATING

    @property
    def rating_values(self) -> frozenset[Decimal]:
        return frozenset(level.value for level in self.levels)


def _kinds(raw: Any) -> tuple[str, ...]:
    return tuple(str(k) for k in raw) if isinstance(raw, list) else ()


def _choices(raw: Any) -> tuple[str, ...]:
    """Choices are stored as a JSON list of strings; anything else is
    shown as its text so a hand-edited template cannot break the form."""
    if not isinstance(raw, list):
        return ()
    return tuple(str(c) for c in raw if str(c).strip())


def _reviewer_login(assignment: ReviewAssignment) -> Any:
    """The reviewer's login, whose goal visibility decides which goals they
    rate; None when they have none."""
    from cadence.core.models import User

    return User.objects.filter(employee__pk=assignment.reviewer_id, is_active=True).first()


def _goals(assignment: ReviewAssignment, cycle: Cycle) -> list[Objective]:
    """The reviewee's personal goals of the cycle's period that the reviewer
    may see. A reviewer without a login is shown public goals only."""
    if cycle.goal_period_id is None:
        return []
    login = _reviewer_login(assignment)
    if login is None:
        goals = Objective.objects.filter(visibility=Visibility.PUBLIC)
    else:
        # The visibility rule applied to the reviewee's own goals, not as a
        # `pk IN (every goal the reviewer may see)` subquery: that one makes
        # SQLite list every public goal in the organisation first.
        goals = Objective.objects.visible_to(login)
    goals = goals.filter(
        period_id=cycle.goal_period_id,
        scope=Scope.PERSONAL,
        owner_employee_id=assignment.reviewee_id,
    ).exclude(status__in=UNRATED_GOAL_STATUSES)
    return list(goals.only("id", "title", "description").order_by("title", "id"))


def _competencies(reviewee_profile_id: int | None) -> list[tuple[ExpectedProficiency, str]]:
    """The competencies the reviewee's job profile expects, each with the
    name of the expected proficiency level (two queries)."""
    if reviewee_profile_id is None:
        return []
    expected = list(
        ExpectedProficiency.objects.filter(job_profile_id=reviewee_profile_id)
        .select_related("competency")
        .order_by("competency__category", "competency__name", "competency_id")
    )
    frameworks = {e.competency.framework_id for e in expected}
    names = {
        (framework, level): name
        for framework, level, name in ProficiencyLevel.objects.filter(
            framework_id__in=frameworks
        ).values_list("framework_id", "level", "name")
    }
    return [(e, names.get((e.competency.framework_id, e.level), "")) for e in expected]


def items_for(assignment: ReviewAssignment) -> list[FormItem]:
    """Everything `assignment` answers, in the template's order (sections by
    position; questions by position, goals by title, competencies by
    category and name). A bounded number of queries."""
    cycle = Cycle.objects.select_related("template__rating_scale").get(pk=assignment.cycle_id)
    scale = cycle.template.rating_scale
    levels = tuple(
        ScaleLevel(value=lv.value, label=lv.label, description=lv.description)
        for lv in RatingLevel.objects.filter(scale_id=scale.pk).order_by("value")
    )
    allow_unable = scale.allow_unable_to_rate
    kind = assignment.kind
    sections = list(
        TemplateSection.objects.filter(template_id=cycle.template_id)
        .prefetch_related("questions")
        .order_by("position", "id")
    )
    wants_goals = any(
        s.kind == SectionKind.GOALS and kind in _kinds(s.reviewer_kinds) for s in sections
    )
    wants_competencies = any(
        s.kind == SectionKind.COMPETENCIES and kind in _kinds(s.reviewer_kinds) for s in sections
    )
    goals = _goals(assignment, cycle) if wants_goals else []
    competencies: list[tuple[ExpectedProficiency, str]] = []
    if wants_competencies:
        profile_id = (
            Employee.objects.filter(pk=assignment.reviewee_id)
            .values_list("job_profile_id", flat=True)
            .first()
        )
        competencies = _competencies(profile_id)

    items: list[FormItem] = []
    for section in sections:
        common: dict[str, Any] = {
            "section_id": section.pk,
            "section_title": section.title,
            "section_kind": section.kind,
            "section_weight": section.weight,
        }
        rating: dict[str, Any] = {
            "kind": QuestionKind.RATING.value,
            "levels": levels,
            "allow_unable_to_rate": allow_unable,
            "required": True,
            "audience": section.audience,
            "reviewer_kinds": _kinds(section.reviewer_kinds),
        }
        if section.kind == SectionKind.GOALS:
            if kind not in _kinds(section.reviewer_kinds):
                continue
            items.extend(
                FormItem(
                    key=f"g{goal.pk}",
                    source=ItemSource.GOAL,
                    label=goal.title,
                    help_text=goal.description,
                    goal_id=goal.pk,
                    **common,
                    **rating,
                )
                for goal in goals
            )
        elif section.kind == SectionKind.COMPETENCIES:
            if kind not in _kinds(section.reviewer_kinds):
                continue
            items.extend(
                FormItem(
                    key=f"c{expected.competency_id}",
                    source=ItemSource.COMPETENCY,
                    label=expected.competency.name,
                    help_text=expected.competency.description,
                    competency_id=expected.competency_id,
                    expected_level=expected.level,
                    expected_level_name=level_name,
                    **common,
                    **rating,
                )
                for expected, level_name in competencies
            )
        else:
            questions = sorted(section.questions.all(), key=lambda q: (q.position, q.pk))
            for question in questions:
                asked = _kinds(question.reviewer_kinds)
                if kind not in asked:
                    continue
                is_rating = question.kind == QuestionKind.RATING
                items.append(
                    FormItem(
                        key=f"q{question.pk}",
                        source=ItemSource.QUESTION,
                        kind=question.kind,
                        label=question.text,
                        help_text=question.help_text,
                        required=question.required,
                        audience=question.audience or AnswerAudience.REVIEWEE,
                        reviewer_kinds=asked,
                        levels=levels if is_rating else (),
                        allow_unable_to_rate=allow_unable if is_rating else False,
                        choices=_choices(question.choices)
                        if question.kind == QuestionKind.CHOICE
                        else (),
                        word_limit=question.word_limit,
                        question_id=question.pk,
                        **common,
                    )
                )
    return items


def by_key(items: Iterable[FormItem]) -> dict[str, FormItem]:
    return {item.key: item for item in items}


def is_answered(item: FormItem, answer: Mapping[str, Any] | None) -> bool:
    """Whether stored values (rating, unable_to_rate, text, choice) answer
    `item`: a level or "unable to rate" for a rating, some words for text,
    a choice for multiple choice. A rating's comment alone is no answer."""
    if not answer:
        return False
    if item.kind == QuestionKind.RATING:
        return answer.get("rating") is not None or bool(answer.get("unable_to_rate"))
    if item.kind == QuestionKind.CHOICE:
        return bool(answer.get("choice"))
    return bool(str(answer.get("text") or "").strip())


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(text.split())
