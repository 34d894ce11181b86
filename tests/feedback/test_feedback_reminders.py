"""The daily feedback-request reminders: due soon (within two days) and
overdue, once per ask per stage, never to someone who left or is on leave,
never for an ask already answered or declined."""

from __future__ import annotations

import datetime as dt

from cadence.core.models import Notification
from cadence.feedback.models import AskStatus
from cadence.feedback.tasks_requests import send_feedback_request_reminders
from cadence.people.models import EmploymentStatus
from tests.conftest import Org
from tests.feedback.feedback_support import TODAY, feedback_request, person


def _run(day: dt.date) -> int:
    return int(send_feedback_request_reminders.call(day.isoformat()))


def _kinds(org_person: object) -> list[str]:
    return list(
        Notification.objects.filter(recipient=org_person)
        .filter(kind__startswith="feedback.ask_")
        .order_by("id")
        .values_list("kind", flat=True)
    )


def test_due_soon_then_overdue_once_each(org: Org) -> None:
    due = TODAY + dt.timedelta(days=5)
    request = feedback_request(org.employee, [org.peer], due_on=due)
    assert _run(TODAY) == 0  # five days out: too early
    assert _run(due - dt.timedelta(days=2)) == 1
    assert _run(due - dt.timedelta(days=1)) == 0  # already told it is due soon
    assert _run(due) == 0
    assert _run(due + dt.timedelta(days=1)) == 1
    assert _run(due + dt.timedelta(days=2)) == 0
    assert _kinds(org.peer) == ["feedback.ask_due_soon", "feedback.ask_overdue"]
    ask = request.asks.get()
    notice = Notification.objects.get(kind="feedback.ask_overdue")
    assert notice.url == f"/feedback/asks/{ask.pk}/answer/"
    assert "Emma Employee asked for your feedback by" in notice.body


def test_a_request_first_seen_overdue_gets_only_the_overdue_reminder(org: Org) -> None:
    feedback_request(org.manager, [org.peer], subject=org.employee, due_on=TODAY)
    assert _run(TODAY + dt.timedelta(days=3)) == 1
    [notice] = Notification.objects.filter(recipient=org.peer)
    assert notice.kind == "feedback.ask_overdue"
    assert "on Emma Employee" in notice.body


def test_no_reminders_for_answered_declined_or_absent_responders(org: Org) -> None:
    away = person(org, "away@example.com", status=EmploymentStatus.ON_LEAVE)
    leaver = person(org, "leaver@example.com")
    request = feedback_request(
        org.employee, [org.peer, org.salesperson, away, leaver, org.lead], due_on=TODAY
    )
    leaver.status = EmploymentStatus.TERMINATED
    leaver.save()
    request.asks.filter(responder=org.peer).update(status=AskStatus.ANSWERED)
    request.asks.filter(responder=org.salesperson).update(status=AskStatus.DECLINED)
    assert _run(TODAY) == 1
    assert _kinds(org.lead) == ["feedback.ask_due_soon"]
    for quiet in (org.peer, org.salesperson, away, leaver):
        assert _kinds(quiet) == []


def test_runs_with_no_date_and_nothing_to_do(org: Org) -> None:
    assert send_feedback_request_reminders.call() == 0
