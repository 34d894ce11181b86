"""Background work for 1:1s, run by django-tasks: the daily run generates
every active series' meetings ahead and tells both people the day before
(and on the day) that a 1:1 is coming. Notices are keyed by meeting and
day, so running it twice tells nobody anything twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django_tasks import task

from cadence.core.notifications import Notice, notify
from cadence.feedback.models import Meeting, MeetingStatus
from cadence.feedback.services_meetings import generate_meetings

NOTICE_CHUNK = 2000


def meeting_notices(today: dt.date) -> Iterator[Notice]:
    """A notice to each of the two people of every planned 1:1 today or
    tomorrow (the date is in the key: a moved meeting is a new event)."""
    tomorrow = today + dt.timedelta(days=1)
    soon = (
        Meeting.objects.filter(
            status=MeetingStatus.PLANNED,
            scheduled_on__in=(today, tomorrow),
            series__active=True,
        )
        .select_related("series__manager", "series__report")
        .order_by("pk")
    )
    for meeting in soon.iterator(chunk_size=NOTICE_CHUNK):
        when = "today" if meeting.scheduled_on == today else "tomorrow"
        url = reverse("feedback:meeting", args=[meeting.pk])
        series = meeting.series
        for me, other in ((series.manager, series.report), (series.report, series.manager)):
            yield Notice(
                recipient_id=me.pk,
                kind="one_on_one.soon",
                key=f"one_on_one.soon:{meeting.pk}:{meeting.scheduled_on.isoformat()}:{when}",
                title=f"1:1 with {other} {when}",
                body=(
                    f"Your 1:1 with {other} is {when} ({meeting.scheduled_on:%-d %b %Y}). "
                    "Add what you want to talk about to the agenda."
                ),
                url=url,
            )


@task()
def plan_meetings(today_iso: str | None = None) -> int:
    """Generate every active series' meetings ahead and send the "1:1
    today / tomorrow" notices. Returns how many meetings were new."""
    today = dt.date.fromisoformat(today_iso) if today_iso else dt.date.today()
    created = generate_meetings(today=today)
    batch: list[Notice] = []
    for notice in meeting_notices(today):
        batch.append(notice)
        if len(batch) >= NOTICE_CHUNK:
            notify(batch)
            batch = []
    notify(batch)
    return created
