"""Query budgets: each people page runs the same number of queries for a
team of 10 as for a team of 200."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cadence.people.models import Employee
from cadence.people.paths import rebuild_reporting_paths
from tests.conftest import Org
from tests.factories import JobProfileFactory, LocationFactory

SIZES = [10, 200]


def add_team(org: Org, size: int) -> Employee:
    """`size` direct reports for the manager, bulk-created; half of them
    manage one person each so report counts are non-trivial."""
    office = LocationFactory()
    job = JobProfileFactory()
    common: dict[str, Any] = {
        "department": org.engineering,
        "location": office,
        "job_profile": job,
        "salary": "50000",
        "currency": "GBP",
    }
    reports = Employee.objects.bulk_create(
        Employee(
            employee_number=f"T{i:05d}",
            first_name=f"Team{i}",
            last_name="Member",
            email=f"team{i}@example.com",
            manager=org.manager,
            **common,
        )
        for i in range(size)
    )
    Employee.objects.bulk_create(
        Employee(
            employee_number=f"S{i:05d}",
            first_name=f"Sub{i}",
            last_name="Member",
            email=f"sub{i}@example.com",
            manager=report,
            **common,
        )
        for i, report in enumerate(reports[::2])
    )
    rebuild_reporting_paths()
    return org.manager


QueryCounter = Callable[[int], Any]


@pytest.mark.parametrize("size", SIZES)
def test_directory_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    add_team(org, size)
    client.force_login(org.employee.user)
    with django_assert_max_num_queries(14):
        assert client.get("/people/", {"department": org.engineering.pk}).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/people/", {"q": "Member", "page": "2"}).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_manager_profile_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    manager = add_team(org, size)
    client.force_login(org.hr_admin)
    with django_assert_max_num_queries(12):
        resp = client.get(f"/people/{manager.pk}/")
    assert resp.status_code == 200
    assert len(resp.context["reports"]) == size + 3  # the team, lead, peer and former


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("suffix", ["children/", "children.json", "children/?format=json"])
def test_org_chart_children_query_budget(
    client: Client,
    org: Org,
    django_assert_max_num_queries: QueryCounter,
    size: int,
    suffix: str,
) -> None:
    manager = add_team(org, size)
    client.force_login(org.peer.user)
    with django_assert_max_num_queries(10):
        resp = client.get(f"/people/org-chart/{manager.pk}/{suffix}")
    assert resp.status_code == 200
    if "json" in suffix:
        assert len(resp.json()) == size + 2


@pytest.mark.parametrize("size", SIZES)
def test_org_chart_page_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    add_team(org, size)
    client.force_login(org.peer.user)
    with django_assert_max_num_queries(14):
        resp = client.get("/people/org-chart/", {"focus": org.employee.pk})
    assert resp.status_code == 200
