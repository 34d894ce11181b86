"""Helpers for the 1:1 and coaching tests: a series with meetings, filled
meetings for query budgets, and a fixed "today"."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.utils import timezone

from cadence.core.models import User
from cadence.feedback.models import (
    ActionItem,
    AgendaItem,
    Frequency,
    Meeting,
    MeetingStatus,
    OneOnOneSeries,
)
from cadence.people.models import Employee

SECRET = "zebra-secret-7731"  # a marker that must never leak out of its owner's view


def u(employee: Employee) -> User:
    """The employee's login (every person in the `org` fixture has one)."""
    assert employee.user is not None
    return employee.user


def streamed(response: Any) -> bytes:
    """The body of a streaming (CSV) response."""
    return b"".join(response.streaming_content)


def person(**fields: Any) -> Employee:
    """An employee from the factory, typed as one."""
    from tests.factories import EmployeeFactory

    return cast(Employee, EmployeeFactory(**fields))


def make_series(
    manager: Employee,
    report: Employee,
    *,
    frequency: str = Frequency.WEEKLY,
    starts_on: dt.date | None = None,
    past_meetings: int = 0,
    future_meetings: int = 1,
) -> OneOnOneSeries:
    """A weekly series whose meetings (`past_meetings` before today, all held,
    and `future_meetings` from today on) are created directly."""
    today = timezone.localdate()
    first = starts_on or today - dt.timedelta(days=7 * past_meetings)
    series = OneOnOneSeries.objects.create(
        manager=manager, report=report, frequency=frequency, starts_on=first
    )
    Meeting.objects.bulk_create(
        Meeting(
            series=series,
            scheduled_on=first + dt.timedelta(days=7 * i),
            status=MeetingStatus.HELD if i < past_meetings else MeetingStatus.PLANNED,
        )
        for i in range(past_meetings + future_meetings)
    )
    return series


def next_meeting(series: OneOnOneSeries) -> Meeting:
    today = timezone.localdate()
    return Meeting.objects.filter(series=series, scheduled_on__gte=today).order_by("scheduled_on")[
        0
    ]


def fill(meeting: Meeting, size: int) -> None:
    """`size` agenda items (alternating authors, a third done) and `size`
    action items on a meeting."""
    series = meeting.series
    people = (series.manager_id, series.report_id)
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            author_id=people[i % 2],
            text=f"Topic {i}",
            done=i % 3 == 0,
            position=i,
        )
        for i in range(size)
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            meeting=meeting,
            owner_id=people[i % 2],
            text=f"Action {i}",
            due_on=timezone.localdate() + dt.timedelta(days=i),
        )
        for i in range(size)
    )
