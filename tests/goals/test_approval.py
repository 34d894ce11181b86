"""Goal approval: who decides, what a decision needs, how a reworked goal
comes back, and the approvals page and API endpoint built on the service."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.goals import services
from cadence.goals.models import Approval, GoalPeriod, Objective, Visibility
from tests.conftest import Org, fresh
from tests.factories import EmployeeFactory, GoalPeriodFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def approval_period() -> GoalPeriod:
    return GoalPeriodFactory(name="Approved Q", requires_approval=True)


def pending(owner: Any, **kwargs: Any) -> Objective:
    return services.create_objective(
        actor=owner.user,
        period=kwargs.pop("period", None) or approval_period(),
        owner_employee=owner,
        title=kwargs.pop("title", f"Goal of {owner.first_name}"),
        **kwargs,
    )


def test_personal_goals_wait_for_approval_only_where_the_period_asks(org: Org) -> None:
    assert pending(org.employee).approval == Approval.PENDING
    free = GoalPeriodFactory(name="Free Q")
    goal = services.create_objective(
        actor=org.employee.user, period=free, owner_employee=org.employee, title="Free"
    )
    assert goal.approval == Approval.NOT_REQUIRED


@pytest.mark.parametrize("who", ["lead", "manager", "ceo"])
def test_the_manager_chain_approves(org: Org, who: str) -> None:
    goal = pending(org.employee)
    services.decide_approval(actor=getattr(org, who).user, objective=goal, approve=True)
    goal.refresh_from_db()
    assert goal.approval == Approval.APPROVED
    entry = AuditEntry.objects.get(action="goal.approval", object_id=str(goal.pk))
    assert entry.before == {"approval": "pending"} and entry.after["approval"] == "approved"


def test_hr_admin_approves(org: Org) -> None:
    goal = pending(org.employee)
    services.decide_approval(actor=org.hr_admin, objective=goal, approve=True)
    goal.refresh_from_db()
    assert goal.approval == Approval.APPROVED


@pytest.mark.parametrize("who", ["employee", "peer", "other_manager", "hrbp", "executive"])
def test_others_cannot_decide(org: Org, who: str) -> None:
    goal = pending(org.employee)
    actor = getattr(org, who)
    with pytest.raises(PermissionDenied):
        services.decide_approval(actor=getattr(actor, "user", actor), objective=goal, approve=True)
    goal.refresh_from_db()
    assert goal.approval == Approval.PENDING
    assert not AuditEntry.objects.filter(action="goal.approval").exists()


def test_asking_for_changes_needs_a_comment_and_rework_sends_it_back(org: Org) -> None:
    goal = pending(org.employee)
    with pytest.raises(ValidationError) as caught:
        services.decide_approval(actor=org.lead.user, objective=goal, approve=False, comment=" ")
    assert "comment" in caught.value.message_dict
    services.decide_approval(
        actor=org.lead.user, objective=goal, approve=False, comment="Add a number to reach."
    )
    goal.refresh_from_db()
    assert goal.approval == Approval.CHANGES_REQUESTED
    # The manager's own edit does not count as the owner's rework.
    services.update_objective(actor=fresh(org.lead.user), objective=goal, weight=2)
    goal.refresh_from_db()
    assert goal.approval == Approval.CHANGES_REQUESTED
    services.update_objective(actor=fresh(org.employee.user), objective=goal, title="Sharper")
    goal.refresh_from_db()
    assert goal.approval == Approval.PENDING
    update = AuditEntry.objects.filter(action="goal.update").order_by("-id").first()
    assert update is not None and update.after["approval"] == "pending"


@pytest.mark.parametrize("state", [Approval.NOT_REQUIRED, Approval.APPROVED])
def test_nothing_to_decide(org: Org, state: str) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee, approval=state)
    with pytest.raises(ValidationError) as caught:
        services.decide_approval(actor=org.lead.user, objective=goal, approve=True)
    assert "approval" in caught.value.message_dict


def test_approvals_page_lists_reports_pending_goals_only(client: Client, org: Org) -> None:
    period = approval_period()
    report_goal = pending(org.employee, period=period, title="Report goal")
    KeyResultFactory(objective=report_goal, title="Cut p95 to 200 ms")
    pending(org.lead, period=period, title="Lead goal")
    pending(org.manager, period=period, title="Manager own goal")
    pending(org.salesperson, period=period, title="Sales goal")
    client.force_login(org.manager.user)
    body = client.get("/goals/approvals/", {"period": period.pk}).content.decode()
    assert "Report goal" in body and "Lead goal" in body and "Cut p95 to 200 ms" in body
    assert "Manager own goal" not in body and "Sales goal" not in body
    other = Client()
    other.force_login(org.other_manager.user)
    body = other.get("/goals/approvals/", {"period": period.pk}).content.decode()
    assert "Sales goal" in body and "Report goal" not in body


def test_approvals_page_empty_state(client: Client, org: Org) -> None:
    approval_period()
    client.force_login(org.peer.user)
    assert "Nothing waits for your approval" in client.get("/goals/approvals/").content.decode()


@pytest.mark.parametrize("size", [5, 60])
def test_approvals_page_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: Any, size: int
) -> None:
    period = approval_period()
    for n in range(size):
        report = EmployeeFactory(manager=org.lead, department=org.platform)
        goal = ObjectiveFactory(
            period=period, owner_employee=report, approval=Approval.PENDING, title=f"G{n}"
        )
        KeyResultFactory(objective=goal)
    client.force_login(org.manager.user)
    with django_assert_max_num_queries(14):
        resp = client.get("/goals/approvals/", {"period": period.pk})
    body = resp.content.decode()
    assert body.count('class="approval-form"') == min(size, settings.CADENCE_PAGE_SIZE)
    assert f"{size} goals waiting" in body
    if size > settings.CADENCE_PAGE_SIZE:
        second = client.get("/goals/approvals/", {"period": period.pk, "page": 2})
        shown = size - settings.CADENCE_PAGE_SIZE
        assert second.content.decode().count('class="approval-form"') == min(
            shown, settings.CADENCE_PAGE_SIZE
        )


def test_approve_and_send_back_from_the_page(client: Client, org: Org) -> None:
    first, second = pending(org.employee, title="First"), pending(org.peer, title="Second")
    client.force_login(org.manager.user)
    resp = client.post(f"/goals/{first.pk}/approval/", {"decision": "approve", "next": "/goals/"})
    assert resp.status_code == 302 and resp["Location"] == "/goals/"
    resp = client.post(f"/goals/{second.pk}/approval/", {"decision": "request_changes"})
    assert resp.status_code == 302
    messages = [str(m) for m in resp.wsgi_request._messages]  # type: ignore[attr-defined]
    assert any("Say what should change" in m for m in messages)
    client.post(
        f"/goals/{second.pk}/approval/",
        {"decision": "request_changes", "comment": "Too vague", "next": "https://evil.test/"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.approval == Approval.APPROVED
    assert second.approval == Approval.CHANGES_REQUESTED


def test_page_refuses_a_peer_and_hides_private_goals(client: Client, org: Org) -> None:
    goal = pending(org.employee)
    secret = pending(org.employee, title="Secret", visibility=Visibility.PRIVATE)
    client.force_login(org.peer.user)
    assert client.post(f"/goals/{goal.pk}/approval/", {"decision": "approve"}).status_code == 404
    assert client.post(f"/goals/{secret.pk}/approval/", {"decision": "approve"}).status_code == 404
    goal.refresh_from_db()
    assert goal.approval == Approval.PENDING


def test_detail_offers_the_decision_to_the_manager_only(client: Client, org: Org) -> None:
    goal = pending(org.employee)
    client.force_login(org.lead.user)
    assert "waits for your approval" in client.get(f"/goals/{goal.pk}/").content.decode()
    owner = Client()
    owner.force_login(org.employee.user)
    body = owner.get(f"/goals/{goal.pk}/").content.decode()
    assert "waits for your approval" not in body and "Awaiting approval" in body


def test_api_decision_and_pending_filter(api: Any, org: Org) -> None:
    goal = pending(org.employee)
    sales_goal = pending(org.salesperson)
    ObjectiveFactory(owner_employee=org.employee, approval=Approval.APPROVED)
    listed = api.as_(org.manager).get("/api/v1/goals", approval="pending").json()["items"]
    assert sorted(item["id"] for item in listed) == sorted([goal.pk, sales_goal.pk])
    resp = api.as_(org.peer).post(f"/api/v1/goals/{goal.pk}/approval", {"decision": "approve"})
    assert resp.status_code == 403
    resp = api.as_(org.lead).post(
        f"/api/v1/goals/{goal.pk}/approval", {"decision": "request_changes"}
    )
    assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "comment"
    resp = api.as_(org.lead).post(f"/api/v1/goals/{goal.pk}/approval", {"decision": "approve"})
    assert resp.status_code == 200 and resp.json()["approval"] == "approved"
    resp = api.as_(org.lead).post(f"/api/v1/goals/{goal.pk}/approval", {"decision": "approve"})
    assert resp.status_code == 422
    secret = pending(org.employee, title="Secret", visibility=Visibility.PRIVATE)
    resp = api.as_(org.peer).post(f"/api/v1/goals/{secret.pk}/approval", {"decision": "approve"})
    assert resp.status_code == 404


def test_owner_reads_what_to_change(client: Client, org: Org, api: Any) -> None:
    goal = pending(org.employee)
    services.decide_approval(
        actor=org.lead.user, objective=goal, approve=False, comment="Add a <b>number</b>."
    )
    client.force_login(org.employee.user)
    body = client.get(f"/goals/{goal.pk}/").content.decode()
    assert "Changes requested:</strong> Add a &lt;b&gt;number&lt;/b&gt;." in body
    assert api.as_(org.employee).get(f"/api/v1/goals/{goal.pk}").json()["approval_comment"] == (
        "Add a <b>number</b>."
    )
