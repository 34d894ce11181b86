"""1:1 writes: setting up and ending a series, generating its meetings
ahead, holding or cancelling a meeting (which carries unfinished agenda
items to the next one), the agenda, shared notes (with a version check),
private notes and action items.

Writes follow the house pattern: keyword-only, the actor first, one
transaction, the audit row inside it. A 1:1's content belongs to its two
people only (`access_meetings`), and the audit trail is read by HR admins and
auditors, so audit rows here never carry free text (agenda, notes, action
items): only ids, dates, statuses and the fact that a text changed. Agenda
and action item rows are recorded against their meeting, because an item's
own label (its `__str__`) is its text.

Meeting generation is idempotent: `uniq_meeting_day` (series, day) plus
`bulk_create(ignore_conflicts=True)` mean that running it twice, with
overlapping horizons, or in two workers at once never makes a duplicate;
`generated_through` only saves the daily run from recomputing old days."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.feedback.models import (
    ActionItem,
    AgendaItem,
    Frequency,
    Meeting,
    MeetingStatus,
    OneOnOneSeries,
    PrivateNote,
)
from cadence.people.models import Employee, EmploymentStatus

# How far ahead meetings exist: far enough to add agenda items to the next
# few, near enough that a changed frequency does not leave months of rows.
HORIZON_DAYS = 56
# Series handled per batch by the daily run (one read, one insert, one update).
GENERATION_CHUNK = 2000
TEXT_MAX = AgendaItem._meta.get_field("text").max_length or 500
STALE_MESSAGE = "These notes were changed by someone else. Reload them and try again."
NOT_PARTICIPANT = "Only the two people in this 1:1 may change it."
STEP_DAYS = {Frequency.WEEKLY: 7, Frequency.FORTNIGHTLY: 14}


# --- the schedule --------------------------------------------------------------------------


def planning_horizon(today: dt.date) -> dt.date:
    """The last day meetings are generated up to on `today`."""
    return today + dt.timedelta(days=HORIZON_DAYS)


def _add_months(start: dt.date, months: int) -> dt.date:
    """`start` moved by `months`, on the same day of the month, clamped to
    the month's end (31 Jan → 28/29 Feb → 31 Mar: always from `start`)."""
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(start.day, last))


def meeting_days(
    frequency: str, starts_on: dt.date, from_day: dt.date, through: dt.date
) -> list[dt.date]:
    """The days of a series' schedule between `from_day` and `through`
    (both included). Weekly and fortnightly count whole weeks from
    `starts_on`; monthly keeps its day of the month, clamped to month end.
    Computed from `starts_on` directly, so old series cost nothing extra."""
    start = max(from_day, starts_on)
    if start > through:
        return []
    days: list[dt.date] = []
    if frequency == Frequency.MONTHLY:
        k = max(0, (start.year - starts_on.year) * 12 + start.month - starts_on.month - 1)
        day = _add_months(starts_on, k)
        while day <= through:
            if day >= start:
                days.append(day)
            k += 1
            day = _add_months(starts_on, k)
        return days
    step = STEP_DAYS.get(Frequency(frequency))
    if step is None:  # pragma: no cover - the choices are closed
        raise ValueError(f"Unknown frequency {frequency!r}")
    k = -(-(start - starts_on).days // step)  # ceiling division
    day = starts_on + dt.timedelta(days=k * step)
    while day <= through:
        days.append(day)
        day += dt.timedelta(days=step)
    return days


def generate_meetings(*, today: dt.date, series_ids: list[int] | None = None) -> int:
    """Create the meetings of every active series (or just `series_ids`) up
    to the planning horizon. Bulk: per batch of series one read, one insert
    and one update, whatever their number. Returns how many were new (an
    estimate when two runs race; the rows themselves are never doubled)."""
    horizon = planning_horizon(today)
    pending = (
        OneOnOneSeries.objects.filter(active=True)
        .filter(Q(generated_through__isnull=True) | Q(generated_through__lt=horizon))
        .order_by("pk")
    )
    if series_ids is not None:
        pending = pending.filter(pk__in=series_ids)
    created = 0
    last_pk = 0
    while True:
        # Keyset batches, not a server-side cursor: we write between reads.
        batch = list(
            pending.filter(pk__gt=last_pk).values_list(
                "pk", "frequency", "starts_on", "ends_on", "generated_through"
            )[:GENERATION_CHUNK]
        )
        if not batch:
            return created
        last_pk = batch[-1][0]
        created += _generate_batch(batch, horizon)


def _generate_batch(batch: list[tuple[Any, ...]], horizon: dt.date) -> int:
    wanted: list[tuple[int, dt.date]] = []
    for pk, frequency, starts_on, ends_on, through in batch:
        first = through + dt.timedelta(days=1) if through else starts_on
        last = min(horizon, ends_on) if ends_on else horizon
        wanted.extend((pk, day) for day in meeting_days(frequency, starts_on, first, last))
    ids = [row[0] for row in batch]
    with transaction.atomic():
        if wanted:
            earliest = min(day for _, day in wanted)
            existing = set(
                Meeting.objects.filter(series_id__in=ids, scheduled_on__gte=earliest).values_list(
                    "series_id", "scheduled_on"
                )
            )
            fresh = [pair for pair in wanted if pair not in existing]
            # ignore_conflicts: another run may have inserted the same day
            # since we looked; the unique constraint keeps one.
            Meeting.objects.bulk_create(
                [Meeting(series_id=pk, scheduled_on=day) for pk, day in fresh],
                batch_size=1000,
                ignore_conflicts=True,
            )
        else:
            fresh = []
        # Never moves backwards when a run for an earlier day comes last.
        OneOnOneSeries.objects.filter(pk__in=ids).filter(
            Q(generated_through__isnull=True) | Q(generated_through__lt=horizon)
        ).update(generated_through=horizon)
    return len(fresh)


# --- who may do what -----------------------------------------------------------------------


def participant_id(user: User, series: OneOnOneSeries) -> int:
    """The actor's employee id when they are one of the two people in the
    series; PermissionDenied otherwise (HR included)."""
    me = viewer_for(user).employee_id
    if me is None or me not in (series.manager_id, series.report_id):
        raise PermissionDenied(NOT_PARTICIPANT)
    return me


def is_participant(user: User, series: OneOnOneSeries) -> bool:
    me = viewer_for(user).employee_id
    return me is not None and me in (series.manager_id, series.report_id)


def _hr_for(user: User, employee: Employee) -> bool:
    viewer = viewer_for(user)
    return viewer.is_hr_admin or employee.department_id in viewer.hrbp_department_ids


def can_set_up_for(user: User, report: Employee) -> bool:
    """A manager anywhere above the report (skip-level 1:1s are allowed);
    or HR (admin, or the HRBP for the report's department) on a manager's
    behalf."""
    viewer = viewer_for(user)
    return viewer.manages(report.reporting_path, report.pk) or _hr_for(user, report)


def can_end(user: User, series: OneOnOneSeries) -> bool:
    """The series' manager, or HR for the report (it sets series up too)."""
    viewer = viewer_for(user)
    return viewer.employee_id == series.manager_id or _hr_for(user, series.report)


# --- series ----------------------------------------------------------------------------------


@transaction.atomic
def start_series(
    *,
    actor: User,
    report: Employee,
    frequency: str,
    starts_on: dt.date,
    manager: Employee | None = None,
    today: dt.date | None = None,
) -> OneOnOneSeries:
    """Start a recurring 1:1 between `manager` (default: the actor) and
    `report`, and generate its meetings ahead. The manager must be above the
    report in the reporting tree; one active series per pair."""
    today = today or timezone.localdate()
    viewer = viewer_for(actor)
    if manager is None:
        if viewer.employee_id is None:
            raise ValidationError({"manager": "Choose the manager who will run this 1:1."})
        manager = Employee.objects.get(pk=viewer.employee_id)
    acting_for_self = manager.pk == viewer.employee_id
    if not (acting_for_self and can_set_up_for(actor, report)) and not _hr_for(actor, report):
        raise PermissionDenied
    if manager.pk == report.pk:
        raise ValidationError({"report": "A 1:1 needs two different people."})
    if manager.pk not in report.manager_chain_ids:
        raise ValidationError({"report": f"{report} does not report to {manager}."})
    for person, field in ((report, "report"), (manager, "manager")):
        if person.status == EmploymentStatus.TERMINATED:
            raise ValidationError({field: f"{person} has left the organisation."})
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": "Choose weekly, every two weeks or monthly."})
    if starts_on < today:
        raise ValidationError({"starts_on": "The first meeting cannot be in the past."})
    if starts_on > today + dt.timedelta(days=366):
        raise ValidationError({"starts_on": "The first meeting must be within a year."})
    duplicate = ValidationError(
        {"report": f"{manager} already has a 1:1 series with {report}. End it first."}
    )
    if OneOnOneSeries.objects.filter(manager=manager, report=report, active=True).exists():
        raise duplicate
    try:
        with transaction.atomic():  # a concurrent start: the constraint decides
            series = OneOnOneSeries.objects.create(
                manager=manager,
                report=report,
                frequency=frequency,
                starts_on=starts_on,
                created_by=actor,
            )
    except IntegrityError:
        raise duplicate from None
    generated = generate_meetings(today=today, series_ids=[series.pk])
    audit.record(
        actor,
        "one_on_one.start",
        series,
        after={
            **audit.snapshot(series, ("manager", "report", "frequency", "starts_on")),
            "meetings_generated": generated,
        },
    )
    return series


def _is_empty(meeting_ids: Any) -> Q:
    return Q(
        pk__in=meeting_ids,
        shared_notes="",
        agenda_items__isnull=True,
        action_items__isnull=True,
        private_notes__isnull=True,
    )


@transaction.atomic
def end_series(
    *, actor: User, series: OneOnOneSeries, today: dt.date | None = None
) -> OneOnOneSeries:
    """Stop a series: no more meetings are generated, and the planned ones
    after today that nobody has written anything in are removed."""
    today = today or timezone.localdate()
    series = OneOnOneSeries.objects.select_for_update(of=("self",)).get(pk=series.pk)
    if not can_end(actor, series):
        raise PermissionDenied
    if not series.active:
        raise ValidationError({"active": "This 1:1 series has already ended."})
    future = Meeting.objects.filter(
        series=series, status=MeetingStatus.PLANNED, scheduled_on__gt=today
    ).values("pk")
    empty = list(Meeting.objects.filter(_is_empty(future)).values_list("pk", flat=True))
    Meeting.objects.filter(pk__in=empty).delete()
    series.active = False
    series.ends_on = today
    series.version += 1
    series.save(update_fields=["active", "ends_on", "version"])
    audit.record(
        actor,
        "one_on_one.end",
        series,
        before={"active": True},
        after={"active": False, "ends_on": today, "planned_meetings_removed": len(empty)},
    )
    return series


# --- meetings: status and carry-over ---------------------------------------------------------


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",)).select_related("series").get(pk=meeting.pk)
    )


def carry_over(meeting: Meeting) -> int:
    """Copy `meeting`'s unfinished agenda items to the series' next planned
    meeting, as new rows pointing back through `carried_from`. An item is
    carried once (`carried_from` is one-to-one): re-marking carries nothing
    again. Returns how many were carried (0 when there is no next meeting)."""
    target = (
        Meeting.objects.filter(
            series_id=meeting.series_id,
            scheduled_on__gt=meeting.scheduled_on,
            status=MeetingStatus.PLANNED,
        )
        .order_by("scheduled_on")
        .first()
    )
    if target is None:
        return 0
    items = list(
        meeting.agenda_items.filter(done=False, carried_to__isnull=True).order_by("position", "id")
    )
    if not items:
        return 0
    top = target.agenda_items.aggregate(top=Max("position"))["top"]
    start = 0 if top is None else top + 1
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=target,
            author_id=item.author_id,
            text=item.text,
            carried_from=item,
            position=start + n,
        )
        for n, item in enumerate(items)
    )
    return len(items)


@transaction.atomic
def set_meeting_status(*, actor: User, meeting: Meeting, status: str) -> Meeting:
    """Mark a meeting held or cancelled (or planned again). Held or
    cancelled carries its unfinished agenda items to the next meeting."""
    meeting = _locked(meeting)
    participant_id(actor, meeting.series)
    if status not in MeetingStatus.values:
        raise ValidationError({"status": "Choose planned, held or cancelled."})
    if status == meeting.status:
        return meeting
    if status == MeetingStatus.HELD and meeting.scheduled_on > timezone.localdate():
        raise ValidationError({"status": "A meeting cannot be held before its day."})
    before = {"status": meeting.status}
    meeting.status = status
    meeting.held_at = timezone.now() if status == MeetingStatus.HELD else None
    meeting.version += 1
    meeting.save(update_fields=["status", "held_at", "version", "updated_at"])
    carried = 0 if status == MeetingStatus.PLANNED else carry_over(meeting)
    audit.record(
        actor,
        "one_on_one.meeting_status",
        meeting,
        before=before,
        after={"status": status, "agenda_items_carried": carried},
    )
    meeting.carried_count = carried  # type: ignore[attr-defined]
    return meeting


@transaction.atomic
def update_shared_notes(
    *, actor: User, meeting: Meeting, shared_notes: str, expected_version: int | None
) -> Meeting:
    """Replace the meeting's shared notes. Send the version read: when the
    other person saved in between, the save is refused (nothing lost)."""
    meeting = _locked(meeting)
    participant_id(actor, meeting.series)
    if expected_version is not None and expected_version != meeting.version:
        raise ValidationError({"version": STALE_MESSAGE})
    if shared_notes == meeting.shared_notes:
        return meeting
    meeting.shared_notes = shared_notes
    meeting.version += 1
    meeting.save(update_fields=["shared_notes", "version", "updated_at"])
    # Only that it changed: the notes are the two people's, not the log's.
    audit.record(
        actor,
        "one_on_one.shared_notes",
        meeting,
        before={"version": meeting.version - 1},
        after={"version": meeting.version, "shared_notes": "changed"},
    )
    return meeting


@transaction.atomic
def save_private_note(*, actor: User, meeting: Meeting, body: str) -> PrivateNote:
    """The actor's own private notes on a meeting (one per person). Nobody
    else ever reads them; the audit row records only that they changed."""
    participant_id(actor, meeting.series)
    note, created = PrivateNote.objects.select_for_update().get_or_create(
        meeting=meeting, author=actor, defaults={"body": body}
    )
    if not created:
        if note.body == body:
            return note
        note.body = body
        note.save(update_fields=["body", "updated_at"])
    audit.record(actor, "one_on_one.private_note", note, after={"private_note": "changed"})
    return note


# --- agenda ----------------------------------------------------------------------------------


def _clean_text(text: str, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: "Write something first."})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: f"Keep it to {TEXT_MAX} characters."})
    return text


@transaction.atomic
def add_agenda_item(*, actor: User, meeting: Meeting, text: str) -> AgendaItem:
    """Either person adds a topic, at the end of the agenda."""
    meeting = _locked(meeting)
    author_id = participant_id(actor, meeting.series)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"text": "This meeting was cancelled: add it to the next one."})
    top = meeting.agenda_items.aggregate(top=Max("position"))["top"]
    item = AgendaItem.objects.create(
        meeting=meeting,
        author_id=author_id,
        text=_clean_text(text),
        position=0 if top is None else top + 1,
    )
    audit.record(actor, "one_on_one.agenda_add", meeting, after={"agenda_item": item.pk})
    return item


@transaction.atomic
def update_agenda_item(
    *, actor: User, item: AgendaItem, text: str | None = None, done: bool | None = None
) -> AgendaItem:
    """Either person ticks an item done (or not); its author rewords it."""
    item = AgendaItem.objects.select_related("meeting__series").get(pk=item.pk)
    me = participant_id(actor, item.meeting.series)
    after: dict[str, Any] = {}
    if text is not None:
        cleaned = _clean_text(text)
        if cleaned != item.text:
            if item.author_id != me:
                raise PermissionDenied("Only the person who added an item may reword it.")
            item.text = cleaned
            after["text"] = "changed"
    if done is not None and done != item.done:
        item.done = done
        after["done"] = done
    if after:
        item.save(update_fields=["text", "done"])
        audit.record(
            actor, "one_on_one.agenda_update", item.meeting, after={"agenda_item": item.pk, **after}
        )
    return item


@transaction.atomic
def delete_agenda_item(*, actor: User, item: AgendaItem) -> None:
    """Its author removes an item."""
    item = AgendaItem.objects.select_related("meeting__series").get(pk=item.pk)
    if participant_id(actor, item.meeting.series) != item.author_id:
        raise PermissionDenied("Only the person who added an item may remove it.")
    audit.record(actor, "one_on_one.agenda_delete", item.meeting, before={"agenda_item": item.pk})
    item.delete()


@transaction.atomic
def move_agenda_item(*, actor: User, item: AgendaItem, up: bool) -> None:
    """Swap an item with its neighbour above (or below)."""
    meeting = _locked(item.meeting)
    participant_id(actor, meeting.series)
    items = list(meeting.agenda_items.order_by("position", "id"))
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    if index is None:
        raise ValidationError({"item": "That item is not on this agenda."})
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        each.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    audit.record(
        actor, "one_on_one.agenda_move", meeting, after={"agenda_item": item.pk, "position": other}
    )


# --- action items ----------------------------------------------------------------------------

ACTION_FIELDS = ("text", "owner", "due_on", "done")


def _check_owner(series: OneOnOneSeries, owner: Employee) -> None:
    if owner.pk not in (series.manager_id, series.report_id):
        raise ValidationError({"owner": "The owner must be one of the two people in this 1:1."})


@transaction.atomic
def add_action_item(
    *,
    actor: User,
    meeting: Meeting,
    owner: Employee,
    text: str,
    due_on: dt.date | None = None,
) -> ActionItem:
    """Something to do, owned by one of the two people, with a due date."""
    meeting = _locked(meeting)
    participant_id(actor, meeting.series)
    _check_owner(meeting.series, owner)
    item = ActionItem.objects.create(
        meeting=meeting, owner=owner, text=_clean_text(text), due_on=due_on, created_by=actor
    )
    audit.record(
        actor,
        "one_on_one.action_add",
        meeting,
        after={"action_item": item.pk, "owner": owner.pk, "due_on": due_on},
    )
    return item


@transaction.atomic
def update_action_item(*, actor: User, item: ActionItem, **changes: Any) -> ActionItem:
    """Change an action item's text, owner or due date, or mark it done
    (`done=True`) or open again. Either person may."""
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in sorted(unknown)})
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("meeting__series")
        .get(pk=item.pk)
    )
    participant_id(actor, item.meeting.series)
    before: dict[str, Any] = {
        "owner": item.owner_id,
        "due_on": item.due_on,
        "done": item.done_at is not None,
    }
    if "text" in changes and changes["text"] is not None:
        cleaned = _clean_text(changes["text"])
        if cleaned != item.text:
            item.text = cleaned
            before["text"] = ""
    if changes.get("owner") is not None:
        _check_owner(item.meeting.series, changes["owner"])
        item.owner = changes["owner"]
    if "due_on" in changes:
        item.due_on = changes["due_on"]
    if changes.get("done") is not None and changes["done"] != (item.done_at is not None):
        item.done_at = timezone.now() if changes["done"] else None
    after: dict[str, Any] = {
        "owner": item.owner_id,
        "due_on": item.due_on,
        "done": item.done_at is not None,
    }
    if "text" in before:
        after["text"] = "changed"
    old, new = audit.changed(before, after)
    if new:
        item.save()
        audit.record(
            actor,
            "one_on_one.action_update",
            item.meeting,
            before=old,
            after={"action_item": item.pk, **new},
        )
    return item
