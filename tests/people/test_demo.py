"""The demo organisation: deterministic, realistic in shape, with working
demo logins, and careful about the database it runs against."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from cadence.core.models import AuditEntry, Role, RoleAssignment, User
from cadence.jobs.models import ExpectedProficiency, PayGrade
from cadence.people.demo import (
    DEMO_PASSWORD,
    generate_demo_organisation,
    pay_grade_code,
    wipe_organisation,
)
from cadence.people.models import Employee

TODAY = dt.date(2025, 6, 30)


def fingerprint() -> list[tuple[object, ...]]:
    return list(
        Employee.objects.order_by("employee_number").values_list(
            "employee_number",
            "first_name",
            "last_name",
            "email",
            "manager__employee_number",
            "department__code",
            "job_profile__title",
            "salary",
            "currency",
            "hire_date",
            "status",
        )
    )


def depth_and_spans() -> tuple[int, list[int]]:
    paths = Employee.objects.values_list("reporting_path", flat=True)
    depth = max(path.strip("/").count("/") + 1 for path in paths)
    spans = Counter(Employee.objects.exclude(manager=None).values_list("manager_id", flat=True))
    return depth, list(spans.values())


@pytest.mark.django_db
def test_same_seed_gives_the_same_organisation() -> None:
    generate_demo_organisation(employees=120, seed=7, today=TODAY)
    first = fingerprint()
    wipe_organisation()
    generate_demo_organisation(employees=120, seed=7, today=TODAY)
    assert fingerprint() == first
    assert len(first) == 120
    wipe_organisation()
    generate_demo_organisation(employees=120, seed=8, today=TODAY)
    assert fingerprint() != first


@pytest.mark.django_db
def test_demo_logins_exist_and_sign_in() -> None:
    generate_demo_organisation(employees=120, seed=1, today=TODAY)
    for email in ("hr.admin@example.com", "manager@example.com", "employee@example.com",
                  "hrbp@example.com", "exec@example.com", "auditor@example.com"):  # fmt: skip
        assert authenticate(email=email, password=DEMO_PASSWORD) == User.objects.get(email=email)
    roles = set(RoleAssignment.objects.values_list("user__email", "role", "department__code"))
    assert ("hr.admin@example.com", Role.HR_ADMIN, None) in roles
    assert ("hrbp@example.com", Role.HRBP, "ENG") in roles
    assert ("exec@example.com", Role.EXECUTIVE, "SAL") in roles
    assert ("auditor@example.com", Role.AUDITOR, None) in roles


@pytest.mark.django_db
def test_manager_has_two_levels_below_and_employee_reports_to_them() -> None:
    generate_demo_organisation(employees=400, seed=3, today=TODAY)
    manager = Employee.objects.get(user__email="manager@example.com")
    employee = Employee.objects.get(user__email="employee@example.com")
    assert employee.manager_id == manager.pk
    assert Employee.objects.filter(manager__manager=manager).exists()
    assert manager.status == employee.status == "active"


@pytest.mark.django_db
def test_reporting_tree_shape_for_a_mid_sized_organisation() -> None:
    summary = generate_demo_organisation(employees=400, seed=1, today=TODAY)
    assert summary.employees == Employee.objects.count() == 400
    depth, spans = depth_and_spans()
    assert 4 <= depth <= 7
    assert min(spans) >= 3
    assert max(spans) <= 12
    assert Employee.objects.filter(manager=None).count() == 1
    for emp in Employee.objects.exclude(manager=None).select_related(
        "manager__department", "department", "job_profile__level", "manager__job_profile__level"
    ):
        assert emp.reporting_path == f"{emp.manager.reporting_path}{emp.pk}/"
        assert emp.job_profile.level.rank < emp.manager.job_profile.level.rank
        assert emp.department.path.startswith(emp.manager.department.path)


@pytest.mark.django_db
def test_salaries_fall_inside_their_pay_grade() -> None:
    generate_demo_organisation(employees=300, seed=2, today=TODAY)
    grades = {g.code: g for g in PayGrade.objects.all()}
    for emp in Employee.objects.select_related("job_profile__level"):
        grade = grades[pay_grade_code(emp.job_profile.level.rank, emp.currency)]
        assert grade.minimum <= emp.salary <= grade.maximum
    assert len(set(Employee.objects.values_list("email", flat=True))) == 300
    assert ExpectedProficiency.objects.exists()


@pytest.mark.django_db
def test_protected_attributes_have_a_realistic_mix() -> None:
    generate_demo_organisation(employees=400, seed=4, today=TODAY)
    sexes = Counter(Employee.objects.values_list("sex", flat=True))
    assert sexes["female"] > 100 and sexes["male"] > 100
    races = Counter(Employee.objects.values_list("race_ethnicity", flat=True))
    assert len(races) >= 5 and races["undisclosed"] > 0
    statuses = Counter(Employee.objects.values_list("status", flat=True))
    assert statuses["active"] > 300 and statuses["terminated"] > 0
    assert not Employee.objects.filter(age_band="").exists()


@pytest.mark.django_db
def test_generation_is_audited_once_as_the_system() -> None:
    generate_demo_organisation(employees=50, seed=1, today=TODAY)
    entry = AuditEntry.objects.get(action="demo.create")
    assert entry.actor is None
    assert entry.after["employees"] == 50


@pytest.mark.django_db
def test_command_refuses_without_debug_unless_forced(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo", "--employees", "30")
    assert not Employee.objects.exists()
    call_command("demo", "--employees", "30", "--force")
    assert Employee.objects.count() == 30


@pytest.mark.django_db
def test_command_if_empty_leaves_a_populated_organisation_alone(
    settings: object, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    call_command("demo", "--employees", "40", "--seed", "1")
    before = fingerprint()
    call_command("demo", "--employees", "80", "--seed", "2", "--if-empty")
    assert fingerprint() == before
    assert "manager@example.com" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--force"):
        call_command("demo", "--employees", "80")
    call_command("demo", "--employees", "80", "--seed", "2", "--force")
    assert Employee.objects.count() == 80
    assert AuditEntry.objects.filter(action="demo.create").count() == 2


@pytest.mark.django_db
def test_postgresql_statistics_are_gathered_after_the_bulk_load() -> None:
    """Otherwise the planner takes the freshly filled tables for nearly empty
    until autovacuum comes round (at 100,000 people: home 300 ms, not 30)."""
    from django.db import connection

    summary = generate_demo_organisation(employees=60, seed=1, today=TODAY)
    if connection.vendor != "postgresql":
        assert "statistics (ANALYZE)" not in summary.steps
        return
    assert "statistics (ANALYZE)" in summary.steps
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'people_employee'")
        assert cursor.fetchone()[0] >= 60
