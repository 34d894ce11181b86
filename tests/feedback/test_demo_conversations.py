"""The demo organisation's feedback, 1:1s, improvement plans and development
plans (issue 5: "The demo organisation has feedback, 1:1 series with
history, two PIPs (one active, one completed) and development plans"), each
consistent with the rules the services enforce, visible to the demo logins
that should see them, and made again identically for the same seed."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count, F

from cadence.core.models import User
from cadence.development.models import (
    DevelopmentPlan,
    DevelopmentPlanStatus,
    ImprovementPlan,
    PlanOutcome,
    PlanState,
)
from cadence.feedback.models import (
    ActionItem,
    AgendaItem,
    AskStatus,
    CoachingNote,
    Feedback,
    FeedbackAsk,
    FeedbackVisibility,
    Meeting,
    MeetingStatus,
    OneOnOneSeries,
)
from cadence.feedback.services_meetings import generate_meetings, meeting_days
from cadence.people.demo import generate_demo_organisation, wipe_organisation
from cadence.people.models import Employee

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
EMPLOYEES = 150


@pytest.fixture
def demo() -> None:
    generate_demo_organisation(employees=EMPLOYEES, seed=3, today=TODAY)


def login(email: str) -> User:
    return User.objects.get(email=email)


def employee_of(email: str) -> Employee:
    return Employee.objects.get(user__email=email)


def test_feedback_of_every_visibility_and_requests_waiting(demo: None) -> None:
    by_visibility = Counter(Feedback.objects.values_list("visibility", flat=True))
    assert set(by_visibility) == set(FeedbackVisibility.values)
    assert not Feedback.objects.filter(giver=F("recipient")).exists()
    employee = employee_of("employee@example.com")
    manager = employee_of("manager@example.com")
    # Public praise for the demo employee, on the wall for everyone.
    wall = Feedback.objects.visible_to(login("exec@example.com"))
    assert wall.filter(recipient=employee, visibility=FeedbackVisibility.PUBLIC).exists()
    # Something to answer for the demo employee and manager.
    assert FeedbackAsk.objects.filter(responder=employee, status=AskStatus.PENDING).exists()
    assert FeedbackAsk.objects.filter(responder=manager, status=AskStatus.PENDING).exists()
    # Every answered ask has exactly its answer, to the request's subject.
    answered = FeedbackAsk.objects.filter(status=AskStatus.ANSWERED)
    assert answered.exists()
    for ask in answered.select_related("answer", "request"):
        assert ask.answer.recipient_id == ask.request.subject_id
        assert ask.answer.giver_id == ask.responder_id


def test_one_on_ones_with_history_and_meetings_ahead(demo: None) -> None:
    series = list(OneOnOneSeries.objects.all())
    assert series
    # Every series is manager → direct report, and its meetings are exactly
    # the schedule's days: the daily run adds nothing twice.
    for s in series:
        assert Employee.objects.get(pk=s.report_id).manager_id == s.manager_id
        days = list(s.meetings.order_by("scheduled_on").values_list("scheduled_on", flat=True))
        assert days == meeting_days(s.frequency, s.starts_on, s.starts_on, s.generated_through)
    assert generate_meetings(today=TODAY) == 0
    statuses = Counter(Meeting.objects.filter(scheduled_on__lt=TODAY).values_list("status"))
    assert statuses[(MeetingStatus.HELD,)] > statuses[(MeetingStatus.CANCELLED,)] > 0
    assert Meeting.objects.filter(scheduled_on__gte=TODAY, status=MeetingStatus.PLANNED).exists()
    carried = AgendaItem.objects.filter(carried_from__isnull=False)
    assert carried.exists()
    assert not carried.filter(meeting__scheduled_on__lte=F("carried_from__meeting__scheduled_on"))
    assert ActionItem.objects.filter(done_at__isnull=True, due_on__lt=TODAY).exists()
    manager = employee_of("manager@example.com")
    assert CoachingNote.objects.visible_to(login("manager@example.com")).filter(author=manager)
    assert not CoachingNote.objects.visible_to(login("hr.admin@example.com")).exists()


def test_two_improvement_plans_one_active_one_completed(demo: None) -> None:
    plans = {p.state: p for p in ImprovementPlan.objects.all()}
    assert set(plans) == {PlanState.ACTIVE, PlanState.COMPLETED}
    active, done = plans[PlanState.ACTIVE], plans[PlanState.COMPLETED]
    assert done.outcome == PlanOutcome.SUCCESSFUL and done.outcome_summary
    for plan in (active, done):
        assert plan.expectations.count() >= 2
        assert plan.acknowledged_at is not None and plan.acknowledged_name
        assert plan.check_ins.filter(held_on__isnull=False).exists()
        assert plan.starts_on <= plan.ends_on
    # The active one is in the demo manager's team, visible to them, and
    # not to a peer of the employee on it.
    manager = login("manager@example.com")
    assert ImprovementPlan.objects.visible_to(manager).filter(pk=active.pk).exists()
    assert not ImprovementPlan.objects.visible_to(login("employee@example.com")).exists()


def test_development_plans_for_the_demo_logins(demo: None) -> None:
    counts = dict(
        DevelopmentPlan.objects.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    assert counts.get(DevelopmentPlanStatus.APPROVED, 0) > 0
    mine = DevelopmentPlan.objects.get(employee=employee_of("employee@example.com"))
    assert mine.status == DevelopmentPlanStatus.APPROVED
    assert mine.goals.filter(competency__isnull=False, actions__isnull=False).exists()
    waiting = DevelopmentPlan.objects.visible_to(login("manager@example.com")).filter(
        status=DevelopmentPlanStatus.SUBMITTED
    )
    assert waiting.exists()


def test_same_seed_same_records_and_wipe(demo: None) -> None:
    def fingerprint() -> tuple[object, ...]:
        return (
            list(Feedback.objects.order_by("id").values_list("body", "visibility")),
            list(Meeting.objects.order_by("id").values_list("scheduled_on", "status")),
            list(DevelopmentPlan.objects.order_by("id").values_list("status", flat=True)),
        )

    first = fingerprint()
    wipe_organisation()
    assert not Feedback.objects.exists() and not Meeting.objects.exists()
    assert not ImprovementPlan.objects.exists() and not DevelopmentPlan.objects.exists()
    generate_demo_organisation(employees=EMPLOYEES, seed=3, today=TODAY)
    again = fingerprint()
    assert [len(x) for x in again] == [len(x) for x in first]
    assert [sorted(map(str, x)) for x in again] == [sorted(map(str, x)) for x in first]
