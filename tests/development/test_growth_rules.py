"""Development plan rules: the approval flow (nobody approves their own
plan, a comment is required to ask for changes), editing only while a draft
or being reworked, the version check, actions marked done, every write
audited, and the prefill of a goal's levels from the job profile and the
latest review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from cadence.core.models import AuditEntry, Role
from cadence.development import services_growth as services
from cadence.development.models import (
    ActionStatus,
    DevelopmentAction,
    DevelopmentComment,
    DevelopmentPlan,
    DevelopmentPlanStatus,
)
from cadence.development.selectors_growth import competency_sources
from cadence.reviews.models import AnswerAudience, ReviewerKind
from tests.development.growth_support import (
    make_plan,
    profile_with_competencies,
    released_review,
)
from tests.factories import grant

PLANS = "/api/v1/development-plans"


def _new_plan(api: Any, who: Any, **extra: Any) -> dict[str, Any]:
    body = {"title": "Grow", "starts_on": "2025-01-01", "ends_on": "2025-12-31", **extra}
    resp = api.as_(who).post(PLANS, body)
    assert resp.status_code == 201, resp.content
    return dict(resp.json())


def test_full_flow_through_the_api(org: Any, api: Any) -> None:
    plan = _new_plan(api, org.employee)
    assert plan["employee"]["id"] == org.employee.pk and plan["status"] == "draft"
    pid = plan["id"]
    me = api.as_(org.employee)
    # Submitting an empty plan is refused, clearly.
    resp = me.post(f"{PLANS}/{pid}/submit", {})
    assert resp.status_code == 422
    assert "goal" in resp.json()["errors"][0]["message"]
    goal = me.post(f"{PLANS}/{pid}/goals", {"description": "Public speaking"}).json()
    resp = me.post(
        f"{PLANS}/{pid}/goals/{goal['id']}/actions",
        {"kind": "course", "title": "Toastmasters", "due_on": "2025-03-01"},
    )
    assert resp.status_code == 201
    action_id = resp.json()["id"]
    resp = me.post(f"{PLANS}/{pid}/submit", {})
    assert resp.status_code == 200 and resp.json()["status"] == "submitted"
    # While submitted the plan's content is locked.
    resp = me.patch(f"{PLANS}/{pid}", {"title": "Other"})
    assert resp.status_code == 422
    # The employee cannot approve their own plan.
    resp = me.post(f"{PLANS}/{pid}/decision", {"decision": "approve"})
    assert resp.status_code == 403
    # The manager chain asks for changes: a comment is required.
    lead = api.as_(org.lead)
    resp = lead.post(f"{PLANS}/{pid}/decision", {"decision": "request_changes", "comment": " "})
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "comment"
    resp = lead.post(
        f"{PLANS}/{pid}/decision", {"decision": "request_changes", "comment": "Add a date"}
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "changes_requested"
    assert [c["body"] for c in body["comments"]] == ["Add a date"]
    # The employee reworks and submits again; the manager's manager approves.
    version = body["version"]
    resp = me.patch(f"{PLANS}/{pid}", {"title": "Grow, with dates", "version": version})
    assert resp.status_code == 200
    assert me.post(f"{PLANS}/{pid}/submit", {}).json()["status"] == "submitted"
    resp = api.as_(org.manager).post(f"{PLANS}/{pid}/decision", {"decision": "approve"})
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
    # Mark the action done; the day is recorded.
    resp = me.patch(f"{PLANS}/{pid}/actions/{action_id}", {"status": "done"})
    assert resp.status_code == 200
    assert resp.json()["completed_on"] == timezone.localdate().isoformat()
    # An approved plan's action details are agreed: only the status moves.
    resp = me.patch(f"{PLANS}/{pid}/actions/{action_id}", {"title": "Something else"})
    assert resp.status_code == 422
    assert me.post(f"{PLANS}/{pid}/complete", {}).json()["status"] == "completed"
    actions = set(
        AuditEntry.objects.filter(action__startswith="development_plan.").values_list(
            "action", flat=True
        )
    )
    assert actions >= {
        "development_plan.create",
        "development_plan.goal_add",
        "development_plan.action_add",
        "development_plan.submit",
        "development_plan.request_changes",
        "development_plan.comment",
        "development_plan.update",
        "development_plan.approve",
        "development_plan.action_update",
        "development_plan.complete",
    }
    saved = DevelopmentPlan.objects.get(pk=pid)
    assert saved.approved_by == org.manager.user


def test_stale_version_is_a_conflict(org: Any, api: Any) -> None:
    plan = make_plan(org.employee)
    resp = api.as_(org.employee).patch(f"{PLANS}/{plan.pk}", {"title": "A", "version": 1})
    assert resp.status_code == 200
    resp = api.as_(org.lead).patch(f"{PLANS}/{plan.pk}", {"title": "B", "version": 1})
    assert resp.status_code == 409
    plan.refresh_from_db()
    assert plan.title == "A"


@pytest.mark.parametrize("approver", ["employee", "hr_admin", "hrbp", "peer"])
def test_nobody_outside_the_chain_approves(org: Any, approver: Any) -> None:
    plan = make_plan(org.employee, status=DevelopmentPlanStatus.SUBMITTED)
    who = getattr(org, approver)
    with pytest.raises(PermissionDenied):
        services.decide_plan(actor=getattr(who, "user", who), plan=plan, decision="approve")
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlanStatus.SUBMITTED


def test_hr_admin_who_is_the_employee_cannot_approve_their_own_plan(org: Any) -> None:
    grant(org.employee.user, Role.HR_ADMIN)
    plan = make_plan(org.employee, status=DevelopmentPlanStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.decide_plan(actor=org.employee.user, plan=plan, decision="approve")


def test_only_a_submitted_plan_is_decided(org: Any) -> None:
    plan = make_plan(org.employee)
    with pytest.raises(ValidationError) as error:
        services.decide_plan(actor=org.lead.user, plan=plan, decision="approve")
    assert "waiting for approval" in str(error.value)


def test_every_goal_needs_an_action_to_submit(org: Any) -> None:
    plan = make_plan(org.employee, goals=2, actions=0)
    with pytest.raises(ValidationError):
        services.submit_plan(actor=org.employee.user, plan=plan)


def test_withdraw_returns_to_draft(org: Any) -> None:
    plan = make_plan(org.employee, status=DevelopmentPlanStatus.SUBMITTED)
    services.withdraw_plan(actor=org.employee.user, plan=plan)
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlanStatus.DRAFT


def test_dropping_a_done_action_clears_its_day(org: Any) -> None:
    plan = make_plan(org.employee, status=DevelopmentPlanStatus.APPROVED)
    action = DevelopmentAction.objects.get(goal__plan=plan)
    services.update_action(actor=org.employee.user, action=action, status=ActionStatus.DONE)
    action.refresh_from_db()
    assert action.completed_on is not None
    services.update_action(actor=org.employee.user, action=action, status=ActionStatus.DROPPED)
    action.refresh_from_db()
    assert action.completed_on is None


# --- prefill from the job profile and the latest review --------------------------------------


def test_goal_prefilled_from_job_profile_and_latest_review(org: Any, api: Any) -> None:
    _, comps = profile_with_competencies(org.employee, {"Communication": 4, "Delivery": 3})
    # An older review, then the latest: the latest one counts.
    released_review(
        org.employee,
        org.lead,
        {comps["Communication"]: 1},
        released_at=timezone.now() - dt.timedelta(days=400),
        name="2023",
    )
    released_review(org.employee, org.lead, {comps["Communication"]: Decimal("2.5")}, name="2024")
    plan = make_plan(org.employee, goals=0)
    resp = api.as_(org.employee).post(
        f"{PLANS}/{plan.pk}/goals", {"competency": comps["Communication"].pk}
    )
    assert resp.status_code == 201, resp.content
    goal = resp.json()
    assert goal["target_level"] == 4 and goal["expected_level"] == 4
    assert goal["current_level"] == 3  # 2.5 rounded half up
    assert goal["latest_review"]["cycle"] == "2024"
    assert goal["latest_review"]["rating"] == "2.50"
    # A competency the review did not rate: target only, no review level.
    resp = api.as_(org.employee).post(
        f"{PLANS}/{plan.pk}/goals", {"competency": comps["Delivery"].pk}
    )
    goal = resp.json()
    assert goal["target_level"] == 3 and goal["current_level"] is None
    assert goal["latest_review"] is None


def test_stated_levels_win_over_the_prefill(org: Any) -> None:
    _, comps = profile_with_competencies(org.employee, {"Communication": 4})
    released_review(org.employee, org.lead, {comps["Communication"]: 2})
    plan = make_plan(org.employee, goals=0)
    goal = services.add_goal(
        actor=org.employee.user,
        plan=plan,
        competency=comps["Communication"],
        current_level=1,
        target_level=5,
    )
    assert (goal.current_level, goal.target_level) == (1, 5)


def test_no_review_yet(org: Any) -> None:
    _, comps = profile_with_competencies(org.employee, {"Communication": 4})
    plan = make_plan(org.employee, goals=0)
    goal = services.add_goal(actor=org.employee.user, plan=plan, competency=comps["Communication"])
    assert (goal.current_level, goal.target_level) == (None, 4)
    client = Client()
    client.force_login(org.employee.user)
    html = client.get(f"/development/plans/{plan.pk}/goals/new/").content.decode()
    assert "No review yet" in html


@pytest.mark.parametrize(
    "case",
    ["unreleased", "self_review", "manager_only_audience"],
)
def test_review_levels_the_employee_may_not_read_are_not_used(org: Any, case: str) -> None:
    _, comps = profile_with_competencies(org.employee, {"Communication": 4})
    cases: dict[str, dict[str, Any]] = {
        "unreleased": {"released": False},
        "self_review": {"kind": ReviewerKind.SELF},
        "manager_only_audience": {"audience": AnswerAudience.MANAGER},
    }
    kwargs = cases[case]
    reviewer = org.employee if case == "self_review" else org.lead
    released_review(org.employee, reviewer, {comps["Communication"]: 2}, **kwargs)
    sources = competency_sources(org.employee)
    assert sources.review_level(comps["Communication"].pk) is None


def test_competency_must_be_expected_by_the_job_profile(org: Any) -> None:
    _, comps = profile_with_competencies(org.employee, {"Communication": 4})
    _, other = profile_with_competencies(org.peer, {"Sales": 2})
    plan = make_plan(org.employee, goals=0)
    with pytest.raises(ValidationError) as error:
        services.add_goal(actor=org.employee.user, plan=plan, competency=other["Sales"])
    assert "competency" in error.value.message_dict
    services.add_goal(actor=org.employee.user, plan=plan, competency=comps["Communication"])
    with pytest.raises(ValidationError) as error:
        services.add_goal(actor=org.employee.user, plan=plan, competency=comps["Communication"])
    assert "already" in str(error.value)


def test_levels_within_the_framework(org: Any) -> None:
    _, comps = profile_with_competencies(org.employee, {"Communication": 3}, levels=4)
    plan = make_plan(org.employee, goals=0)
    with pytest.raises(ValidationError) as error:
        services.add_goal(
            actor=org.employee.user, plan=plan, competency=comps["Communication"], target_level=5
        )
    assert "1 to 4" in error.value.message_dict["target_level"][0]


def test_goal_page_shows_both_sources(org: Any) -> None:
    _, comps = profile_with_competencies(org.employee, {"Communication": 4})
    released_review(org.employee, org.lead, {comps["Communication"]: 2}, name="Cycle 2024")
    plan = make_plan(org.employee, goals=0)
    client = Client()
    client.force_login(org.employee.user)
    html = client.get(f"/development/plans/{plan.pk}/goals/new/").content.decode()
    assert "Cycle 2024" in html and "Partly meets" in html and "Level 4" in html
    resp = client.post(
        f"/development/plans/{plan.pk}/goals/new/", {"competency": comps["Communication"].pk}
    )
    assert resp.status_code == 302
    goal = plan.goals.get()
    assert (goal.current_level, goal.target_level) == (2, 4)


# --- pages ---------------------------------------------------------------------------------


def test_pages_create_submit_and_request_changes(org: Any) -> None:
    client = Client()
    client.force_login(org.employee.user)
    resp = client.post(
        "/development/plans/new/",
        {
            "employee": org.employee.pk,
            "title": "My year",
            "starts_on": "2025-01-01",
            "ends_on": "2025-12-31",
        },
    )
    assert resp.status_code == 302
    plan = DevelopmentPlan.objects.get()
    client.post(f"/development/plans/{plan.pk}/goals/new/", {"description": "Writing"})
    goal = plan.goals.get()
    resp = client.post(
        f"/development/plans/{plan.pk}/goals/{goal.pk}/actions/new/",
        {"kind": "reading", "title": "On Writing Well", "due_on": "2025-02-01"},
    )
    assert resp.status_code == 302
    client.post(f"/development/plans/{plan.pk}/submit/", {"version": plan.version + 2})
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlanStatus.SUBMITTED
    # The employee is not offered the decision form and cannot post one.
    assert "plan-decision" not in client.get(f"/development/plans/{plan.pk}/").content.decode()
    assert (
        client.post(f"/development/plans/{plan.pk}/decision/", {"decision": "approve"}).status_code
        == 404
    )
    lead = Client()
    lead.force_login(org.lead.user)
    assert "plan-decision" in lead.get(f"/development/plans/{plan.pk}/").content.decode()
    resp = lead.post(
        f"/development/plans/{plan.pk}/decision/", {"decision": "request_changes", "comment": ""}
    )
    assert resp.status_code == 400
    assert "Say what should change" in resp.content.decode()
    resp = lead.post(
        f"/development/plans/{plan.pk}/decision/",
        {"decision": "request_changes", "comment": "Add a course"},
    )
    assert resp.status_code == 302
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlanStatus.CHANGES_REQUESTED
    assert DevelopmentComment.objects.get(plan=plan).body == "Add a course"


def test_edit_page_reports_a_concurrent_change(org: Any) -> None:
    plan = make_plan(org.employee)
    client = Client()
    client.force_login(org.employee.user)
    resp = client.post(
        f"/development/plans/{plan.pk}/edit/",
        {"title": "Late", "starts_on": "2025-01-01", "ends_on": "2025-12-31", "version": 0},
    )
    assert resp.status_code == 200
    assert "changed by someone else" in resp.content.decode()
    plan.refresh_from_db()
    assert plan.title == "Grow"
