"""Builders for the results tests: a cycle about `org.lead` (who manages
people, so upward reviews apply) with submitted self, manager, peer and
upward reviews written straight into the database with the factories, and
questions for each audience."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cadence.goals.models import Objective
from cadence.jobs.models import Competency
from cadence.people.models import Employee
from cadence.people.paths import rebuild_reporting_paths
from cadence.reviews.models import (
    Answer,
    AnswerAudience,
    AssignmentStatus,
    Cycle,
    Question,
    QuestionKind,
    RatingLevel,
    ReviewAssignment,
    ReviewerKind,
    ReviewResult,
    SectionKind,
    Stage,
    TemplateSection,
)
from tests.conftest import Org
from tests.factories import CompetencyFactory, EmployeeFactory, ObjectiveFactory, UserFactory
from tests.review_factories import (
    AnswerFactory,
    AssignmentFactory,
    CycleFactory,
    ParticipantFactory,
    QuestionFactory,
    ResultFactory,
)

# Who may never be named to the reviewee: written into no answer text.
PEER_NAMES = [
    "Quentin",
    "Rosalind",
    "Sebastian",
    "Theodora",
    "Octavia",
    "Percival",
    "Griselda",
    "Leopold",
]
UPWARD_NAMES = ["Ulrich", "Valentina", "Wilhelmina", "Xavier"]


@dataclass
class Scenario:
    org: Org
    cycle: Cycle
    reviewee: Employee
    goal: Objective
    competency: Competency
    sections: dict[str, TemplateSection]
    questions: dict[str, Question]
    peers: list[Employee] = field(default_factory=list)
    reports: list[Employee] = field(default_factory=list)
    result: ReviewResult | None = None

    def writers(self) -> list[Employee]:
        return [*self.peers, *self.reports]


def secret_person(first_name: str, *, manager: Employee, number: str) -> Employee:
    """A reviewer whose name, email and employee number are easy to search
    for in a response."""
    email = f"{first_name.lower()}.secret@example.com"
    return EmployeeFactory(
        user=UserFactory(email=email),
        email=email,
        first_name=first_name,
        last_name="Hiddenwriter",
        employee_number=number,
        department=manager.department,
        manager=manager,
    )


def submitted(cycle: Cycle, reviewer: Employee, reviewee: Employee, kind: str) -> ReviewAssignment:
    return AssignmentFactory(
        cycle=cycle,
        reviewer=reviewer,
        reviewee=reviewee,
        kind=kind,
        status=AssignmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )


def answer(assignment: ReviewAssignment, section: TemplateSection, item: str, **values: Any) -> Any:
    """An answer to item "q<id>", "g<id>" or "c<id>" with its foreign key set."""
    kind, pk = item[0], int(item[1:])
    keys = {"q": "question_id", "g": "goal_id", "c": "competency_id"}
    return AnswerFactory(
        assignment=assignment, section=section, item=item, **{keys[kind]: pk}, **values
    )


def add_audience_questions(cycle: Cycle) -> dict[str, Question]:
    """On the template's questions section: a text question each for the
    manager and HR audiences, and an HR-only rating."""
    section = cycle.template.sections.get(kind=SectionKind.QUESTIONS)
    return {
        "manager_text": QuestionFactory(
            section=section,
            kind=QuestionKind.TEXT,
            text="For the manager only?",
            audience=AnswerAudience.MANAGER,
            required=False,
            position=5,
        ),
        "hr_text": QuestionFactory(
            section=section,
            kind=QuestionKind.TEXT,
            text="For HR only?",
            audience=AnswerAudience.HR,
            required=False,
            position=6,
        ),
    }


def build(org: Org, *, peers: int = 3, upward: int = 3, **cycle_values: Any) -> Scenario:
    """A cycle about `org.lead` with submitted self, manager (by
    `org.manager`), `peers` peer and `upward` upward reviews."""
    values = {"include_upward": True, "stage": Stage.CALIBRATION, **cycle_values}
    cycle = CycleFactory(**values)
    lead = org.lead
    for person in (lead, org.employee):
        ParticipantFactory(cycle=cycle, employee=person, manager=person.manager)
    sections = {s.kind: s for s in cycle.template.sections.all()}
    questions = {q.text: q for q in Question.objects.filter(section__template=cycle.template)}
    scenario = Scenario(
        org=org,
        cycle=cycle,
        reviewee=lead,
        goal=ObjectiveFactory(owner_employee=lead, title="Ship the platform"),
        competency=CompetencyFactory(name="Collaboration"),
        sections=sections,
        questions={
            "overall": questions["Overall?"],
            "well": questions["What went well?"],
            **add_audience_questions(cycle),
        },
    )
    self_review = submitted(cycle, lead, lead, ReviewerKind.SELF)
    write(scenario, self_review, rating=4, text="Self: proud of the launch")
    manager_review = submitted(cycle, org.manager, lead, ReviewerKind.MANAGER)
    write(
        scenario,
        manager_review,
        rating=3,
        text="Manager: steady delivery",
        manager_text="Manager-audience: promotion case next year",
        hr_text="HR-audience: flight risk",
    )
    for i in range(peers):
        peer = secret_person(PEER_NAMES[i], manager=org.manager, number=f"PX{i}SECRET")
        scenario.peers.append(peer)
        review = submitted(cycle, peer, lead, ReviewerKind.PEER)
        # Written in reverse alphabetical order, so creation order ≠ content order.
        write(
            scenario,
            review,
            rating=5 - i,
            text=f"Peer remark {'zyx'[i % 3]}{i}",
            hr_text=f"Peer HR-audience note {i}",
        )
    for i in range(upward):
        report = secret_person(UPWARD_NAMES[i], manager=lead, number=f"UX{i}SECRET")
        scenario.reports.append(report)
        review = submitted(cycle, report, lead, ReviewerKind.UPWARD)
        write(scenario, review, rating=2 + (i % 2), text=f"Upward remark {'zyx'[i % 3]}{i}")
    return scenario


def write(
    scenario: Scenario,
    review: ReviewAssignment,
    *,
    rating: int,
    text: str,
    manager_text: str = "",
    hr_text: str = "",
) -> None:
    """Answers to every item: the goal, the competency, the overall rating
    and the text question, plus the manager- and HR-audience texts."""
    s, q = scenario.sections, scenario.questions
    answer(review, s[SectionKind.GOALS], f"g{scenario.goal.pk}", rating=Decimal(rating))
    answer(
        review, s[SectionKind.COMPETENCIES], f"c{scenario.competency.pk}", rating=Decimal(rating)
    )
    answer(review, s[SectionKind.QUESTIONS], f"q{q['overall'].pk}", rating=Decimal(rating))
    answer(review, s[SectionKind.QUESTIONS], f"q{q['well'].pk}", text=text)
    if manager_text:
        answer(review, s[SectionKind.QUESTIONS], f"q{q['manager_text'].pk}", text=manager_text)
    if hr_text:
        answer(review, s[SectionKind.QUESTIONS], f"q{q['hr_text'].pk}", text=hr_text)


def identities(people: list[Employee]) -> list[bytes]:
    """What would give a writer away in a response: name parts, full name,
    email and employee number."""
    found: list[bytes] = []
    for person in people:
        for value in (person.first_name, person.full_name, person.email, person.employee_number):
            found.append(value.encode())
    return found


def leaks(content: bytes, people: list[Employee]) -> list[bytes]:
    return [marker for marker in identities(people) if marker in content]


# --- a cycle of results, and a team of any size ----------------------------------------


def level(cycle: Cycle, value: int) -> RatingLevel:
    return RatingLevel.objects.get(scale=cycle.template.rating_scale, value=value)


def four_results(org: Org) -> Cycle:
    """A cycle at calibration with results for employee, lead, peer (Engineering) and salesperson
    (Sales); lead's is released, peer's released and acknowledged."""
    cycle = CycleFactory(stage=Stage.CALIBRATION)
    now = timezone.now()
    for name, value, released, acknowledged in [
        ("employee", 3, False, False),
        ("lead", 4, True, False),
        ("peer", 2, True, True),
        ("salesperson", 3, False, False),
    ]:
        person = getattr(org, name)
        ParticipantFactory(cycle=cycle, employee=person, manager=person.manager)
        ResultFactory(
            cycle=cycle,
            employee=person,
            computed_score=Decimal(value),
            computed_level=level(cycle, value),
            released_at=now if released else None,
            acknowledged_at=now if acknowledged else None,
        )
    return cycle


def result_of(cycle: Cycle, person: Employee) -> ReviewResult:
    return ReviewResult.objects.get(cycle=cycle, employee=person)


def add_team(org: Org, cycle: Cycle, size: int) -> list[Employee]:
    """`size` reports under the manager, each with a computed result and
    three submitted peer reviews rating a goal."""
    people = Employee.objects.bulk_create(
        Employee(
            employee_number=f"T{i:05d}",
            first_name=f"Team{i}",
            last_name="Member",
            email=f"team{i}@example.com",
            department=org.engineering,
            manager=org.manager,
        )
        for i in range(size)
    )
    rebuild_reporting_paths()
    goals = cycle.template.sections.get(kind=SectionKind.GOALS)
    reviewers = [org.peer, org.lead, org.former]
    now = timezone.now()
    assignments = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            cycle=cycle,
            reviewer=reviewer,
            reviewee=person,
            kind=ReviewerKind.PEER,
            status=AssignmentStatus.SUBMITTED,
            submitted_at=now,
        )
        for person in people
        for reviewer in reviewers
    )
    Answer.objects.bulk_create(
        Answer(assignment=a, section=goals, item="g1", rating=Decimal(3 + i % 3))
        for i, a in enumerate(assignments)
    )
    ReviewResult.objects.bulk_create(
        ReviewResult(cycle=cycle, employee=p, computed_score=3, computed_level=level(cycle, 3))
        for p in people
    )
    return people
