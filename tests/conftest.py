"""Shared fixtures: `org` is a small organisation with one person in every
position the access rules distinguish."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings

from cadence.core.models import Role, User
from cadence.people.models import Department, Employee, EmploymentStatus
from tests.api_client import Api
from tests.factories import DepartmentFactory, EmployeeFactory, UserFactory, grant


def pytest_configure(config: pytest.Config) -> None:
    # Real password hashing costs ~0.3 s a user; the suite creates hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    """Every test starts with empty in-memory caches: nothing kept by one
    test may answer another (primary keys are reused after a rollback).
    The database cache (kept insights) is emptied with the rest of the
    database when each test's transaction is rolled back."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for cache in caches.all():
        if isinstance(cache, LocMemCache):
            cache.clear()


@dataclass
class Org:
    """
    Company (root)
    ├── Engineering            (HRBP `hrbp` scoped here)
    │   └── Platform
    └── Sales                  (executive `executive` scoped here)

    ceo (Company)
    ├── manager (Engineering)           ← the manager under test
    │   ├── lead (Platform)             ← a direct report who manages
    │   │   └── employee (Platform)     ← indirect report of `manager`
    │   └── peer (Engineering)          ← employee's peer, same manager chain
    └── other_manager (Sales)           ← manages another team
        └── salesperson (Sales)
    former (Engineering, terminated, reports to manager)
    """

    company: Department
    engineering: Department
    platform: Department
    sales: Department
    ceo: Employee
    manager: Employee
    lead: Employee
    employee: Employee
    peer: Employee
    other_manager: Employee
    salesperson: Employee
    former: Employee
    hr_admin: User
    hrbp: User
    executive: User
    auditor: User
    outsider: User


def _person(email: str, **kwargs: object) -> Employee:
    return EmployeeFactory(user=UserFactory(email=email), email=email, **kwargs)


@pytest.fixture
def org(db: None) -> Org:
    company = DepartmentFactory(name="Company", code="CO")
    engineering = DepartmentFactory(name="Engineering", code="ENG", parent=company)
    platform = DepartmentFactory(name="Platform", code="PLT", parent=engineering)
    sales = DepartmentFactory(name="Sales", code="SAL", parent=company)

    ceo = _person("ceo@example.com", department=company, first_name="Cora", last_name="Chief")
    manager = _person(
        "manager@example.com",
        department=engineering,
        manager=ceo,
        first_name="Mona",
        last_name="Manager",
    )
    lead = _person(
        "lead@example.com", department=platform, manager=manager, first_name="Lee", last_name="Lead"
    )
    employee = _person(
        "employee@example.com",
        department=platform,
        manager=lead,
        first_name="Emma",
        last_name="Employee",
    )
    peer = _person(
        "peer@example.com",
        department=engineering,
        manager=manager,
        first_name="Pat",
        last_name="Peer",
    )
    other_manager = _person(
        "other.manager@example.com",
        department=sales,
        manager=ceo,
        first_name="Otto",
        last_name="Other",
    )
    salesperson = _person(
        "sales@example.com",
        department=sales,
        manager=other_manager,
        first_name="Sam",
        last_name="Seller",
    )
    former = _person(
        "former@example.com",
        department=engineering,
        manager=manager,
        first_name="Fay",
        last_name="Former",
        status=EmploymentStatus.TERMINATED,
    )

    hr_admin = UserFactory(email="hr.admin@example.com")
    grant(hr_admin, Role.HR_ADMIN)
    hrbp = UserFactory(email="hrbp@example.com")
    grant(hrbp, Role.HRBP, engineering)
    executive = UserFactory(email="exec@example.com")
    grant(executive, Role.EXECUTIVE, sales)
    auditor = UserFactory(email="auditor@example.com")
    grant(auditor, Role.AUDITOR)
    outsider = UserFactory(email="outsider@example.com")  # a login with no place at all

    return Org(
        company,
        engineering,
        platform,
        sales,
        ceo,
        manager,
        lead,
        employee,
        peer,
        other_manager,
        salesperson,
        former,
        hr_admin,
        hrbp,
        executive,
        auditor,
        outsider,
    )


def fresh(user: User) -> User:
    """The same login without the per-request viewer cache."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def api(db: None) -> Api:
    """`api.as_(user)`: a JSON client sending a bearer token for `user`."""
    return Api()
