"""Set-ups shared by the writing and nomination tests: a running cycle on
the `org` fixture, a review to write, templates and goals of a given size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cadence.goals.models import GoalPeriod, KeyResult, Objective, Visibility
from cadence.jobs.models import ExpectedProficiency, ProficiencyLevel
from cadence.people.models import Employee
from cadence.reviews.models import (
    Cycle,
    CyclePhase,
    PhaseKind,
    QuestionKind,
    ReviewAssignment,
    ReviewTemplate,
    SectionKind,
    Stage,
)
from tests.conftest import Org
from tests.factories import (
    CompetencyFactory,
    CompetencyFrameworkFactory,
    GoalPeriodFactory,
    JobProfileFactory,
)
from tests.review_factories import (
    ALL_KINDS,
    AssignmentFactory,
    CycleFactory,
    ParticipantFactory,
    QuestionFactory,
    ReviewTemplateFactory,
    TemplateSectionFactory,
    five_point_scale,
    simple_template,
)


def running_cycle(
    org: Org,
    *,
    template: ReviewTemplate | None = None,
    stage: str = Stage.SELF_REVIEW,
    period: GoalPeriod | None = None,
    people: tuple[Employee, ...] | None = None,
    **values: Any,
) -> Cycle:
    """A launched cycle with phases, `org.employee`, `org.peer` and
    `org.lead` taking part (their review manager: their manager)."""
    cycle = CycleFactory(
        template=template or simple_template(),
        stage=stage,
        goal_period=period,
        **values,
    )
    for kind, day in (
        (PhaseKind.SELF_REVIEW, 10),
        (PhaseKind.PEER_NOMINATION, 12),
        (PhaseKind.PEER_REVIEW, 20),
        (PhaseKind.MANAGER_REVIEW, 28),
    ):
        CyclePhase.objects.create(cycle=cycle, kind=kind, due_on=dt.date(2027, 3, day))
    for person in people or (org.employee, org.peer, org.lead):
        ParticipantFactory(cycle=cycle, employee=person, manager=person.manager)
    return cycle


def review(cycle: Cycle, reviewer: Employee, reviewee: Employee, kind: str) -> ReviewAssignment:
    return AssignmentFactory(cycle=cycle, reviewer=reviewer, reviewee=reviewee, kind=kind)


def questions_template(
    n: int, *, kinds: list[str] | None = None, **question: Any
) -> ReviewTemplate:
    """A template of one goals section and one questions section of `n`
    questions (rating, text with a word limit, choice, in turn)."""
    template = ReviewTemplateFactory(rating_scale=five_point_scale())
    TemplateSectionFactory(template=template, kind=SectionKind.GOALS, title="Goals", position=0)
    section = TemplateSectionFactory(template=template, title="Questions", position=1)
    for i in range(n):
        kind = (QuestionKind.RATING, QuestionKind.TEXT, QuestionKind.CHOICE)[i % 3]
        QuestionFactory(
            section=section,
            kind=kind,
            text=f"Question {i}?",
            position=i,
            word_limit=50 if kind == QuestionKind.TEXT else None,
            choices=["Yes", "No", "Sometimes"] if kind == QuestionKind.CHOICE else [],
            reviewer_kinds=list(kinds or ALL_KINDS),
            **question,
        )
    return template


def goals_for(
    owner: Employee, n: int, *, period: GoalPeriod | None = None, private_every: int = 0
) -> list[Objective]:
    """`n` personal goals of `owner` with two key results each (every
    `private_every`-th one private)."""
    period = period or GoalPeriodFactory()
    goals = Objective.objects.bulk_create(
        Objective(
            period=period,
            owner_employee=owner,
            title=f"Goal {i:03d}",
            visibility=Visibility.PRIVATE
            if private_every and i % private_every == 0
            else Visibility.PUBLIC,
        )
        for i in range(n)
    )
    KeyResult.objects.bulk_create(
        KeyResult(objective=g, title=f"KR {k}", target_value=10, current_value=k * 4)
        for g in goals
        for k in (1, 2)
    )
    return goals


def give_job(employee: Employee, n: int) -> list[int]:
    """A job profile for `employee` expecting `n` competencies at level 3;
    returns the competency ids."""
    framework = CompetencyFrameworkFactory()
    for level, name in ((1, "Foundation"), (2, "Developing"), (3, "Proficient")):
        ProficiencyLevel.objects.create(framework=framework, level=level, name=name)
    profile = JobProfileFactory()
    ids = []
    for _ in range(n):
        competency = CompetencyFactory(framework=framework)
        ExpectedProficiency.objects.create(job_profile=profile, competency=competency, level=3)
        ids.append(competency.pk)
    employee.job_profile = profile
    employee.save(update_fields=["job_profile"])
    return ids
