"""Background work for improvement plans, run by django-tasks: reminders
of check-ins. For a running plan, a check-in not yet held and due within
`DUE_SOON_DAYS` is announced to the plan's manager and the employee; once
its day has passed, the manager is told it is overdue. Each notice is keyed
by the check-in and the stage, so the daily run (or any extra run) says
each thing once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from cadence.core.notifications import Notice, notify
from cadence.development.models import ImprovementPlan, PlanCheckIn
from cadence.development.selectors_pips import due_check_ins

DUE_SOON_DAYS = 2
CHUNK = 2000


def check_in_notices(today: dt.date) -> Iterator[Notice]:
    """The notices due today, for every running plan."""
    for check_in in due_check_ins(today, DUE_SOON_DAYS).iterator(chunk_size=CHUNK):
        yield from _notices(check_in, today)


def manager_to_tell(plan: ImprovementPlan) -> int | None:
    """The plan's manager while they still manage the employee; after a
    transfer, the employee's current manager instead — the old one can no
    longer read the plan, so must not be told about it."""
    manager, employee = plan.manager, plan.employee
    if manager.pk != employee.pk and employee.reporting_path.startswith(manager.reporting_path):
        return manager.pk
    return employee.manager_id


def _notices(check_in: PlanCheckIn, today: dt.date) -> Iterator[Notice]:
    plan = check_in.plan
    manager_id = manager_to_tell(plan)
    day = f"{check_in.scheduled_on:%-d %b %Y}"
    url = reverse("development:pip_check_in", args=[plan.pk])
    name = plan.employee.full_name
    if check_in.scheduled_on < today:
        if manager_id is None:
            return
        yield Notice(
            manager_id,
            "pip.check_in_overdue",
            f"pip.check_in.overdue:{check_in.pk}",
            f"Improvement plan check-in with {name} is overdue",
            f"It was due on {day}. Hold it and record it on the plan.",
            url,
        )
        return
    if manager_id is not None:
        yield Notice(
            manager_id,
            "pip.check_in_due",
            f"pip.check_in.due:{check_in.pk}",
            f"Improvement plan check-in with {name} on {day}",
            "Prepare the progress on each expectation and record the check-in once held.",
            url,
        )
    yield Notice(
        plan.employee_id,
        "pip.check_in_due",
        f"pip.check_in.due:{check_in.pk}",
        f"Improvement plan check-in on {day}",
        "Your manager will go through the progress on each expectation with you.",
        reverse("development:pip_detail", args=[plan.pk]),
    )


@task()
def send_plan_check_in_reminders(today_iso: str | None = None) -> int:
    """Remind managers (and employees) of improvement-plan check-ins due.
    Returns how many notices were new."""
    today = dt.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    created = 0
    batch: list[Notice] = []
    for notice in check_in_notices(today):
        batch.append(notice)
        if len(batch) >= CHUNK:
            created += notify(batch)
            batch = []
    return created + notify(batch)
