"""Who sees and who changes a development plan, on the pages and the API:
the employee, their manager chain, HR admin and the HRBP in scope see it;
another team's manager, a peer, an HRBP out of scope, the executive, the
auditor and an outsider get a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cadence.core.models import Role
from cadence.development.models import DevelopmentPlan
from tests.api_client import ids
from tests.development.growth_support import make_plan
from tests.factories import UserFactory, grant

# The plan under test belongs to `employee` (Platform, under lead → manager → ceo).
BODY = {"title": "x", "starts_on": "2025-01-01", "ends_on": "2025-06-01"}
SEES = ["employee", "lead", "manager", "ceo", "hr_admin", "hrbp"]
HIDDEN = ["peer", "other_manager", "salesperson", "executive", "auditor", "outsider", "hrbp_sales"]


def _who(org: Any, name: str) -> Any:
    if name == "hrbp_sales":
        user: Any = UserFactory(email="hrbp.sales@example.com")
        grant(user, Role.HRBP, org.sales)
        return user
    found = getattr(org, name)
    return getattr(found, "user", found)


@pytest.fixture
def plan(org: Any) -> DevelopmentPlan:
    return make_plan(org.employee, title="Emma's growth")


@pytest.mark.parametrize("name", SEES)
def test_who_sees_the_plan(org: Any, plan: DevelopmentPlan, api: Any, name: str) -> None:
    user = _who(org, name)
    client = Client()
    client.force_login(user)
    assert client.get(f"/development/plans/{plan.pk}/").status_code == 200
    assert plan.pk in [
        int(x) for x in _page_ids(client.get("/development/plans/").content.decode())
    ]
    assert api.as_(user).get(f"/api/v1/development-plans/{plan.pk}").status_code == 200
    assert plan.pk in ids(api.as_(user).get("/api/v1/development-plans"))


@pytest.mark.parametrize("name", HIDDEN)
def test_who_does_not_see_the_plan(org: Any, plan: DevelopmentPlan, api: Any, name: str) -> None:
    user = _who(org, name)
    client = Client()
    client.force_login(user)
    assert client.get(f"/development/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/development/plans/{plan.pk}/goals/new/").status_code == 404
    assert str(plan.pk) not in _page_ids(client.get("/development/plans/").content.decode())
    client_api = api.as_(user)
    assert client_api.get(f"/api/v1/development-plans/{plan.pk}").status_code == 404
    assert plan.pk not in ids(client_api.get("/api/v1/development-plans"))
    assert (
        client_api.patch(f"/api/v1/development-plans/{plan.pk}", {"title": "x"}).status_code == 404
    )
    assert (
        client_api.post(
            f"/api/v1/development-plans/{plan.pk}/decision",
            {"decision": "approve", "comment": ""},
        ).status_code
        == 404
    )
    plan.refresh_from_db()
    assert plan.title == "Emma's growth"


def _page_ids(html: str) -> list[str]:
    import re

    return re.findall(r'data-plan="(\d+)"', html)


def test_hrbp_changes_in_scope_but_cannot_approve(org: Any, api: Any) -> None:
    plan = make_plan(org.employee, status="submitted")
    resp = api.as_(org.hrbp).post(
        f"/api/v1/development-plans/{plan.pk}/decision", {"decision": "approve"}
    )
    assert resp.status_code == 403
    resp = api.as_(org.hrbp).post(
        f"/api/v1/development-plans/{plan.pk}/comments", {"body": "Looks good"}
    )
    assert resp.status_code == 201


def test_peer_cannot_start_a_plan_for_a_colleague(org: Any, api: Any) -> None:
    resp = api.as_(org.peer).post(
        "/api/v1/development-plans",
        {
            "employee": org.employee.pk,
            "title": "x",
            "starts_on": "2025-01-01",
            "ends_on": "2025-06-01",
        },
    )
    assert resp.status_code == 403
    assert not DevelopmentPlan.objects.exists()


def test_outsider_cannot_name_an_employee(org: Any, api: Any) -> None:
    resp = api.as_(org.outsider).post(
        "/api/v1/development-plans",
        {
            "employee": org.employee.pk,
            "title": "x",
            "starts_on": "2025-01-01",
            "ends_on": "2025-06-01",
        },
    )
    assert resp.status_code == 422
    assert not DevelopmentPlan.objects.exists()


def test_list_filters_whose_and_status(org: Any, api: Any) -> None:
    mine = make_plan(org.lead, title="Lead's plan")
    team = make_plan(org.employee, title="Emma's plan", status="submitted")
    lead = api.as_(org.lead)
    assert ids(lead.get("/api/v1/development-plans", whose="mine")) == [mine.pk]
    assert ids(lead.get("/api/v1/development-plans", whose="team")) == [team.pk]
    assert ids(lead.get("/api/v1/development-plans", status="submitted")) == [team.pk]
    assert ids(lead.get("/api/v1/development-plans", q="emma")) == [team.pk]
    client = Client()
    client.force_login(org.lead.user)
    html = client.get("/development/plans/", {"whose": "team"}).content.decode()
    assert _page_ids(html) == [str(team.pk)]
    html = client.get("/development/plans/", {"q": "nothing like it"}).content.decode()
    assert "No development plans match" in html


def test_empty_list_page(org: Any) -> None:
    client = Client()
    client.force_login(org.employee.user)
    html = client.get("/development/plans/").content.decode()
    assert "There are no development plans yet" in html
