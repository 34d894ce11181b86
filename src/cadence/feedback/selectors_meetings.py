"""1:1 reads: my series with their next meeting and open action items, a
meeting with its agenda, action items and the viewer's own private note, a
series' history, open action items for "my work", and HR's cadence
adherence (held vs planned per manager: counts only, never any text).

Every read starts from the models' `visible_to` (the two people of a 1:1),
except adherence, which is HR's view of counts (`can_view_adherence`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Count,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.feedback.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingStatus,
    OneOnOneSeries,
    PrivateNote,
)
from cadence.people.models import Employee
from cadence.people.search import person_matches, words

ADHERENCE_DEFAULT_DAYS = 90


# --- series --------------------------------------------------------------------------------


def series_for(
    user: User, *, today: dt.date, active: bool | None = True, q: str = ""
) -> QuerySet[OneOnOneSeries]:
    """The viewer's series (as manager or as report), each with
    `next_meeting_on` (the next planned day from today) and
    `open_action_items`: one query for any number of series."""
    next_meeting = (
        Meeting.objects.filter(
            series=OuterRef("pk"), status=MeetingStatus.PLANNED, scheduled_on__gte=today
        )
        .order_by()
        .values("series")
        .annotate(first=Min("scheduled_on"))
        .values("first")
    )
    open_items = (
        ActionItem.objects.filter(meeting__series=OuterRef("pk"), done_at__isnull=True)
        .order_by()
        .values("meeting__series")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = (
        OneOnOneSeries.objects.visible_to(user)
        .select_related("manager", "report")
        .annotate(
            next_meeting_on=Subquery(next_meeting),
            open_action_items=Coalesce(Subquery(open_items, output_field=IntegerField()), Value(0)),
        )
    )
    if active is not None:
        queryset = queryset.filter(active=active)
    if q:
        for word in words(q):
            queryset = queryset.filter(
                person_matches(word, "manager__") | person_matches(word, "report__")
            )
    return queryset.order_by(F("next_meeting_on").asc(nulls_last=True), "-starts_on", "pk")


def visible_series(user: User) -> QuerySet[OneOnOneSeries]:
    return OneOnOneSeries.objects.visible_to(user).select_related("manager", "report")


def visible_meetings(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).select_related("series__manager", "series__report")


def upcoming(series: OneOnOneSeries, today: dt.date) -> QuerySet[Meeting]:
    """Meetings still to come (planned, today or later), soonest first."""
    return Meeting.objects.filter(
        series=series, status=MeetingStatus.PLANNED, scheduled_on__gte=today
    ).order_by("scheduled_on")


def history(series: OneOnOneSeries, today: dt.date) -> QuerySet[Meeting]:
    """Meetings that are over (before today, or held / cancelled), newest
    first, each with its agenda and action item counts."""
    return (
        Meeting.objects.filter(series=series)
        .filter(Q(scheduled_on__lt=today) | ~Q(status=MeetingStatus.PLANNED))
        .annotate(
            agenda_count=Count("agenda_items", distinct=True),
            action_count=Count("action_items", distinct=True),
        )
        .order_by("-scheduled_on")
    )


# --- one meeting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingContents:
    """What the meeting page shows, read in a fixed number of queries."""

    agenda: list[AgendaItem]
    action_items: list[ActionItem]
    private_note: PrivateNote | None
    next_meeting: Meeting | None
    previous_meeting: Meeting | None


def meeting_contents(user: User, meeting: Meeting) -> MeetingContents:
    """The agenda (with authors and where carried items came from), the
    action items, the viewer's own private note (never anyone else's) and
    the neighbouring meetings. Five queries whatever the sizes."""
    agenda = list(
        meeting.agenda_items.select_related("author", "carried_from__meeting").order_by(
            "position", "id"
        )
    )
    actions = list(
        meeting.action_items.select_related("owner").order_by(
            F("due_on").asc(nulls_last=True), "id"
        )
    )
    note = PrivateNote.objects.visible_to(user).filter(meeting=meeting).first()
    siblings = Meeting.objects.filter(series_id=meeting.series_id)
    next_meeting = (
        siblings.filter(scheduled_on__gt=meeting.scheduled_on).order_by("scheduled_on").first()
    )
    previous = (
        siblings.filter(scheduled_on__lt=meeting.scheduled_on).order_by("-scheduled_on").first()
    )
    return MeetingContents(agenda, actions, note, next_meeting, previous)


def private_note_of(user: User, meeting: Meeting) -> PrivateNote | None:
    """The viewer's own private note on the meeting, if any."""
    return PrivateNote.objects.visible_to(user).filter(meeting=meeting).first()


# --- action items ----------------------------------------------------------------------------


def action_items_for(
    user: User, *, mine: bool = True, open_only: bool = True
) -> QuerySet[ActionItem]:
    """Action items in the viewer's 1:1s: by default the open ones they own
    (what "My work" lists), soonest due first."""
    queryset = ActionItem.objects.visible_to(user).select_related(
        "owner", "meeting__series__manager", "meeting__series__report"
    )
    if mine:
        queryset = queryset.filter(owner_id=viewer_for(user).employee_id)
    if open_only:
        queryset = queryset.filter(done_at__isnull=True)
    return queryset.order_by(F("due_on").asc(nulls_last=True), "id")


def meetings_between(user: User, start: dt.date, end: dt.date) -> QuerySet[Meeting]:
    """The viewer's planned 1:1s from `start` to `end` (for "My work": this week)."""
    return (
        visible_meetings(user)
        .filter(status=MeetingStatus.PLANNED, scheduled_on__gte=start, scheduled_on__lte=end)
        .order_by("scheduled_on", "pk")
    )


# --- adherence (HR) --------------------------------------------------------------------------


def can_view_adherence(user: User) -> bool:
    """HR admin (every manager) or an HRBP (the managers in their departments)."""
    return viewer_for(user).is_hr


def adherence(
    user: User, *, start: dt.date, end: dt.date, today: dt.date, q: str = ""
) -> QuerySet[Employee]:
    """Managers with their `planned` meetings (scheduled from `start` to
    `end` and on or before today, whatever became of them), how many were
    `held` and `cancelled`, and `rate` (held / planned), worst first. HR
    admin sees every manager, an HRBP those in their departments, anyone
    else nobody. Counts only: no note, agenda or action text is read."""
    viewer = viewer_for(user)
    if not viewer.is_hr:
        return Employee.objects.none()
    last = min(end, today)
    in_range = Q(
        one_on_ones_led__meetings__scheduled_on__gte=start,
        one_on_ones_led__meetings__scheduled_on__lte=last,
    )
    status = "one_on_ones_led__meetings__status"
    managers = Employee.objects.filter(
        pk__in=Meeting.objects.filter(scheduled_on__gte=start, scheduled_on__lte=last).values(
            "series__manager_id"
        )
    )
    if not viewer.is_hr_admin:
        managers = managers.filter(department_id__in=viewer.hrbp_department_ids)
    for word in words(q):
        managers = managers.filter(person_matches(word) | Q(employee_number__iexact=word))
    planned = Count("one_on_ones_led__meetings", filter=in_range)
    held = Count("one_on_ones_led__meetings", filter=in_range & Q(**{status: MeetingStatus.HELD}))
    cancelled = Count(
        "one_on_ones_led__meetings", filter=in_range & Q(**{status: MeetingStatus.CANCELLED})
    )
    return (
        managers.select_related("department")
        .annotate(planned=planned, held=held, cancelled=cancelled)
        .annotate(
            rate=Cast(F("held"), FloatField())
            / NullIf(Cast(F("planned"), FloatField()), Value(0.0))
        )
        .order_by(F("rate").asc(nulls_last=True), "-planned", "last_name", "first_name", "pk")
    )


def adherence_percent(held: int, planned: int) -> int | None:
    """Held as a whole percentage of planned; None when nothing was planned."""
    return round(100 * held / planned) if planned else None
