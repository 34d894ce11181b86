"""The plan list and a plan's page (and their API twins) run a fixed number
of queries, whatever the number of plans, goals, actions and comments."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cadence.development.models import DevelopmentComment
from tests.development.growth_support import make_plan, profile_with_competencies, released_review
from tests.factories import EmployeeFactory


@pytest.mark.parametrize("size", [2, 30])
def test_plan_list_query_budget(
    org: Any, api: Any, django_assert_max_num_queries: Any, size: int
) -> None:
    for _ in range(size):
        report: Any = EmployeeFactory(manager=org.manager, department=org.engineering)
        make_plan(report, goals=2, actions=2)
    client = Client()
    client.force_login(org.manager.user)
    with django_assert_max_num_queries(10):
        resp = client.get("/development/plans/")
    assert resp.status_code == 200
    assert resp.content.decode().count('class="plan-row"') == min(size, 25)
    api_client = api.as_(org.manager)
    with django_assert_max_num_queries(10):
        assert api_client.get("/api/v1/development-plans").status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_plan_detail_query_budget(
    org: Any, api: Any, django_assert_max_num_queries: Any, size: int
) -> None:
    _, comps = profile_with_competencies(org.employee, {f"Competency {i}": 3 for i in range(size)})
    released_review(org.employee, org.lead, dict.fromkeys(comps.values(), 2))
    plan = make_plan(org.employee, goals=size, actions=size)
    for i, competency in enumerate(comps.values()):
        goal = plan.goals.all()[i]
        goal.competency = competency
        goal.save()
    for i in range(size):
        DevelopmentComment.objects.create(plan=plan, author=org.lead.user, body=f"Note {i}")
    client = Client()
    client.force_login(org.lead.user)
    with django_assert_max_num_queries(16):
        resp = client.get(f"/development/plans/{plan.pk}/")
    assert resp.status_code == 200
    assert resp.content.decode().count('class="development-action"') == size * size
    api_client = api.as_(org.lead)
    with django_assert_max_num_queries(16):
        assert api_client.get(f"/api/v1/development-plans/{plan.pk}").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(f"/development/plans/{plan.pk}/goals/new/").status_code == 200
