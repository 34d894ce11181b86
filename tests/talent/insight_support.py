"""Builders for the pre-read and outcome tests: a calibration session
written straight into the models (no session services), with entries whose
original, proposed and calibrated levels are given by value, and self
reviews with their ratings.

`standard(org)` is the session most tests use:

    manager (Engineering) rated   lead 4, peer 3, + M0..M2 at 5, 4, 4   (5 people)
    lead (Platform) rated         employee 2                          (1 person)
    other_manager (Sales) rated   salesperson 3, + S0..S2 at 2, 2, 3   (4 people)

`org.manager` sees the first six (their reports at any depth), `org.other_manager`
the last four, HR admins and the facilitator everyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from cadence.core.models import User
from cadence.goals.models import Objective
from cadence.people.models import Department, Employee
from cadence.people.paths import rebuild_reporting_paths
from cadence.reviews.models import (
    AssignmentStatus,
    Cycle,
    Question,
    ReviewAssignment,
    ReviewerKind,
    ReviewResult,
    SectionKind,
    Stage,
)
from cadence.talent.models import (
    CalibrationEntry,
    CalibrationSession,
    PopulationKind,
    SessionParticipant,
    SessionState,
)
from tests.conftest import Org
from tests.factories import EmployeeFactory, ObjectiveFactory
from tests.review_factories import CycleFactory
from tests.reviews.results_fixtures import answer, level, submitted


@dataclass
class Setup:
    org: Org
    cycle: Cycle
    session: CalibrationSession
    entries: dict[str, CalibrationEntry] = field(default_factory=dict)

    def entry(self, key: str) -> CalibrationEntry:
        return self.entries[key]


def make_session(
    org: Org,
    *,
    cycle: Cycle | None = None,
    participants: Sequence[Employee] = (),
    **values: Any,
) -> CalibrationSession:
    """A list session run by the HR admin, open unless told otherwise."""
    if cycle is None:
        cycle = cast(Cycle, CycleFactory(stage=Stage.CALIBRATION))
    values = {
        "name": "Engineering and Sales calibration",
        "population_kind": PopulationKind.LIST,
        "facilitator": org.hr_admin,
        "state": SessionState.OPEN,
        **values,
    }
    session = CalibrationSession.objects.create(cycle=cycle, **values)
    SessionParticipant.objects.bulk_create(
        SessionParticipant(session=session, employee=person) for person in participants
    )
    return session


def add_entry(
    session: CalibrationSession,
    employee: Employee,
    *,
    manager: Employee | None,
    original: int | None,
    proposed: int | None = None,
    calibrated: int | None = None,
) -> CalibrationEntry:
    """A result and an entry for `employee`, levels given by value."""
    cycle = session.cycle

    def at(value: int | None) -> Any:
        return level(cycle, value) if value is not None else None

    result = ReviewResult.objects.create(
        cycle=cycle,
        employee=employee,
        computed_score=Decimal(original) if original is not None else None,
        computed_level=at(original),
        manager_level=at(proposed),
    )
    return CalibrationEntry.objects.create(
        session=session,
        result=result,
        employee=employee,
        manager=manager,
        original_level=at(original),
        proposed_level=at(proposed),
        calibrated_level=at(calibrated),
    )


def people(manager: Employee, department: Department, count: int, prefix: str) -> list[Employee]:
    """`count` new reports of `manager` (reporting paths rebuilt)."""
    found: list[Employee] = [
        EmployeeFactory(  # type: ignore[misc]
            first_name=f"{prefix}{i}",
            last_name=f"{prefix}person",
            employee_number=f"{prefix}{i:04d}",
            department=department,
            manager=manager,
        )
        for i in range(count)
    ]
    rebuild_reporting_paths()
    return found


def standard(org: Org, **session_values: Any) -> Setup:
    """The session described in the module docstring; nothing calibrated."""
    session = make_session(
        org, participants=[org.manager, org.lead, org.other_manager], **session_values
    )
    setup = Setup(org, session.cycle, session)
    add = setup.entries
    add["lead"] = add_entry(session, org.lead, manager=org.manager, original=4)
    add["peer"] = add_entry(session, org.peer, manager=org.manager, original=2, proposed=3)
    for i, (person, rating) in enumerate(
        zip(people(org.manager, org.engineering, 3, "M"), [5, 4, 4], strict=True)
    ):
        add[f"M{i}"] = add_entry(session, person, manager=org.manager, original=rating)
    add["employee"] = add_entry(session, org.employee, manager=org.lead, original=2)
    add["salesperson"] = add_entry(session, org.salesperson, manager=org.other_manager, original=3)
    for i, (person, rating) in enumerate(
        zip(people(org.other_manager, org.sales, 3, "S"), [2, 2, 3], strict=True)
    ):
        add[f"S{i}"] = add_entry(session, person, manager=org.other_manager, original=rating)
    return setup


def user_of(employee: Employee) -> User:
    """The login of an employee of the `org` fixture (they all have one)."""
    assert employee.user is not None
    return employee.user


def calibrate(entry: CalibrationEntry, value: int | None) -> None:
    entry.calibrated_level = level(entry.session.cycle, value) if value is not None else None
    entry.save(update_fields=["calibrated_level"])


def self_review(
    cycle: Cycle,
    employee: Employee,
    *,
    overall: int,
    goals: int | None = None,
    status: str = AssignmentStatus.SUBMITTED,
) -> ReviewAssignment:
    """A self review rating the "Overall?" question (questions section,
    weight 1) and, when given, a goal (goals section, weight 2)."""
    review = submitted(cycle, employee, employee, ReviewerKind.SELF)
    if status != AssignmentStatus.SUBMITTED:
        review.status = status
        review.submitted_at = None
        review.save(update_fields=["status", "submitted_at"])
    sections = {s.kind: s for s in cycle.template.sections.all()}
    question = Question.objects.get(section__template=cycle.template, text="Overall?")
    answer(review, sections[SectionKind.QUESTIONS], f"q{question.pk}", rating=Decimal(overall))
    if goals is not None:
        goal = cast(Objective, ObjectiveFactory(owner_employee=employee))
        answer(review, sections[SectionKind.GOALS], f"g{goal.pk}", rating=Decimal(goals))
    return review


def grow(setup: Setup, size: int) -> None:
    """`size` more people for each of the two managers (query budgets)."""
    org, session = setup.org, setup.session
    for i, person in enumerate(people(org.manager, org.engineering, size, "X")):
        add_entry(session, person, manager=org.manager, original=1 + i % 5, calibrated=3)
        self_review(session.cycle, person, overall=1 + (i + 1) % 5)
    for i, person in enumerate(people(org.other_manager, org.sales, size, "Y")):
        add_entry(session, person, manager=org.other_manager, original=1 + i % 5, proposed=2)
        self_review(session.cycle, person, overall=3)
