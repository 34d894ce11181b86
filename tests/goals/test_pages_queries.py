"""Query budgets: the goals pages run the same number of queries for a team
of 10 as for a team of 200, each person with a goal and two key results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from cadence.goals.models import GoalPeriod, KeyResult, Objective
from cadence.people.models import Employee
from cadence.people.paths import rebuild_reporting_paths
from tests.conftest import Org
from tests.factories import GoalPeriodFactory

SIZES = [10, 200]
QueryCounter = Callable[[int], Any]


def add_team_with_goals(org: Org, size: int) -> GoalPeriod:
    """`size` reports under the manager (half of them managing one more
    person), everyone with a goal of two key results."""
    period = GoalPeriodFactory()
    reports = Employee.objects.bulk_create(
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
    subs = Employee.objects.bulk_create(
        Employee(
            employee_number=f"S{i:05d}",
            first_name=f"Sub{i}",
            last_name="Member",
            email=f"sub{i}@example.com",
            department=org.engineering,
            manager=report,
        )
        for i, report in enumerate(reports[::2])
    )
    rebuild_reporting_paths()
    people = [*reports, *subs, org.manager]
    goals = Objective.objects.bulk_create(
        Objective(
            period=period,
            owner_employee=person,
            title=f"Goal of {person.employee_number}",
            visibility="private" if i % 3 == 0 else "public",
        )
        for i, person in enumerate(people)
    )
    KeyResult.objects.bulk_create(
        KeyResult(objective=goal, title=f"KR {n}", target_value=10, current_value=n * 3)
        for goal in goals
        for n in (1, 2)
    )
    return period


@pytest.mark.parametrize("size", SIZES)
def test_my_goals_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    period = add_team_with_goals(org, size)
    client.force_login(org.manager.user)
    with django_assert_max_num_queries(12):
        resp = client.get("/goals/", {"period": period.pk})
    assert resp.status_code == 200
    assert len(resp.context["rows"]) == 1


@pytest.mark.parametrize("size", SIZES)
def test_team_goals_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    period = add_team_with_goals(org, size)
    client.force_login(org.manager.user)
    rows = []
    number = 1
    while True:  # every page, each within the budget
        with django_assert_max_num_queries(13):
            resp = client.get("/goals/team/", {"period": period.pk, "page": number})
        assert resp.status_code == 200
        assert len(resp.context["rows"]) <= settings.CADENCE_PAGE_SIZE
        rows += resp.context["rows"]
        if not resp.context["page_obj"].has_next():
            break
        number += 1
    assert len(rows) == size + size // 2 + 3  # team, their reports, lead, employee, peer
    assert len({r.employee.pk for r in rows}) == len(rows)
    assert sum(r.goal_count for r in rows) == size + size // 2


@pytest.mark.parametrize("size", SIZES)
def test_tree_data_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    period = add_team_with_goals(org, size)
    client.force_login(org.peer.user)
    with django_assert_max_num_queries(12):
        resp = client.get("/goals/tree/data.json", {"period": period.pk})
    assert resp.status_code == 200
    private = Objective.objects.filter(visibility="private").values_list("id", flat=True)
    assert not set(private) & {row["id"] for row in resp.json()}


@pytest.mark.parametrize("size", SIZES)
def test_tree_page_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    period = add_team_with_goals(org, size)
    client.force_login(org.manager.user)
    with django_assert_max_num_queries(12):
        assert client.get("/goals/tree/", {"period": period.pk}).status_code == 200
