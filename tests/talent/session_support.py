"""Builders for the calibration session tests: a cycle at the calibration
stage with a result (computed and manager ratings) for everyone active in
`org`, a department session over Engineering, and bigger teams for the
query budgets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cadence.core.models import Role, User
from cadence.people.models import Department, Employee, EmploymentStatus
from cadence.people.paths import rebuild_reporting_paths
from cadence.reviews.models import (
    Cycle,
    CycleParticipant,
    RatingLevel,
    ReviewResult,
    Stage,
)
from cadence.talent import services_sessions as services
from cadence.talent.models import CalibrationEntry, CalibrationSession
from tests.conftest import Org
from tests.factories import UserFactory, grant
from tests.review_factories import CycleFactory


def level(cycle: Cycle, value: int) -> RatingLevel:
    return RatingLevel.objects.get(scale_id=cycle.template.rating_scale_id, value=Decimal(value))


def _rater(employee: Employee) -> User | None:
    manager = employee.manager
    return manager.user if manager is not None else None


def add_results(cycle: Cycle, people: list[Employee], *, computed: int = 3) -> None:
    """Each person takes part with a computed rating of `computed` and the
    same rating from their manager (in bulk)."""
    computed_level = level(cycle, computed)
    CycleParticipant.objects.bulk_create(
        CycleParticipant(cycle=cycle, employee=p, manager_id=p.manager_id) for p in people
    )
    ReviewResult.objects.bulk_create(
        ReviewResult(
            cycle=cycle,
            employee=p,
            computed_level=computed_level,
            manager_level=computed_level,
            manager_rated_by=_rater(p),
        )
        for p in people
    )


def calibration_cycle(org: Org, *, stage: str = Stage.CALIBRATION) -> Cycle:
    """A cycle at `stage` with results for every active person but the CEO.
    The employee's manager (lead) proposed 4 over a computed 3."""
    cycle = CycleFactory(name="2027 annual review", stage=stage, launched_at=timezone.now())
    people = list(
        Employee.objects.exclude(status=EmploymentStatus.TERMINATED)
        .exclude(pk=org.ceo.pk)
        .select_related("manager__user")
    )
    add_results(cycle, people)
    ReviewResult.objects.filter(cycle=cycle, employee=org.employee).update(
        manager_level=level(cycle, 4), override_reason="Led the migration."
    )
    return cycle


def facilitator_user(
    email: str = "facilitator@example.com", department: Department | None = None
) -> User:
    """An HR business partner (scoped to `department`) who facilitates."""
    user = UserFactory(email=email)
    if department is not None:
        grant(user, Role.HRBP, department)
    return user


def engineering_session(
    org: Org,
    cycle: Cycle,
    *,
    facilitator: User | None = None,
    opened: bool = True,
    share_whole_view: bool = False,
) -> CalibrationSession:
    """Engineering and below (manager, lead, employee, peer), set up by the
    HR admin; participants default to the raters (ceo, manager, lead)."""
    session = services.create_session(
        actor=org.hr_admin,
        cycle=cycle,
        name="Engineering calibration",
        population_kind="department",
        department=org.engineering,
        facilitator=facilitator or org.hr_admin,
        share_whole_view=share_whole_view,
    )
    if opened:
        session = services.open_session(actor=org.hr_admin, session=session)
    return session


def entry_of(session: CalibrationSession, employee: Employee) -> CalibrationEntry:
    return CalibrationEntry.objects.get(session=session, employee=employee)


def add_team(org: Org, cycle: Cycle, size: int, prefix: str = "Q") -> list[Employee]:
    """`size` reports of `lead` in Platform, with results, in bulk."""
    Employee.objects.bulk_create(
        Employee(
            employee_number=f"{prefix}{i:05d}",
            first_name=f"Member{i}",
            last_name="Teamer",
            email=f"{prefix.lower()}{i}@example.com",
            department=org.platform,
            manager=org.lead,
            hire_date=dt.date(2020, 1, 1),
        )
        for i in range(size)
    )
    rebuild_reporting_paths()
    team = list(
        Employee.objects.filter(employee_number__startswith=prefix).select_related("manager__user")
    )
    add_results(cycle, team, computed=2)
    return team
