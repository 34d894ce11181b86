"""The home page, "My work": every block lists what is due for the signed-in
person and nobody else, with a count, a link and an empty state; the page
runs a fixed number of queries whatever the amount of work (asserted at two
sizes); improvement plan check-ins show a name and a date, never the plan's
content, and write nothing to the access log."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.test import Client
from django.utils import timezone

from cadence.core.models import AccessLogEntry
from cadence.core.my_work import LIMIT, my_work
from cadence.development.models import (
    DevelopmentAction,
    ImprovementPlan,
    PlanCheckIn,
    PlanState,
)
from cadence.feedback.models.feedback import AskStatus, FeedbackAsk, FeedbackRequest
from cadence.feedback.models.meetings import (
    ActionItem,
    Frequency,
    Meeting,
    OneOnOneSeries,
)
from cadence.goals.models import Approval, GoalPeriod, ObjectiveStatus
from cadence.people.models import Employee
from cadence.reviews.models import (
    AssignmentStatus,
    CyclePhase,
    PhaseKind,
    ReviewerKind,
)
from tests.development.growth_support import make_plan
from tests.factories import EmployeeFactory, KeyResultFactory, ObjectiveFactory
from tests.review_factories import AssignmentFactory, CycleFactory

BLOCKS = (
    "one_on_ones",
    "action_items",
    "feedback_requests",
    "reviews",
    "pip_check_ins",
    "development_actions",
    "goal_check_ins",
    "goal_approvals",
    "development_approvals",
)


def _today() -> dt.date:
    return timezone.localdate()


def _monday() -> dt.date:
    today = _today()
    return today - dt.timedelta(days=today.weekday())


def _pip(employee: Any, manager: Any, hr_partner: Any, **kwargs: Any) -> ImprovementPlan:
    values: dict[str, Any] = {
        "state": PlanState.ACTIVE,
        "concerns": "SECRET CONCERNS",
        "starts_on": _today() - dt.timedelta(days=30),
        "ends_on": _today() + dt.timedelta(days=60),
        **kwargs,
    }
    return ImprovementPlan.objects.create(
        employee=employee, manager=manager, hr_partner=hr_partner, **values
    )


def fill(org: Any, size: int) -> dict[str, int]:
    """`size` items in every block for `org.lead`, plus noise that must not
    show. Returns the expected count per block."""
    lead = org.lead
    today = _today()
    period = GoalPeriod.objects.create(
        name="Now",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=30),
    )
    cycle: Any = CycleFactory()
    CyclePhase.objects.create(cycle=cycle, kind=PhaseKind.MANAGER_REVIEW, due_on=today)
    own_plan = make_plan(lead, goals=1, actions=0)
    goal = own_plan.goals.get()
    for i in range(size):
        report = cast(Employee, EmployeeFactory(manager=lead, department=org.platform))
        series = OneOnOneSeries.objects.create(
            manager=lead, report=report, frequency=Frequency.WEEKLY, starts_on=_monday()
        )
        meeting = Meeting.objects.create(
            series=series, scheduled_on=_monday() + dt.timedelta(i % 7)
        )
        # Noise: next week's meeting, and a held one.
        Meeting.objects.create(series=series, scheduled_on=_monday() + dt.timedelta(days=7 + i % 7))
        ActionItem.objects.create(
            meeting=meeting, owner=lead, text=f"Do {i}", due_on=today - dt.timedelta(days=i % 3)
        )
        ActionItem.objects.create(meeting=meeting, owner=lead, text="Done", done_at=timezone.now())
        ActionItem.objects.create(meeting=meeting, owner=report, text="Theirs")
        request = FeedbackRequest.objects.create(
            requester=report, subject=report, due_on=today + dt.timedelta(days=i)
        )
        FeedbackAsk.objects.create(request=request, responder=lead)
        answered = FeedbackRequest.objects.create(requester=report, subject=report, due_on=today)
        FeedbackAsk.objects.create(request=answered, responder=lead, status=AskStatus.ANSWERED)
        pip = _pip(report, lead, org.hr_admin)
        PlanCheckIn.objects.create(plan=pip, scheduled_on=today + dt.timedelta(days=i % 8))
        PlanCheckIn.objects.create(plan=pip, scheduled_on=today + dt.timedelta(days=20))
        DevelopmentAction.objects.create(
            goal=goal, kind="course", title=f"Course {i}", due_on=today + dt.timedelta(days=i)
        )
        DevelopmentAction.objects.create(
            goal=goal, kind="reading", title="Later", due_on=today + dt.timedelta(days=90)
        )
        make_plan(report, status="submitted", title=f"Plan {i}")
        AssignmentFactory(cycle=cycle, reviewer=lead, reviewee=report, kind=ReviewerKind.MANAGER)
        AssignmentFactory(
            cycle=cycle,
            reviewer=lead,
            reviewee=report,
            kind=ReviewerKind.PEER,
            status=AssignmentStatus.SUBMITTED,
        )
        stale = ObjectiveFactory(period=period, owner_employee=lead, title=f"Goal {i}")
        KeyResultFactory(objective=stale)
        fresh = ObjectiveFactory(period=period, owner_employee=lead)
        KeyResultFactory(objective=fresh, last_check_in_at=timezone.now())
        ObjectiveFactory(period=period, owner_employee=report, approval=Approval.PENDING)
    # Noise owned by others: another team's PIP, a draft PIP of mine.
    _pip(org.salesperson, org.other_manager, org.hr_admin)
    PlanCheckIn.objects.create(
        plan=_pip(org.salesperson, org.other_manager, org.hr_admin), scheduled_on=today
    )
    draft = _pip(org.employee, lead, org.hr_admin, state=PlanState.DRAFT)
    PlanCheckIn.objects.create(plan=draft, scheduled_on=today)
    ObjectiveFactory(period=period, owner_employee=lead, status=ObjectiveStatus.DRAFT)  # not active
    return dict.fromkeys(BLOCKS, size)


def _blocks(user: Any) -> dict[str, Any]:
    return {b.key: b for b in my_work(user).blocks}


def _counts(html: str) -> dict[str, int]:
    found = re.findall(
        r'id="block-([a-z_]+)".*?class="badge[^"]*block-count"[^>]*>(\d+)<', html, re.S
    )
    return {key: int(count) for key, count in found}


@pytest.mark.parametrize("size", [2, 25])
def test_home_page_query_budget(org: Any, django_assert_max_num_queries: Any, size: int) -> None:
    expected = fill(org, size)
    client = Client()
    client.force_login(org.lead.user)
    client.get("/")  # the first request of a session also writes the session
    with django_assert_max_num_queries(20):
        resp = client.get("/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert _counts(html) == expected
    # Each block shows at most LIMIT rows, and says how many more there are.
    assert html.count('class="list-group-item') == len(BLOCKS) * min(size, LIMIT)
    if size > LIMIT:
        assert f"and {size - LIMIT} more" in html
    assert "SECRET CONCERNS" not in html


def test_each_block_has_an_empty_state(org: Any) -> None:
    client = Client()
    client.force_login(org.peer.user)
    html = client.get("/").content.decode()
    assert _counts(html) == dict.fromkeys(BLOCKS, 0)
    for text in (
        "No 1:1s planned this week.",
        "No open action items.",
        "No feedback requests waiting for you.",
        "No reviews to write.",
        "No improvement plan check-ins due.",
        "No development actions due in the next 30 days.",
        "Your goals are up to date.",
        "No goals waiting for your approval.",
        "No development plans waiting for your approval.",
    ):
        assert text in html


def test_links_and_overdue_marks(org: Any) -> None:
    fill(org, 3)
    work = _blocks(org.lead.user)
    meeting = Meeting.objects.filter(series__manager=org.lead).order_by("scheduled_on").first()
    assert meeting is not None
    assert work["one_on_ones"].items[0].url == f"/feedback/one-on-ones/meetings/{meeting.pk}/"
    ask = FeedbackAsk.objects.filter(status=AskStatus.PENDING).order_by("request__due_on").first()
    assert ask is not None
    assert work["feedback_requests"].items[0].url == f"/feedback/asks/{ask.pk}/answer/"
    pip_urls = {i.url for i in work["pip_check_ins"].items}
    assert all(re.fullmatch(r"/development/improvement-plans/\d+/", u) for u in pip_urls)
    overdue = [i.title for i in work["action_items"].items if i.overdue]
    assert overdue == ["Do 2", "Do 1"]  # oldest due first
    assert all("Improvement plan check-in for" in i.title for i in work["pip_check_ins"].items)


def test_pip_check_ins_write_nothing_to_the_access_log(org: Any) -> None:
    fill(org, 2)
    client = Client()
    client.force_login(org.lead.user)
    before = AccessLogEntry.objects.count()
    assert client.get("/").status_code == 200
    assert AccessLogEntry.objects.count() == before


def test_pip_check_ins_for_partner_not_other_hr(org: Any) -> None:
    report = org.employee
    pip = _pip(report, org.lead, org.hrbp)
    PlanCheckIn.objects.create(plan=pip, scheduled_on=_today() - dt.timedelta(days=2))
    hrbp = _blocks(org.hrbp)
    assert hrbp["pip_check_ins"].count == 1
    assert hrbp["pip_check_ins"].items[0].overdue
    # The HR admin sees every plan but is not this one's partner.
    admin = _blocks(org.hr_admin)
    assert admin["pip_check_ins"].count == 0
    # The manager's manager runs it too; a peer and another manager do not.
    assert _blocks(org.manager.user)["pip_check_ins"].count == 1
    assert _blocks(org.peer.user)["pip_check_ins"].count == 0
    assert _blocks(org.other_manager.user)["pip_check_ins"].count == 0


def test_employee_on_a_plan_sees_next_check_in_and_acknowledgement(org: Any) -> None:
    pip = _pip(org.employee, org.lead, org.hr_admin)
    PlanCheckIn.objects.create(
        plan=pip, scheduled_on=_today() - dt.timedelta(days=5), held_on=_today()
    )
    nxt = PlanCheckIn.objects.create(plan=pip, scheduled_on=_today() + dt.timedelta(days=12))
    block = _blocks(org.employee.user)["pip_check_ins"]
    assert block.count == 1
    item = block.items[0]
    assert item.due_on == nxt.scheduled_on
    assert "acknowledge" in item.note
    pip.acknowledged_at = timezone.now()
    pip.save()
    block = _blocks(org.employee.user)["pip_check_ins"]
    assert block.items[0].note == ""
    # A draft plan is not the employee's to see yet.
    pip.state = PlanState.DRAFT
    pip.save()
    assert _blocks(org.employee.user)["pip_check_ins"].count == 0


def test_logins_without_an_employee(org: Any) -> None:
    for user in (org.auditor, org.outsider, org.executive):
        assert my_work(user).blocks == []
        client = Client()
        client.force_login(user)
        assert "Nothing is due for you right now" in client.get("/").content.decode()
    assert [b.key for b in my_work(org.hr_admin).blocks] == ["pip_check_ins", "goal_approvals"]


def test_only_my_development_actions(org: Any) -> None:
    today = _today()
    mine = make_plan(org.employee, actions=0)
    goal = mine.goals.get()
    DevelopmentAction.objects.create(
        goal=goal, kind="course", title="Overdue", due_on=today - dt.timedelta(days=3)
    )
    DevelopmentAction.objects.create(
        goal=goal, kind="course", title="Done", due_on=today, status="done"
    )
    DevelopmentAction.objects.create(goal=goal, kind="course", title="Undated")
    make_plan(org.peer, due_on=today)
    completed = make_plan(org.employee, status="completed", due_on=today)
    assert completed.pk
    block = _blocks(org.employee.user)["development_actions"]
    assert [i.title for i in block.items] == ["Course: Overdue"]
    assert block.items[0].overdue
    # The lead sees the employee's plan but these are not the lead's actions.
    lead_block = _blocks(org.lead.user)["development_actions"]
    assert lead_block.count == 0


def test_goals_to_approve_are_my_reports_at_any_depth_or_everyones_for_hr(org: Any) -> None:
    period = GoalPeriod.objects.create(
        name="Now", starts_on=_today(), ends_on=_today() + dt.timedelta(days=60)
    )

    def pending(owner: Any, title: str) -> None:
        ObjectiveFactory(period=period, owner_employee=owner, title=title, approval="pending")

    pending(org.employee, "Employee's")  # reports to the lead, who reports to the manager
    pending(org.lead, "Lead's")
    pending(org.salesperson, "Salesperson's")  # another branch
    ObjectiveFactory(period=period, owner_employee=org.peer, title="Approved", approval="approved")

    def titles(user: Any) -> set[str]:
        block = _blocks(user)["goal_approvals"]
        assert block.count == len(block.items)
        return {item.title.split(" (")[0] for item in block.items}

    assert titles(org.lead.user) == {"Employee's"}  # never their own
    assert titles(org.manager.user) == {"Employee's", "Lead's"}
    assert titles(org.other_manager.user) == {"Salesperson's"}
    assert titles(org.employee.user) == set()
    assert titles(org.hr_admin) == {"Employee's", "Lead's", "Salesperson's"}
    item = _blocks(org.manager.user)["goal_approvals"].items[0]
    assert item.title == "Employee's (Emma Employee)" and item.note == "Now"
