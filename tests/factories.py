"""factory-boy factories for the organisation. Employees built here get
their reporting path set the way the services set it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from cadence.core.models import Role, RoleAssignment, User
from cadence.jobs.models import (
    Competency,
    CompetencyCategory,
    CompetencyFramework,
    JobFamily,
    JobLevel,
    JobProfile,
)
from cadence.people.models import Department, Employee, Location
from cadence.people.paths import place_department, place_employee

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class DepartmentFactory(DjangoModelFactory[Department]):
    class Meta:
        model = Department
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Department {n}")
    code = factory.Sequence(lambda n: f"D{n:04d}")

    @factory.post_generation
    def _place(obj: Department, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            place_department(obj)


class LocationFactory(DjangoModelFactory[Location]):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Office {n}")
    code = factory.Sequence(lambda n: f"L{n:03d}")
    country = "GB"


class JobFamilyFactory(DjangoModelFactory[JobFamily]):
    class Meta:
        model = JobFamily
        django_get_or_create = ("name",)

    name = "Engineering"


class JobLevelFactory(DjangoModelFactory[JobLevel]):
    class Meta:
        model = JobLevel
        django_get_or_create = ("code",)

    code = "L3"
    name = "Professional"
    rank = 3


class JobProfileFactory(DjangoModelFactory[JobProfile]):
    class Meta:
        model = JobProfile

    title = factory.Sequence(lambda n: f"Engineer {n}")
    family = factory.SubFactory(JobFamilyFactory)
    level = factory.SubFactory(JobLevelFactory)


class CompetencyFrameworkFactory(DjangoModelFactory[CompetencyFramework]):
    class Meta:
        model = CompetencyFramework

    name = factory.Sequence(lambda n: f"Framework {n}")


class CompetencyFactory(DjangoModelFactory[Competency]):
    class Meta:
        model = Competency

    framework = factory.SubFactory(CompetencyFrameworkFactory)
    name = factory.Sequence(lambda n: f"Competency {n}")
    category = CompetencyCategory.CORE


class EmployeeFactory(DjangoModelFactory[Employee]):
    class Meta:
        model = Employee
        skip_postgeneration_save = True

    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.Sequence(lambda n: f"employee{n}@example.com")
    department = factory.SubFactory(DepartmentFactory)
    hire_date = dt.date(2020, 1, 6)
    salary = Decimal("55000.00")
    currency = "GBP"
    sex = "female"
    race_ethnicity = "asian"

    @factory.post_generation
    def _place(obj: Employee, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            place_employee(obj)


def grant(user: User, role: Role, department: Department | None = None) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, department=department)


# --- goals -----------------------------------------------------------------------------

import datetime as _dt  # noqa: E402

from cadence.goals.models import GoalPeriod, KeyResult, Objective  # noqa: E402


class GoalPeriodFactory(DjangoModelFactory[GoalPeriod]):
    class Meta:
        model = GoalPeriod
        django_get_or_create = ("name",)

    name = "2027 Q1"
    starts_on = _dt.date(2027, 1, 1)
    ends_on = _dt.date(2027, 3, 31)


class ObjectiveFactory(DjangoModelFactory[Objective]):
    """A personal goal unless scope/owner_department say otherwise."""

    class Meta:
        model = Objective

    period = factory.SubFactory(GoalPeriodFactory)
    owner_employee = factory.SubFactory(EmployeeFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")


class KeyResultFactory(DjangoModelFactory[KeyResult]):
    class Meta:
        model = KeyResult

    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Key result {n}")
    start_value = 0
    target_value = 100
    current_value = 0
