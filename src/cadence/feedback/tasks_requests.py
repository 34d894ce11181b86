"""Background work for feedback requests, run by django-tasks: the daily
reminders to the people asked. Each reminder is a `core.notifications`
Notice keyed by the ask and the stage ("due soon", "overdue"), so however
often the task runs, each person hears about each ask at most once per
stage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from cadence.core.notifications import Notice, notify
from cadence.feedback.models import AskStatus, FeedbackAsk
from cadence.people.models import EmploymentStatus

DUE_SOON_DAYS = 2
CHUNK = 2000


def reminder_notices(today: dt.date) -> Iterator[Notice]:
    """The reminders due today: for every pending ask whose request is due
    within `DUE_SOON_DAYS` or overdue, to a responder at work (someone who
    left, or is on leave, is not chased)."""
    pending = (
        FeedbackAsk.objects.filter(
            status=AskStatus.PENDING,
            request__due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            responder__status=EmploymentStatus.ACTIVE,
        )
        .select_related("request__requester", "request__subject")
        .order_by("pk")
    )
    for ask in pending.iterator(chunk_size=CHUNK):
        request = ask.request
        who = request.requester.full_name
        about = "" if request.subject_id == request.requester_id else f" on {request.subject}"
        due = f"{request.due_on:%-d %b %Y}"
        url = reverse("feedback:answer", args=[ask.pk])
        if request.due_on < today:
            yield Notice(
                ask.responder_id,
                "feedback.ask_overdue",
                f"feedback.ask_overdue:{ask.pk}",
                f"{who}’s feedback request is overdue",
                f"{who} asked for your feedback{about} by {due}. Please answer or decline it.",
                url,
            )
        else:
            days = (request.due_on - today).days
            when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            yield Notice(
                ask.responder_id,
                "feedback.ask_due_soon",
                f"feedback.ask_due_soon:{ask.pk}",
                f"{who}’s feedback request is due {when}",
                f"{who} asked for your feedback{about} by {due}.",
                url,
            )


@task()
def send_feedback_request_reminders(today_iso: str | None = None) -> int:
    """Remind the people asked for feedback whose answer is due soon or
    overdue. Returns how many notices were new."""
    today = dt.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    created = 0
    batch: list[Notice] = []
    for notice in reminder_notices(today):
        batch.append(notice)
        if len(batch) >= CHUNK:
            created += notify(batch)
            batch = []
    return created + notify(batch)
