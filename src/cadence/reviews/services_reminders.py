"""HR's "Send reminders now" on a running cycle: queue the review
notifications for that one cycle at once rather than waiting for the daily
run. Each notice is keyed by its event (reviews/notifications.py), so a
second click — or the daily run afterwards — tells nobody anything twice."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.core import audit
from cadence.core.models import User
from cadence.reviews.access import can_manage_cycles
from cadence.reviews.models import Cycle
from cadence.reviews.notifications import RUNNING_STAGES, send_review_notifications


def can_send_reminders(cycle: Cycle) -> bool:
    """Only a running cycle has reviews to remind anyone of."""
    return cycle.stage in RUNNING_STAGES


@transaction.atomic
def send_reminders_now(*, actor: User, cycle: Cycle) -> str:
    """Queue the notifications of `cycle` (assigned, due soon, overdue) for
    its reviewers with open reviews. HR admins only; the cycle must be
    running. Returns the queued task's id. Audited."""
    if not can_manage_cycles(actor):
        raise PermissionDenied
    if not can_send_reminders(cycle):
        raise ValidationError({"cycle": "Reminders go out only while the cycle is running."})
    # Enqueued inside the transaction, like the launch: with the database
    # backend the task row commits with the audit row or not at all.
    queued = send_review_notifications.enqueue(cycle_id=cycle.pk)
    audit.record(
        actor,
        "review.cycle.remind",
        cycle,
        after={"stage": cycle.stage, "task": str(queued.id)},
    )
    return str(queued.id)
