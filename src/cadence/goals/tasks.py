"""Background work for goals, run by django-tasks."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from cadence.core import audit
from cadence.core.models import AuditEntry
from cadence.goals.models import GoalPeriod, KeyResult, ObjectiveStatus, Scope
from cadence.people.models import Employee, EmploymentStatus

REMINDER_ACTION = "goal.check_in_reminder"


def periods_running(day: dt.date) -> list[GoalPeriod]:
    """The goal periods `day` falls in: the ones whose owners get reminders."""
    return list(GoalPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day).order_by("pk"))


@task()
def send_check_in_reminders(period_id: int) -> int:
    """Remind the owners of active personal goals in the period whose key
    results have not been checked in for `check_in_reminder_days` (never
    checked in counts as stale); 0 days turns reminders off.

    Safe to run as often as you like (a daily schedule, a second worker, HR
    pressing the button again): nobody is reminded twice within the
    interval. There is no notification model yet, so a reminder is a
    `goal.check_in_reminder` audit row per owner. Returns how many owners
    were reminded."""
    period = GoalPeriod.objects.get(pk=period_id)
    days = period.check_in_reminder_days
    if days == 0:
        return 0
    cutoff = timezone.now() - dt.timedelta(days=days)
    stale_owner_ids = set(
        KeyResult.objects.filter(
            objective__period=period,
            objective__scope=Scope.PERSONAL,
            objective__status=ObjectiveStatus.ACTIVE,
        )
        .filter(Q(last_check_in_at__isnull=True) | Q(last_check_in_at__lt=cutoff))
        .values_list("objective__owner_employee_id", flat=True)
    )
    with transaction.atomic():
        # Taken inside the transaction, so two runs at once cannot both miss
        # each other's rows on PostgreSQL (the second waits on the lock).
        list(GoalPeriod.objects.select_for_update().filter(pk=period.pk).values_list("pk"))
        recently_reminded = {
            int(object_id)
            for object_id in AuditEntry.objects.filter(
                action=REMINDER_ACTION,
                object_type=audit.object_type(Employee),
                created_at__gte=cutoff,
            ).values_list("object_id", flat=True)
        }
        owners = (
            Employee.objects.filter(pk__in=stale_owner_ids - recently_reminded)
            .filter(status=EmploymentStatus.ACTIVE)
            .order_by("pk")
        )
        return audit.record_each(
            None, REMINDER_ACTION, owners, after={"period": period.pk, "days": days}
        )
