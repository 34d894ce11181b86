"""Check-in reminders: for running plans, a check-in not held within the
next two days is announced to the manager and the employee; once its day
has passed, the manager is told it is overdue. Each once per check-in and
stage; nothing for drafts, closed plans or held check-ins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cadence.core.models import Notification
from cadence.development import services_pips_record as pip_record
from cadence.development.models import PlanState
from cadence.development.tasks_pips import send_plan_check_in_reminders
from tests.conftest import Org
from tests.development.pip_support import make_plan, user_of

pytestmark = pytest.mark.django_db


def _keys(recipient_id: int) -> set[str]:
    return set(Notification.objects.filter(recipient_id=recipient_id).values_list("key", flat=True))


def test_due_soon_then_overdue_once_each(org: Org) -> None:
    start = timezone.localdate() - dt.timedelta(days=7)
    plan = make_plan(org, PlanState.ACTIVE, starts_on=start, every=14)
    first = plan.check_ins.earliest("scheduled_on")
    assert first.scheduled_on == start + dt.timedelta(days=14)
    Notification.objects.all().delete()

    # Three days before: nothing yet.
    assert (
        send_plan_check_in_reminders.call((first.scheduled_on - dt.timedelta(days=3)).isoformat())
        == 0
    )
    # Two days before: the manager (who opened it) and the employee.
    day = (first.scheduled_on - dt.timedelta(days=2)).isoformat()
    assert send_plan_check_in_reminders.call(day) == 2
    assert _keys(org.manager.pk) == {f"pip.check_in.due:{first.pk}"}
    assert _keys(org.employee.pk) == {f"pip.check_in.due:{first.pk}"}
    assert send_plan_check_in_reminders.call(day) == 0
    assert send_plan_check_in_reminders.call(first.scheduled_on.isoformat()) == 0
    # The day after: overdue, to the manager only.
    after = (first.scheduled_on + dt.timedelta(days=1)).isoformat()
    assert send_plan_check_in_reminders.call(after) == 1
    assert f"pip.check_in.overdue:{first.pk}" in _keys(org.manager.pk)
    assert not any("overdue" in k for k in _keys(org.employee.pk))
    assert send_plan_check_in_reminders.call(after) == 0
    assert not Notification.objects.filter(recipient=org.peer).exists()


def test_held_check_ins_and_other_states_are_quiet(org: Org) -> None:
    start = timezone.localdate() - dt.timedelta(days=20)
    plan = make_plan(org, PlanState.ACTIVE, starts_on=start, every=14)
    first = plan.check_ins.earliest("scheduled_on")
    pip_record.record_check_in(
        actor=user_of(org.manager),
        plan=plan,
        held_on=first.scheduled_on,
        notes="Held",
        check_in=first,
    )
    make_plan(org, PlanState.DRAFT, employee=org.peer, starts_on=start)
    make_plan(org, PlanState.COMPLETED, employee=org.lead, starts_on=start)
    Notification.objects.all().delete()
    today = timezone.localdate().isoformat()
    assert send_plan_check_in_reminders.call(today) == 0
    later = (first.scheduled_on + dt.timedelta(days=13)).isoformat()
    sent = send_plan_check_in_reminders.call(later)
    assert sent == 2  # the next check-in of the active plan only
    assert not Notification.objects.filter(key__contains="overdue").exists()


def test_open_check_ins_for_my_work(org: Org) -> None:
    from cadence.development.selectors_pips import open_check_ins_for

    plan = make_plan(org, PlanState.ACTIVE)
    first = plan.check_ins.earliest("scheduled_on")
    until = first.scheduled_on
    assert [c.pk for c in open_check_ins_for(user_of(org.manager), until)] == [first.pk]
    assert [c.pk for c in open_check_ins_for(user_of(org.employee), until)] == [first.pk]
    assert not open_check_ins_for(user_of(org.peer), until).exists()
    assert not open_check_ins_for(user_of(org.manager), until - dt.timedelta(days=1)).exists()
