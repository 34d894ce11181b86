"""Helpers for the development plan tests: a plan with goals and actions, a
job profile with expected proficiencies, and a released review with manager
competency ratings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cadence.development.models import (
    ActionKind,
    DevelopmentAction,
    DevelopmentGoal,
    DevelopmentPlan,
    DevelopmentPlanStatus,
)
from cadence.jobs.models import Competency, ExpectedProficiency, JobProfile, ProficiencyLevel
from cadence.people.models import Employee
from cadence.reviews.models import (
    AnswerAudience,
    AssignmentStatus,
    ReviewerKind,
    SectionKind,
    TemplateSection,
)
from tests.factories import CompetencyFactory, CompetencyFrameworkFactory, JobProfileFactory
from tests.review_factories import AnswerFactory, AssignmentFactory, CycleFactory, ResultFactory

START = dt.date(2025, 1, 1)
END = dt.date(2025, 12, 31)


def make_plan(
    employee: Employee,
    *,
    status: str = DevelopmentPlanStatus.DRAFT,
    goals: int = 1,
    actions: int = 1,
    title: str = "Grow",
    due_on: dt.date | None = None,
) -> DevelopmentPlan:
    plan = DevelopmentPlan.objects.create(
        employee=employee, title=title, starts_on=START, ends_on=END, status=status
    )
    for g in range(goals):
        goal = DevelopmentGoal.objects.create(plan=plan, description=f"Goal {g}", position=g)
        for a in range(actions):
            DevelopmentAction.objects.create(
                goal=goal, kind=ActionKind.COURSE, title=f"Action {g}.{a}", due_on=due_on
            )
    return plan


def profile_with_competencies(
    employee: Employee, expected: dict[str, int], levels: int = 5
) -> tuple[JobProfile, dict[str, Competency]]:
    """Give `employee` a job profile expecting these competencies at these
    levels, in a framework with `levels` proficiency levels."""
    framework: Any = CompetencyFrameworkFactory()
    for level in range(1, levels + 1):
        ProficiencyLevel.objects.create(framework=framework, level=level, name=f"Level {level}")
    profile: Any = JobProfileFactory()
    found: dict[str, Any] = {}
    for name, level in expected.items():
        competency: Any = CompetencyFactory(framework=framework, name=name)
        ExpectedProficiency.objects.create(job_profile=profile, competency=competency, level=level)
        found[name] = competency
    employee.job_profile = profile
    employee.save(update_fields=["job_profile"])
    return profile, found


def released_review(
    employee: Employee,
    reviewer: Employee,
    ratings: dict[Competency, Decimal | int],
    *,
    released_at: Any = None,
    released: bool = True,
    audience: str = AnswerAudience.REVIEWEE,
    kind: str = ReviewerKind.MANAGER,
    name: str | None = None,
) -> Any:
    """A cycle whose `kind` review of `employee` by `reviewer` rated these
    competencies, and the employee's result (released unless told not)."""
    cycle: Any = CycleFactory(**({"name": name} if name else {}))
    section = TemplateSection.objects.get(template=cycle.template, kind=SectionKind.COMPETENCIES)
    if section.audience != audience:
        section.audience = audience
        section.save(update_fields=["audience"])
    assignment = AssignmentFactory(
        cycle=cycle,
        reviewer=reviewer,
        reviewee=employee,
        kind=kind,
        status=AssignmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    for competency, rating in ratings.items():
        AnswerFactory(
            assignment=assignment,
            section=section,
            item=f"c{competency.pk}",
            competency=competency,
            rating=Decimal(rating),
        )
    return ResultFactory(
        cycle=cycle,
        employee=employee,
        released_at=(released_at or timezone.now()) if released else None,
    )
