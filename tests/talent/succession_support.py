"""Helpers for the succession tests: critical roles with successors, and
calibration sessions (locked, open or draft) that place people on the
performance × potential grid, from which candidates are suggested."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from cadence.core.models import User
from cadence.jobs.models import JobProfile
from cadence.people.models import Department, Employee
from cadence.reviews.models import RatingLevel
from cadence.talent.models import (
    CalibrationEntry,
    CalibrationSession,
    CriticalRole,
    PopulationKind,
    Potential,
    Rating3,
    Readiness,
    SessionState,
    Successor,
)
from tests.factories import EmployeeFactory, UserFactory
from tests.review_factories import CycleFactory, ResultFactory, five_point_scale

_counter = itertools.count(1)


def make_role(
    department: Department | None = None,
    *,
    title: str = "Head of Platform",
    job_profile: JobProfile | None = None,
    incumbent: Employee | None = None,
    risk: str = Rating3.MEDIUM,
    impact: str = Rating3.HIGH,
) -> CriticalRole:
    """A critical role in `department` (the incumbent's when not given)."""
    if job_profile is None and incumbent is None:
        holder: Any = EmployeeFactory(department=department)
        incumbent = holder
    if department is None and incumbent is not None:
        department = incumbent.department
    return CriticalRole.objects.create(
        title=title,
        job_profile=job_profile,
        incumbent=incumbent,
        department=department,
        risk_of_loss=risk,
        impact_of_loss=impact,
    )


def name_successor(
    role: CriticalRole, employee: Employee, readiness: str = Readiness.READY_NOW
) -> Successor:
    return Successor.objects.create(role=role, employee=employee, readiness=readiness)


def level(value: int | str) -> RatingLevel:
    """A level of the usual five-point scale."""
    return RatingLevel.objects.get(scale=five_point_scale(), value=Decimal(value))


def make_session(
    placements: list[tuple[Employee, int, int | None]],
    *,
    state: str = SessionState.LOCKED,
    locked_at: dt.datetime | None = None,
    facilitator: User | None = None,
    calibrated: bool = True,
) -> CalibrationSession:
    """A session (a list population) with one entry per (person, rating
    value 1–5, potential). The rating is the calibrated level (or, with
    `calibrated=False`, only the original one)."""
    n = next(_counter)
    five_point_scale()
    cycle: Any = CycleFactory(name=f"Succession cycle {n}")
    session = CalibrationSession.objects.create(
        cycle=cycle,
        name=f"Calibration {n}",
        population_kind=PopulationKind.LIST,
        facilitator=facilitator or cast(User, UserFactory()),
        state=state,
        locked_at=(locked_at or timezone.now()) if state == SessionState.LOCKED else None,
    )
    for employee, value, potential in placements:
        result: Any = ResultFactory(cycle=cycle, employee=employee)
        original = level(3)
        CalibrationEntry.objects.create(
            session=session,
            result=result,
            employee=employee,
            manager=employee.manager,
            original_level=level(value) if not calibrated else original,
            calibrated_level=level(value) if calibrated else None,
            potential=potential,
        )
    return session


HIGH = Potential.HIGH
MEDIUM = Potential.MEDIUM
