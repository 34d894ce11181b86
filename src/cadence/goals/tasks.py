"""Background work for goals, run by django-tasks."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from cadence.core import audit
from cadence.goals.models import GoalPeriod, KeyResult, ObjectiveStatus, Scope
from cadence.people.models import Employee


@task()
def send_check_in_reminders(period_id: int) -> int:
    """Remind the owners of active personal goals in the period whose key
    results have not been checked in for `check_in_reminder_days` (never
    checked in counts as stale). There is no notification model yet, so a
    reminder is a `goal.check_in_reminder` audit row per owner. Returns how
    many owners were reminded."""
    period = GoalPeriod.objects.get(pk=period_id)
    cutoff = timezone.now() - dt.timedelta(days=period.check_in_reminder_days)
    owner_ids = set(
        KeyResult.objects.filter(
            objective__period=period,
            objective__scope=Scope.PERSONAL,
            objective__status=ObjectiveStatus.ACTIVE,
        )
        .filter(Q(last_check_in_at__isnull=True) | Q(last_check_in_at__lt=cutoff))
        .values_list("objective__owner_employee_id", flat=True)
    )
    owners = Employee.objects.filter(pk__in=owner_ids).order_by("pk")
    count = 0
    with transaction.atomic():
        for owner in owners:
            audit.record(
                None,
                "goal.check_in_reminder",
                owner,
                after={"period": period.pk, "days": period.check_in_reminder_days},
            )
            count += 1
    return count
