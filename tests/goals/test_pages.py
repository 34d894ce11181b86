"""The goals pages: what each person sees, and the forms that write through
the goals services."""

from __future__ import annotations

import pytest
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.goals.models import CheckIn, KeyResultType, Objective, Visibility
from tests.conftest import Org
from tests.factories import GoalPeriodFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_my_goals_shows_own_goals_only(client: Client, org: Org) -> None:
    period = GoalPeriodFactory()
    mine = ObjectiveFactory(period=period, owner_employee=org.employee, title="Ship search")
    KeyResultFactory(objective=mine, title="p95 under 200ms", current_value=50)
    ObjectiveFactory(period=period, owner_employee=org.peer, title="Peer goal")
    resp = signed_in(client, org.employee.user).get("/goals/", {"period": period.pk})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Ship search" in body and "p95 under 200ms" in body and "50%" in body
    assert "Peer goal" not in body


def test_my_goals_empty_state(client: Client, org: Org) -> None:
    GoalPeriodFactory()
    resp = signed_in(client, org.employee.user).get("/goals/")
    assert "Set a goal" in resp.content.decode()


def test_private_goal_hidden_from_peer_everywhere(client: Client, org: Org) -> None:
    period = GoalPeriodFactory()
    goal = ObjectiveFactory(
        period=period, owner_employee=org.employee, visibility=Visibility.PRIVATE, title="Secret"
    )
    peer = signed_in(client, org.peer.user)
    assert peer.get(f"/goals/{goal.pk}/").status_code == 404
    ids = [row["id"] for row in peer.get("/goals/tree/data.json", {"period": period.pk}).json()]
    assert goal.pk not in ids
    other = signed_in(Client(), org.other_manager.user)
    team = other.get("/goals/team/", {"period": period.pk}).content.decode()
    assert "Emma Employee" not in team
    assert goal.pk not in [
        r["id"] for r in other.get("/goals/tree/data.json", {"period": period.pk}).json()
    ]


def test_manager_sees_reports_private_goal(client: Client, org: Org) -> None:
    period = GoalPeriodFactory()
    goal = ObjectiveFactory(
        period=period, owner_employee=org.employee, visibility=Visibility.PRIVATE, title="Secret"
    )
    KeyResultFactory(objective=goal, current_value=40)
    manager = signed_in(client, org.manager.user)
    assert manager.get(f"/goals/{goal.pk}/").status_code == 200
    resp = manager.get("/goals/team/", {"period": period.pk})
    row = next(r for r in resp.context["rows"] if r.employee.pk == org.employee.pk)
    assert row.goal_count == 1
    assert row.progress == pytest.approx(0.4)
    assert goal.pk in [
        r["id"] for r in manager.get("/goals/tree/data.json", {"period": period.pk}).json()
    ]


def test_create_goal_via_form_is_audited(client: Client, org: Org) -> None:
    period = GoalPeriodFactory()
    resp = signed_in(client, org.employee.user).post(
        "/goals/new/",
        {
            "title": "Cut onboarding time",
            "description": "",
            "period": period.pk,
            "scope": "personal",
            "owner": "",
            "kind": "committed",
            "visibility": "public",
            "weight": "1",
            "parent": "",
        },
    )
    goal = Objective.objects.get(title="Cut onboarding time")
    assert resp.status_code == 302 and resp["Location"] == f"/goals/{goal.pk}/"
    assert goal.owner_employee == org.employee
    assert AuditEntry.objects.filter(action="goal.create", object_id=str(goal.pk)).exists()


def test_manager_sets_goal_for_report_by_employee_number(client: Client, org: Org) -> None:
    period = GoalPeriodFactory()
    data = {
        "title": "Mentor a new joiner",
        "period": period.pk,
        "scope": "personal",
        "owner": org.employee.employee_number,
        "kind": "committed",
        "visibility": "public",
        "weight": "1",
    }
    assert signed_in(client, org.manager.user).post("/goals/new/", data).status_code == 302
    assert Objective.objects.get(title="Mentor a new joiner").owner_employee == org.employee
    # A peer may not set goals for a colleague.
    resp = signed_in(Client(), org.peer.user).post("/goals/new/", data | {"title": "Nope"})
    assert resp.status_code == 200 and resp.context["form"].errors["owner"]
    assert not Objective.objects.filter(title="Nope").exists()


def test_alignment_loop_reported_on_parent_field(client: Client, org: Org) -> None:
    period = GoalPeriodFactory()
    top = ObjectiveFactory(period=period, owner_employee=org.employee, title="Top")
    below = ObjectiveFactory(period=period, owner_employee=org.employee, parent=top)
    resp = signed_in(client, org.employee.user).post(
        f"/goals/{top.pk}/edit/",
        {
            "title": "Top",
            "period": period.pk,
            "scope": "personal",
            "kind": "committed",
            "visibility": "public",
            "weight": "1",
            "parent": below.pk,
            "version": top.version,
        },
    )
    assert resp.status_code == 200
    assert "loop" in " ".join(resp.context["form"].errors["parent"])
    assert 'aria-describedby="id_parent_error' in resp.content.decode()
    top.refresh_from_db()
    assert top.parent_id is None


def test_stale_edit_is_refused(client: Client, org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee, title="Old")
    resp = signed_in(client, org.employee.user).post(
        f"/goals/{goal.pk}/edit/",
        {
            "title": "New",
            "period": goal.period_id,
            "scope": "personal",
            "kind": "committed",
            "visibility": "public",
            "weight": "1",
            "version": goal.version - 1 if goal.version > 1 else 99,
        },
    )
    assert resp.status_code == 200
    assert "changed by someone else" in resp.content.decode()


def test_check_in_via_form_updates_progress_and_history(client: Client, org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee)
    kr = KeyResultFactory(objective=goal, title="Tickets closed", target_value=10)
    me = signed_in(client, org.employee.user)
    url = f"/goals/{goal.pk}/key-results/{kr.pk}/check-in/"
    prefix = f"kr{kr.pk}-"
    for value in ("3", "7"):
        resp = me.post(url, {prefix + "value": value, prefix + "confidence": "on_track"})
        assert resp.status_code == 302
    kr.refresh_from_db()
    assert kr.current_value == 7 and kr.progress == pytest.approx(0.7)
    assert list(CheckIn.objects.filter(key_result=kr).values_list("value", flat=True)) == [7, 3]
    page = me.get(f"/goals/{goal.pk}/")
    body = page.content.decode()
    assert body.index(">7</strong>") < body.index(">3</strong>")  # newest first
    assert page.context["chart_data"][str(kr.pk)][-1]["v"] == 7.0
    assert 'id="goal-chart-data"' in body


def test_check_in_requires_a_value(client: Client, org: Org) -> None:
    kr = KeyResultFactory(objective=ObjectiveFactory(owner_employee=org.employee))
    resp = signed_in(client, org.employee.user).post(
        f"/goals/{kr.objective_id}/key-results/{kr.pk}/check-in/",
        {f"kr{kr.pk}-confidence": "on_track"},
    )
    assert resp.status_code == 400
    assert not CheckIn.objects.exists()


def test_peer_cannot_check_in_on_public_goal(client: Client, org: Org) -> None:
    kr = KeyResultFactory(objective=ObjectiveFactory(owner_employee=org.employee))
    peer = signed_in(client, org.peer.user)
    assert "check-in-form" not in peer.get(f"/goals/{kr.objective_id}/").content.decode()
    resp = peer.post(
        f"/goals/{kr.objective_id}/key-results/{kr.pk}/check-in/",
        {f"kr{kr.pk}-value": "5", f"kr{kr.pk}-confidence": "on_track"},
    )
    assert resp.status_code == 404
    assert not CheckIn.objects.exists()


def test_nudge_for_key_result_without_number_or_date(client: Client, org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee)
    me = signed_in(client, org.employee.user)
    resp = me.post(
        f"/goals/{goal.pk}/key-results/new/",
        {
            "title": "Write the plan",
            "result_type": "milestone",
            "direction": "increase",
            "start_value": "0",
            "weight": "1",
        },
        follow=True,
    )
    kr = goal.key_results.get()
    assert kr.result_type == KeyResultType.MILESTONE  # saved: the nudge does not block
    assert "hard to measure" in resp.content.decode()
    assert (
        "hard to measure" in me.get(f"/goals/{goal.pk}/key-results/{kr.pk}/edit/").content.decode()
    )
    live = me.post("/goals/key-results/nudge/", {"title": "x", "result_type": "metric"})
    assert "hard to measure" in live.content.decode()
    dated = me.post(
        "/goals/key-results/nudge/",
        {"title": "x", "result_type": "milestone", "due_date": "2027-02-01"},
    )
    assert "hard to measure" not in dated.content.decode()


def test_metric_key_result_needs_target(client: Client, org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee)
    resp = signed_in(client, org.employee.user).post(
        f"/goals/{goal.pk}/key-results/new/",
        {
            "title": "More users",
            "result_type": "metric",
            "direction": "increase",
            "start_value": "0",
            "weight": "1",
        },
    )
    assert resp.status_code == 200
    assert resp.context["form"].errors["target_value"]


def test_edit_pages_404_for_non_editors(client: Client, org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee)
    kr = KeyResultFactory(objective=goal)
    peer = signed_in(client, org.peer.user)
    assert peer.get(f"/goals/{goal.pk}/").status_code == 200  # public: readable
    assert peer.get(f"/goals/{goal.pk}/edit/").status_code == 404
    assert peer.get(f"/goals/{goal.pk}/key-results/new/").status_code == 404
    assert peer.get(f"/goals/{goal.pk}/key-results/{kr.pk}/edit/").status_code == 404
    assert "Edit goal" not in peer.get(f"/goals/{goal.pk}/").content.decode()
    owner = signed_in(Client(), org.employee.user)
    assert "Edit goal" in owner.get(f"/goals/{goal.pk}/").content.decode()


def test_tree_nests_by_alignment_and_company_page(
    client: Client,
    org: Org,
) -> None:
    period = GoalPeriodFactory()
    top = Objective.objects.create(period=period, scope="company", title="Grow revenue")
    dept = Objective.objects.create(
        period=period,
        scope="department",
        owner_department=org.engineering,
        title="Faster releases",
        parent=top,
    )
    mine = ObjectiveFactory(period=period, owner_employee=org.employee, parent=dept)
    KeyResultFactory(objective=mine, current_value=50)
    me = signed_in(client, org.employee.user)
    rows = {r["id"]: r for r in me.get("/goals/tree/data.json", {"period": period.pk}).json()}
    assert rows[mine.pk]["parent_id"] == dept.pk and rows[dept.pk]["parent_id"] == top.pk
    assert rows[top.pk]["progress"] == pytest.approx(0.5)  # rolled up through the department
    assert rows[top.pk]["band"] == "red"
    page = me.get("/goals/tree/", {"period": period.pk}).content.decode()
    assert f'aria-controls="tree-children-{top.pk}"' in page
    company = me.get("/goals/company/", {"period": period.pk}).content.decode()
    assert "Grow revenue" in company and "Faster releases" not in company


def test_pages_need_sign_in(client: Client) -> None:
    assert client.get("/goals/").status_code == 302


def test_round_numbers_show_as_people_write_them(client: Client, org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee, title="Grow")
    KeyResultFactory(objective=goal, start_value=0, target_value=100, current_value=100)
    body = signed_in(client, org.employee.user).get(f"/goals/{goal.pk}/").content.decode()
    assert "from 0 to 100" in body and "now 100" in body and 'value="100"' in body
    assert "1E+2" not in body
