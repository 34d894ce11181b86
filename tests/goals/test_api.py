"""Goals through the API: visibility per role, writes through the services,
stale edits, alignment loops, check-ins and the list's query budget."""

from __future__ import annotations

import pytest

from cadence.core.models import AuditEntry
from cadence.goals.models import CheckIn, Visibility
from tests.api_client import ids
from tests.factories import (
    EmployeeFactory,
    GoalPeriodFactory,
    KeyResultFactory,
    ObjectiveFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _private(owner):
    return ObjectiveFactory(owner_employee=owner, visibility=Visibility.PRIVATE)


@pytest.mark.parametrize("who", ["peer", "other_manager"])
def test_private_goal_is_hidden_from_people_outside_the_chain(api, org, who):
    goal = _private(org.employee)
    viewer = getattr(org, who)
    assert api.as_(viewer).get(f"/api/v1/goals/{goal.pk}").status_code == 404
    assert goal.pk not in ids(api.as_(viewer).get("/api/v1/goals"))


def test_hrbp_outside_scope_cannot_see_private_goal(api, org):
    goal = _private(org.salesperson)
    assert api.as_(org.hrbp).get(f"/api/v1/goals/{goal.pk}").status_code == 404
    assert goal.pk not in ids(api.as_(org.hrbp).get("/api/v1/goals"))


@pytest.mark.parametrize("who", ["employee", "lead", "manager", "hr_admin", "hrbp"])
def test_private_goal_is_visible_to_owner_chain_and_hr(api, org, who):
    goal = _private(org.employee)
    viewer = getattr(org, who)
    assert api.as_(viewer).get(f"/api/v1/goals/{goal.pk}").status_code == 200
    assert goal.pk in ids(api.as_(viewer).get("/api/v1/goals"))


def test_public_child_of_private_parent_shows_no_parent_to_a_peer(api, org):
    parent = _private(org.employee)
    child = ObjectiveFactory(owner_employee=org.employee, parent=parent, period=parent.period)
    body = api.as_(org.peer).get(f"/api/v1/goals/{child.pk}").json()
    assert "parent" not in body
    item = next(i for i in api.as_(org.peer).get("/api/v1/goals").json()["items"])
    assert item["id"] == child.pk and "parent" not in item
    assert api.as_(org.lead).get(f"/api/v1/goals/{child.pk}").json()["parent"]["id"] == parent.pk


def test_create_goal_for_self_is_audited(api, org):
    period = GoalPeriodFactory()
    resp = api.as_(org.employee).post(
        "/api/v1/goals",
        {"period": period.pk, "owner_employee": org.employee.pk, "title": "Ship it"},
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["owner"]["id"] == org.employee.pk
    assert AuditEntry.objects.filter(action="goal.create").count() == 1


def test_manager_creates_goal_for_report(api, org):
    period = GoalPeriodFactory()
    resp = api.as_(org.manager).post(
        "/api/v1/goals", {"period": period.pk, "owner_employee": org.employee.pk, "title": "X"}
    )
    assert resp.status_code == 201, resp.content


def test_peer_cannot_create_goal_for_another_peer(api, org):
    period = GoalPeriodFactory()
    resp = api.as_(org.peer).post(
        "/api/v1/goals", {"period": period.pk, "owner_employee": org.employee.pk, "title": "X"}
    )
    assert resp.status_code == 403


def test_invisible_parent_is_a_field_error(api, org):
    hidden = _private(org.salesperson)
    resp = api.as_(org.employee).post(
        "/api/v1/goals",
        {
            "period": hidden.period_id,
            "owner_employee": org.employee.pk,
            "title": "X",
            "parent": hidden.pk,
        },
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "parent"


def test_alignment_loop_is_refused_on_parent(api, org):
    top = ObjectiveFactory(owner_employee=org.employee)
    child = ObjectiveFactory(owner_employee=org.employee, parent=top, period=top.period)
    resp = api.as_(org.employee).patch(f"/api/v1/goals/{top.pk}", {"parent": child.pk})
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == ["parent"]


def test_stale_version_is_a_conflict(api, org):
    goal = ObjectiveFactory(owner_employee=org.employee)
    client = api.as_(org.employee)
    ok = client.patch(f"/api/v1/goals/{goal.pk}", {"title": "New", "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(f"/api/v1/goals/{goal.pk}", {"title": "Newer", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["field"] == "version"


def test_check_in_records_history_and_progress(api, org):
    kr = KeyResultFactory(objective__owner_employee=org.employee)
    goal = kr.objective
    client = api.as_(org.employee)
    resp = client.post(
        f"/api/v1/goals/{goal.pk}/check-ins",
        {"key_result_id": kr.pk, "confidence": "on_track", "value": 50, "comment": "half"},
    )
    assert resp.status_code == 201, resp.content
    history = client.get(f"/api/v1/goals/{goal.pk}/check-ins").json()
    assert history["count"] == 1 and history["items"][0]["comment"] == "half"
    detail = client.get(f"/api/v1/goals/{goal.pk}").json()
    assert detail["progress"] == pytest.approx(0.5)
    assert detail["key_results"][0]["progress"] == pytest.approx(0.5)


def test_check_in_on_another_goals_key_result_is_404(api, org):
    goal = ObjectiveFactory(owner_employee=org.employee)
    other = KeyResultFactory(objective__owner_employee=org.employee)
    resp = api.as_(org.employee).post(
        f"/api/v1/goals/{goal.pk}/check-ins",
        {"key_result_id": other.pk, "confidence": "on_track", "value": 1},
    )
    assert resp.status_code == 404


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.PRIVATE])
def test_peer_cannot_check_in(api, org, visibility):
    kr = KeyResultFactory(objective__owner_employee=org.employee, objective__visibility=visibility)
    resp = api.as_(org.peer).post(
        f"/api/v1/goals/{kr.objective_id}/check-ins",
        {"key_result_id": kr.pk, "confidence": "on_track", "value": 1},
    )
    assert resp.status_code == (403 if visibility == Visibility.PUBLIC else 404)
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("size", [10, 200])
def test_goal_list_query_budget(api, org, django_assert_max_num_queries, size):
    period = GoalPeriodFactory()
    parent = ObjectiveFactory(owner_employee=org.manager, period=period)
    for _ in range(size):
        person = EmployeeFactory(manager=org.manager, department=org.engineering)
        goal = ObjectiveFactory(owner_employee=person, period=period, parent=parent)
        KeyResultFactory.create_batch(2, objective=goal)
    client = api.as_(org.manager)
    client.get("/api/v1/goals")  # warm up the token client
    with django_assert_max_num_queries(12):
        resp = client.get("/api/v1/goals", limit=200)
    assert resp.status_code == 200
    assert len(resp.json()["items"]) == min(size + 1, 200)


def test_goal_periods(api, org):
    resp = api.as_(org.hr_admin).post(
        "/api/v1/goal-periods", {"name": "FY", "starts_on": "2027-01-01", "ends_on": "2027-12-31"}
    )
    assert resp.status_code == 201
    assert ids(api.as_(org.employee).get("/api/v1/goal-periods")) == [resp.json()["id"]]
    denied = api.as_(org.employee).post(
        "/api/v1/goal-periods", {"name": "X", "starts_on": "2027-01-01", "ends_on": "2027-12-31"}
    )
    assert denied.status_code == 403
    assert api.as_(UserFactory()).get("/api/v1/goal-periods").json()["count"] == 0
