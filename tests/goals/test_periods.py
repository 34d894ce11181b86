"""Goal periods for HR admins (pages, stale edits) and check-in reminders:
scheduled by `cadence send-reminders`, queued from the page, never sent
twice within the interval."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cadence.core.models import AuditEntry
from cadence.goals.models import GoalPeriod
from cadence.goals.tasks import REMINDER_ACTION, send_check_in_reminders
from cadence.people.models import EmploymentStatus
from tests.conftest import Org
from tests.factories import GoalPeriodFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "2027 Q2",
    "starts_on": "2027-04-01",
    "ends_on": "2027-06-30",
    "setting_opens_on": "2027-03-20",
    "setting_closes_on": "2027-04-15",
    "requires_approval": "on",
    "check_in_reminder_days": "10",
}


def running_period(**kwargs: Any) -> GoalPeriod:
    today = timezone.localdate()
    return GoalPeriodFactory(
        name=kwargs.pop("name", "Now"),
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=60),
        **kwargs,
    )


def test_hr_admin_creates_and_lists_periods(client: Client, org: Org) -> None:
    client.force_login(org.hr_admin)
    resp = client.post("/goals/periods/new/", FORM)
    assert resp.status_code == 302
    period = GoalPeriod.objects.get(name="2027 Q2")
    assert period.requires_approval and period.check_in_reminder_days == 10
    assert AuditEntry.objects.filter(action="goal_period.create", object_id=str(period.pk)).exists()
    body = client.get("/goals/periods/").content.decode()
    assert "2027 Q2" in body and "20 Mar 2027 to 15 Apr 2027" in body


def test_period_form_reports_field_errors(client: Client, org: Org) -> None:
    client.force_login(org.hr_admin)
    resp = client.post("/goals/periods/new/", {**FORM, "setting_closes_on": "2027-03-01"})
    assert resp.status_code == 200
    assert "Goal setting must close on or after the day it opens." in resp.content.decode()
    assert not GoalPeriod.objects.exists()


def test_stale_period_edit_is_refused(client: Client, org: Org) -> None:
    period = GoalPeriodFactory(
        name="2027 Q2", starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2027, 6, 30)
    )
    client.force_login(org.hr_admin)
    first = client.get(f"/goals/periods/{period.pk}/edit/").context["form"]["version"].value()
    resp = client.post(
        f"/goals/periods/{period.pk}/edit/", {**FORM, "name": "First", "version": first}
    )
    assert resp.status_code == 302
    resp = client.post(
        f"/goals/periods/{period.pk}/edit/", {**FORM, "name": "Second", "version": first}
    )
    assert resp.status_code == 200 and "changed by someone else" in resp.content.decode()
    period.refresh_from_db()
    assert period.name == "First" and period.version == 2


@pytest.mark.parametrize("who", ["employee", "manager", "hrbp", "auditor"])
def test_only_hr_admin_reaches_period_pages(client: Client, org: Org, who: str) -> None:
    period = GoalPeriodFactory()
    actor = getattr(org, who)
    client.force_login(getattr(actor, "user", actor))
    assert client.get("/goals/periods/").status_code == 404
    assert client.post("/goals/periods/new/", FORM).status_code == 404
    assert client.post(f"/goals/periods/{period.pk}/remind/").status_code == 404
    assert GoalPeriod.objects.count() == 1


def stale_goal(org: Org, period: GoalPeriod, owner: Any) -> None:
    goal = ObjectiveFactory(period=period, owner_employee=owner)
    KeyResultFactory(objective=goal, last_check_in_at=timezone.now() - dt.timedelta(days=30))


def reminded() -> list[str]:
    return sorted(
        AuditEntry.objects.filter(action=REMINDER_ACTION).values_list("object_id", flat=True)
    )


def test_reminders_are_not_repeated_within_the_interval(org: Org) -> None:
    period = running_period(check_in_reminder_days=14)
    stale_goal(org, period, org.employee)
    stale_goal(org, period, org.peer)
    assert send_check_in_reminders.call(period.pk) == 2
    assert send_check_in_reminders.call(period.pk) == 0
    assert reminded() == sorted([str(org.employee.pk), str(org.peer.pk)])


def test_reminders_skip_people_not_at_work_and_can_be_off(org: Org) -> None:
    period = running_period(check_in_reminder_days=14)
    org.peer.status = EmploymentStatus.ON_LEAVE
    org.peer.save()
    stale_goal(org, period, org.employee)
    stale_goal(org, period, org.peer)
    off = running_period(name="Off", check_in_reminder_days=0)
    stale_goal(org, off, org.lead)
    assert send_check_in_reminders.call(off.pk) == 0
    assert send_check_in_reminders.call(period.pk) == 1
    assert reminded() == [str(org.employee.pk)]


def test_daily_command_covers_running_periods_only(org: Org, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    now = running_period()
    past = GoalPeriodFactory(
        name="Past", starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 3, 31)
    )
    stale_goal(org, now, org.employee)
    stale_goal(org, past, org.peer)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Now: reminders queued" in out.getvalue() and "Past" not in out.getvalue()
    assert reminded() == [str(org.employee.pk)]
    out = StringIO()
    call_command("send_reminders", "--period", str(past.pk), "--now", stdout=out)
    assert "Past: reminded 1 goal owners." in out.getvalue()


def test_remind_now_button_queues_the_task(client: Client, org: Org, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    period = running_period()
    stale_goal(org, period, org.employee)
    client.force_login(org.hr_admin)
    assert "Remind now" in client.get("/goals/periods/").content.decode()
    resp = client.post(f"/goals/periods/{period.pk}/remind/", follow=True)
    assert "are queued" in resp.content.decode()
    assert reminded() == [str(org.employee.pk)]
