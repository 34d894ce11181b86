"""Reads of development plans, always starting from
`DevelopmentPlan.objects.visible_to`, and the two sources a development
goal's levels come from:

- the job profile: the level `ExpectedProficiency` sets for the competency
  in the employee's current job profile (the default target);
- the latest review: the *manager* review's rating of the competency in the
  employee's most recent *released* review result (by release time), from a
  submitted manager assignment of that cycle. Only ratings in sections whose
  audience is "reviewee" count: the plan is read by the employee, so it may
  only carry what the employee may read of their own review. A reviewee with
  no released result, or a competency the manager did not rate (or rated
  "unable to rate"), has no review level: "No review yet".

A review rates a competency on the cycle's rating scale, a plan on the
framework's proficiency levels. Cadence's templates use the same 1..N
numbering for both, so the rating is carried over rounded to a whole level
(half up) and kept within the framework's levels; the page shows the rating
and its scale label beside it so a person can correct the prefill.

Every read here runs a fixed number of queries, whatever the number of
plans, goals or competencies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.development.models import (
    ActionStatus,
    DevelopmentAction,
    DevelopmentComment,
    DevelopmentGoal,
    DevelopmentPlan,
)
from cadence.jobs.models import Competency, ExpectedProficiency, ProficiencyLevel
from cadence.people.models import Employee, EmploymentStatus
from cadence.people.search import person_matches, words
from cadence.reviews.models import (
    Answer,
    AnswerAudience,
    AssignmentStatus,
    RatingLevel,
    ReviewerKind,
    ReviewResult,
)


@dataclass(frozen=True)
class PlanFilters:
    status: str = ""
    q: str = ""
    # "" everyone visible, "mine" my own plans, "team" my reports' plans.
    whose: str = ""


def plans(user: User, filters: PlanFilters | None = None) -> QuerySet[DevelopmentPlan]:
    """The plans `user` may see, filtered, newest first, each with its goal
    and action counts (one query per page, whatever the plan sizes)."""
    f = filters or PlanFilters()
    viewer = viewer_for(user)
    qs = (
        DevelopmentPlan.objects.visible_to(user)
        .select_related("employee", "employee__department")
        .annotate(
            goal_count=Count("goals", distinct=True),
            action_count=Count("goals__actions", distinct=True),
            done_count=Count(
                "goals__actions",
                filter=Q(goals__actions__status=ActionStatus.DONE),
                distinct=True,
            ),
        )
    )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.q:
        for word in words(f.q):
            qs = qs.filter(Q(title__icontains=word) | person_matches(word, "employee__"))
    if f.whose == "mine":
        qs = qs.filter(employee_id=viewer.employee_id) if viewer.employee_id else qs.none()
    elif f.whose == "team":
        qs = qs.filter(viewer.reports_q("employee__"))
    return qs.order_by("-starts_on", "-id")


def workable_employees(user: User) -> QuerySet[Employee]:
    """The current employees `user` may start a plan for: themself, their
    reports, everyone for HR admin, the HRBP's departments (the same rule
    as `services_growth.can_change_plan`, as a filter)."""
    viewer = viewer_for(user)
    people = Employee.objects.exclude(status=EmploymentStatus.TERMINATED)
    if viewer.is_hr_admin:
        return people
    condition = viewer.reports_q()
    if viewer.employee_id:
        condition |= Q(pk=viewer.employee_id)
    if viewer.hrbp_department_ids:
        condition |= Q(department_id__in=viewer.hrbp_department_ids)
    return people.filter(condition)


def get_visible_plan(user: User, pk: int) -> DevelopmentPlan:
    """One plan with its employee, or DevelopmentPlan.DoesNotExist when
    `user` may not see it."""
    return (
        DevelopmentPlan.objects.visible_to(user)
        .select_related("employee", "employee__department", "approved_by", "created_by")
        .get(pk=pk)
    )


def plan_goals(plan: DevelopmentPlan) -> list[DevelopmentGoal]:
    """The plan's goals in order, each with its competency and actions (two
    queries)."""
    return list(
        plan.goals.select_related("competency").prefetch_related(
            Prefetch("actions", queryset=DevelopmentAction.objects.order_by("due_on", "id"))
        )
    )


def plan_comments(plan: DevelopmentPlan) -> list[DevelopmentComment]:
    """The plan's comments, oldest first, with their authors (one query)."""
    return list(plan.comments.select_related("author__employee").order_by("created_at", "id"))


# --- where a goal's levels come from ----------------------------------------------------


@dataclass(frozen=True)
class ExpectedLevel:
    """What the employee's job profile expects of a competency."""

    competency: Competency
    level: int
    level_name: str = ""


@dataclass(frozen=True)
class ReviewRating:
    """The manager's rating of a competency in the latest released review."""

    rating: Decimal
    label: str
    level: int | None


@dataclass(frozen=True)
class ReviewSource:
    """The latest released review result the ratings come from."""

    cycle_name: str
    released_on: dt.date
    ratings: dict[int, ReviewRating] = field(default_factory=dict)


@dataclass(frozen=True)
class CompetencySources:
    """Both sources for one employee: the job profile's expectations (in
    the profile's order) and the latest review (None: no review yet)."""

    expected: dict[int, ExpectedLevel]
    review: ReviewSource | None
    # The top proficiency level of each framework involved, by framework id.
    top_levels: dict[int, int] = field(default_factory=dict)

    def expected_level(self, competency_id: int | None) -> int | None:
        found = self.expected.get(competency_id) if competency_id is not None else None
        return found.level if found else None

    def review_rating(self, competency_id: int | None) -> ReviewRating | None:
        if self.review is None or competency_id is None:
            return None
        return self.review.ratings.get(competency_id)

    def review_level(self, competency_id: int | None) -> int | None:
        rating = self.review_rating(competency_id)
        return rating.level if rating else None

    def rows(self, taken: set[int] | frozenset[int] = frozenset()) -> list[SourceRow]:
        """One row per expected competency, for the sources table."""
        return [
            SourceRow(
                expected=expected,
                review=self.review_rating(competency_id),
                taken=competency_id in taken,
            )
            for competency_id, expected in self.expected.items()
        ]


@dataclass(frozen=True)
class SourceRow:
    expected: ExpectedLevel
    review: ReviewRating | None
    taken: bool


def as_level(rating: Decimal, top_level: int | None) -> int:
    """A review rating as a proficiency level: rounded half up, at least 1,
    at most the framework's top level when it defines levels."""
    level = max(1, int(rating.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    return min(level, top_level) if top_level else level


def latest_released_result(employee_id: int) -> ReviewResult | None:
    """The employee's most recently released review result (one query)."""
    return (
        ReviewResult.objects.filter(employee_id=employee_id, released_at__isnull=False)
        .select_related("cycle__template")
        .order_by("-released_at", "-id")
        .first()
    )


def competency_sources(employee: Employee) -> CompetencySources:
    """The job profile's expected levels and the latest review's manager
    ratings for `employee` (at most five queries, whatever the numbers)."""
    expected_rows = (
        list(
            ExpectedProficiency.objects.filter(job_profile_id=employee.job_profile_id)
            .select_related("competency")
            .order_by("competency__category", "competency__name", "competency_id")
        )
        if employee.job_profile_id
        else []
    )
    result = latest_released_result(employee.pk)
    answers: list[Answer] = []
    if result is not None:
        answers = list(
            Answer.objects.filter(
                assignment__cycle_id=result.cycle_id,
                assignment__reviewee_id=employee.pk,
                assignment__kind=ReviewerKind.MANAGER,
                assignment__status=AssignmentStatus.SUBMITTED,
                section__audience=AnswerAudience.REVIEWEE,
                competency__isnull=False,
                rating__isnull=False,
            )
            .select_related("competency")
            # Two managers' reviews (a reviewer replaced after submitting):
            # the later submission wins, below.
            .order_by("assignment__submitted_at", "assignment_id")
        )
    frameworks = {e.competency.framework_id for e in expected_rows} | {
        a.competency.framework_id for a in answers if a.competency is not None
    }
    names: dict[tuple[int, int], str] = {}
    top: dict[int, int] = {}
    if frameworks:
        for framework_id, level, name in ProficiencyLevel.objects.filter(
            framework_id__in=frameworks
        ).values_list("framework_id", "level", "name"):
            names[(framework_id, level)] = name
            top[framework_id] = max(top.get(framework_id, 0), level)
    expected = {
        e.competency_id: ExpectedLevel(
            competency=e.competency,
            level=e.level,
            level_name=names.get((e.competency.framework_id, e.level), ""),
        )
        for e in expected_rows
    }
    review: ReviewSource | None = None
    if result is not None and result.released_at is not None:
        labels: dict[Decimal, str] = {}
        if answers:
            labels = dict(
                RatingLevel.objects.filter(
                    scale_id=result.cycle.template.rating_scale_id
                ).values_list("value", "label")
            )
        ratings: dict[int, ReviewRating] = {}
        for answer in answers:
            if answer.competency is None or answer.rating is None:
                continue
            ratings[answer.competency.pk] = ReviewRating(
                rating=answer.rating,
                label=labels.get(answer.rating, ""),
                level=as_level(answer.rating, top.get(answer.competency.framework_id)),
            )
        review = ReviewSource(
            cycle_name=result.cycle.name,
            released_on=result.released_at.date(),
            ratings=ratings,
        )
    return CompetencySources(expected=expected, review=review, top_levels=top)


def goal_rows(goals: list[DevelopmentGoal], sources: CompetencySources) -> list[dict[str, Any]]:
    """Each goal with the two sources beside it, for the detail page."""
    return [
        {
            "goal": goal,
            "expected": sources.expected.get(goal.competency_id)
            if goal.competency_id is not None
            else None,
            "review": sources.review_rating(goal.competency_id),
        }
        for goal in goals
    ]
