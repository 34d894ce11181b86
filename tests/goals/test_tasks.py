"""The check-in reminder task: who is reminded, run directly and enqueued."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cadence.core.models import AuditEntry
from cadence.goals.models import ObjectiveStatus
from cadence.goals.tasks import send_check_in_reminders
from tests.conftest import Org
from tests.factories import GoalPeriodFactory, KeyResultFactory, ObjectiveFactory


def setup_goals(org: Org) -> int:
    period = GoalPeriodFactory(check_in_reminder_days=14)
    now = timezone.now()
    stale = ObjectiveFactory(period=period, owner_employee=org.employee)
    KeyResultFactory(objective=stale, last_check_in_at=now - dt.timedelta(days=20))
    never = ObjectiveFactory(period=period, owner_employee=org.peer)
    KeyResultFactory(objective=never)
    fresh_goal = ObjectiveFactory(period=period, owner_employee=org.lead)
    KeyResultFactory(objective=fresh_goal, last_check_in_at=now - dt.timedelta(days=2))
    done = ObjectiveFactory(
        period=period, owner_employee=org.salesperson, status=ObjectiveStatus.COMPLETED
    )
    KeyResultFactory(objective=done)
    return period.pk


def reminded() -> set[str]:
    return set(
        AuditEntry.objects.filter(action="goal.check_in_reminder").values_list(
            "object_id", flat=True
        )
    )


def test_reminds_owners_of_stale_active_goals_only(org: Org) -> None:
    period_id = setup_goals(org)
    assert send_check_in_reminders.call(period_id) == 2
    assert reminded() == {str(org.employee.pk), str(org.peer.pk)}
    assert AuditEntry.objects.filter(action="goal.check_in_reminder", actor=None).count() == 2


@pytest.mark.django_db(transaction=True)
def test_enqueued_with_the_immediate_backend(org: Org, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    period_id = setup_goals(org)
    result = send_check_in_reminders.enqueue(period_id)
    assert result.return_value == 2
    assert reminded() == {str(org.employee.pk), str(org.peer.pk)}
