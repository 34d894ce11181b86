"""1:1 services: who may start and end a series, recurring meeting
generation without duplicates, carry-over of unfinished agenda items,
shared notes with a version check, private notes and action items."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cadence.core.models import AuditEntry, Notification
from cadence.feedback import services_meetings as svc
from cadence.feedback.models import (
    ActionItem,
    AgendaItem,
    Frequency,
    Meeting,
    MeetingStatus,
    OneOnOneSeries,
    PrivateNote,
)
from cadence.feedback.services_meetings import meeting_days, planning_horizon
from cadence.feedback.tasks_meetings import plan_meetings
from cadence.people.models import Employee
from tests.conftest import Org, fresh
from tests.feedback.meeting_support import SECRET, make_series, next_meeting, u

D = dt.date


# --- the schedule ----------------------------------------------------------------------------


def test_weekly_and_fortnightly_days() -> None:
    start = D(2025, 1, 6)
    assert meeting_days(Frequency.WEEKLY, start, start, D(2025, 1, 27)) == [
        D(2025, 1, 6),
        D(2025, 1, 13),
        D(2025, 1, 20),
        D(2025, 1, 27),
    ]
    # From a day between two meetings: the next one on the schedule.
    assert meeting_days(Frequency.FORTNIGHTLY, start, D(2025, 1, 7), D(2025, 2, 17)) == [
        D(2025, 1, 20),
        D(2025, 2, 3),
        D(2025, 2, 17),
    ]
    assert meeting_days(Frequency.WEEKLY, start, D(2025, 2, 1), D(2025, 1, 31)) == []


def test_monthly_keeps_its_day_and_clamps_to_month_end() -> None:
    start = D(2024, 1, 31)
    assert meeting_days(Frequency.MONTHLY, start, start, D(2024, 5, 31)) == [
        D(2024, 1, 31),
        D(2024, 2, 29),  # leap year
        D(2024, 3, 31),  # back to the 31st, not stuck on the 29th
        D(2024, 4, 30),
        D(2024, 5, 31),
    ]
    assert meeting_days(Frequency.MONTHLY, start, D(2024, 3, 1), D(2024, 4, 30)) == [
        D(2024, 3, 31),
        D(2024, 4, 30),
    ]
    assert meeting_days(Frequency.MONTHLY, D(2024, 11, 15), D(2024, 12, 16), D(2025, 2, 15)) == [
        D(2025, 1, 15),
        D(2025, 2, 15),
    ]


# --- starting and ending a series ----------------------------------------------------------------


def test_manager_starts_a_series_and_meetings_are_generated_ahead(org: Org) -> None:
    today = timezone.localdate()
    series = svc.start_series(
        actor=u(org.manager), report=org.peer, frequency=Frequency.WEEKLY, starts_on=today
    )
    days = list(series.meetings.values_list("scheduled_on", flat=True))
    assert days == meeting_days(Frequency.WEEKLY, today, today, planning_horizon(today))
    assert len(days) == svc.HORIZON_DAYS // 7 + 1
    series.refresh_from_db()
    assert series.generated_through == planning_horizon(today)
    assert AuditEntry.objects.filter(action="one_on_one.start", object_id=str(series.pk)).exists()


def test_skip_level_manager_may_start_a_series(org: Org) -> None:
    series = svc.start_series(
        actor=u(org.manager),
        report=org.employee,
        frequency=Frequency.MONTHLY,
        starts_on=timezone.localdate(),
    )
    assert (series.manager_id, series.report_id) == (org.manager.pk, org.employee.pk)


@pytest.mark.parametrize("who", ["peer", "other_manager", "employee", "salesperson"])
def test_people_outside_the_chain_cannot_start_a_series(org: Org, who: str) -> None:
    with pytest.raises(PermissionDenied):
        svc.start_series(
            actor=u(getattr(org, who)),
            report=org.lead,
            frequency=Frequency.WEEKLY,
            starts_on=timezone.localdate(),
        )


@pytest.mark.parametrize("who", ["auditor", "executive", "outsider"])
def test_non_hr_roles_cannot_start_a_series(org: Org, who: str) -> None:
    with pytest.raises((PermissionDenied, ValidationError)):
        svc.start_series(
            actor=getattr(org, who),
            report=org.lead,
            manager=org.manager,
            frequency=Frequency.WEEKLY,
            starts_on=timezone.localdate(),
        )
    assert not OneOnOneSeries.objects.exists()


def test_hr_sets_one_up_for_a_manager_in_the_chain_only(org: Org) -> None:
    today = timezone.localdate()
    series = svc.start_series(
        actor=org.hr_admin,
        manager=org.lead,
        report=org.employee,
        frequency=Frequency.FORTNIGHTLY,
        starts_on=today,
    )
    assert series.manager_id == org.lead.pk
    with pytest.raises(ValidationError) as error:
        svc.start_series(
            actor=org.hr_admin,
            manager=org.other_manager,
            report=org.peer,
            frequency=Frequency.WEEKLY,
            starts_on=today,
        )
    assert "does not report to" in str(error.value)
    # An HRBP only for the departments they look after (Engineering, not Sales).
    with pytest.raises(PermissionDenied):
        svc.start_series(
            actor=org.hrbp,
            manager=org.other_manager,
            report=org.salesperson,
            frequency=Frequency.WEEKLY,
            starts_on=today,
        )


def test_one_active_series_per_pair_with_a_clear_error(org: Org) -> None:
    today = timezone.localdate()
    first = svc.start_series(
        actor=u(org.manager), report=org.peer, frequency=Frequency.WEEKLY, starts_on=today
    )
    with pytest.raises(ValidationError) as error:
        svc.start_series(
            actor=u(org.manager), report=org.peer, frequency=Frequency.MONTHLY, starts_on=today
        )
    assert "already has a 1:1 series" in error.value.message_dict["report"][0]
    svc.end_series(actor=u(org.manager), series=first)
    again = svc.start_series(
        actor=u(org.manager), report=org.peer, frequency=Frequency.MONTHLY, starts_on=today
    )
    assert again.active


def test_start_rejects_past_start_and_leavers(org: Org) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        svc.start_series(
            actor=u(org.manager),
            report=org.peer,
            frequency=Frequency.WEEKLY,
            starts_on=today - dt.timedelta(days=1),
        )
    assert "starts_on" in error.value.message_dict
    with pytest.raises((ValidationError, PermissionDenied)):
        svc.start_series(
            actor=u(org.manager), report=org.former, frequency=Frequency.WEEKLY, starts_on=today
        )


def test_end_series_removes_empty_future_meetings_only(org: Org) -> None:
    today = timezone.localdate()
    series = svc.start_series(
        actor=u(org.manager), report=org.peer, frequency=Frequency.WEEKLY, starts_on=today
    )
    later = series.meetings.order_by("scheduled_on")[2]
    svc.add_agenda_item(actor=u(org.peer), meeting=later, text="Keep me")
    with pytest.raises(PermissionDenied):
        svc.end_series(actor=u(org.peer), series=series)
    svc.end_series(actor=u(org.manager), series=series)
    series.refresh_from_db()
    assert not series.active and series.ends_on == today
    remaining = set(series.meetings.values_list("pk", flat=True))
    assert later.pk in remaining
    assert len(remaining) == 2  # today's and the one with an agenda item
    assert plan_meetings.call(today.isoformat()) == 0  # an ended series gets no more


# --- generation without duplicates ---------------------------------------------------------


def _series(org: Org, frequency: str, starts_on: dt.date) -> OneOnOneSeries:
    return OneOnOneSeries.objects.create(
        manager=org.manager, report=org.peer, frequency=frequency, starts_on=starts_on
    )


def _no_duplicates() -> None:
    days = list(Meeting.objects.values_list("series_id", "scheduled_on"))
    assert len(days) == len(set(days))


@pytest.mark.parametrize("frequency", list(Frequency.values))
def test_generation_twice_and_with_overlapping_horizons(org: Org, frequency: str) -> None:
    start = D(2025, 1, 31)
    series = _series(org, frequency, start)
    first = svc.generate_meetings(today=D(2025, 2, 1))
    assert first == len(meeting_days(frequency, start, start, planning_horizon(D(2025, 2, 1))))
    assert svc.generate_meetings(today=D(2025, 2, 1)) == 0
    # A week later the horizon overlaps the last one: only the new days.
    later = D(2025, 2, 8)
    svc.generate_meetings(today=later)
    _no_duplicates()
    expected = meeting_days(frequency, start, start, planning_horizon(later))
    assert list(series.meetings.values_list("scheduled_on", flat=True)) == expected
    # A run for an earlier day afterwards neither duplicates nor moves back.
    assert svc.generate_meetings(today=D(2025, 2, 2)) == 0
    series.refresh_from_db()
    assert series.generated_through == planning_horizon(later)


def test_generation_is_safe_when_two_runs_overlap(org: Org) -> None:
    """Two workers that both read the series before either wrote: the second
    inserts the same days and the unique constraint keeps one of each."""
    start = D(2025, 3, 3)
    _series(org, Frequency.WEEKLY, start)
    batch = list(
        OneOnOneSeries.objects.values_list(
            "pk", "frequency", "starts_on", "ends_on", "generated_through"
        )
    )
    horizon = planning_horizon(start)
    created = svc._generate_batch(batch, horizon)
    # The stale copy still says nothing was generated; the existing-day check
    # is bypassed here to force the insert path a racing worker would take.
    Meeting.objects.filter(scheduled_on=start).delete()
    second = svc._generate_batch(batch, horizon)
    assert created == 9 and second == 1
    _no_duplicates()
    assert Meeting.objects.count() == 9


def test_ignore_conflicts_keeps_one_row_per_day(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even when the pre-check sees nothing (a racing insert committed just
    after it), the insert itself cannot double a day."""
    start = D(2025, 3, 3)
    series = _series(org, Frequency.WEEKLY, start)
    svc.generate_meetings(today=start)
    series.generated_through = None
    series.save()

    real_filter = Meeting.objects.filter

    def blind_filter(*args: object, **kwargs: object) -> object:
        if "series_id__in" in kwargs:
            return Meeting.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Meeting.objects, "filter", blind_filter)
    svc.generate_meetings(today=start)
    monkeypatch.undo()
    _no_duplicates()
    assert Meeting.objects.count() == 9


def test_generation_respects_the_end_date_and_inactive_series(org: Org) -> None:
    start = D(2025, 1, 6)
    ending = _series(org, Frequency.WEEKLY, start)
    ending.ends_on = D(2025, 1, 20)
    ending.save()
    stopped = OneOnOneSeries.objects.create(
        manager=org.lead,
        report=org.employee,
        frequency=Frequency.WEEKLY,
        starts_on=start,
        active=False,
    )
    svc.generate_meetings(today=start)
    assert ending.meetings.count() == 3
    assert not stopped.meetings.exists()


@pytest.mark.parametrize(("size", "budget"), [(5, 12), (60, 18)])
def test_plan_meetings_task_covers_every_active_series_in_bulk(
    org: Org, django_assert_max_num_queries: Any, size: int, budget: int
) -> None:
    """Bulk, not a loop per series: reads and the update are one query per
    2,000 series; only the inserts grow, because SQLite splits a bulk insert
    at its bound-variable limit (about 100 meetings per statement)."""
    today = timezone.localdate()
    reports = Employee.objects.bulk_create(
        Employee(
            employee_number=f"P{i:04d}",
            first_name="Report",
            last_name=str(i),
            email=f"plan{i}@example.com",
            department=org.engineering,
            manager=org.manager,
        )
        for i in range(size)
    )
    OneOnOneSeries.objects.bulk_create(
        OneOnOneSeries(manager=org.manager, report=r, frequency=Frequency.WEEKLY, starts_on=today)
        for r in reports
    )
    with django_assert_max_num_queries(budget):
        created = plan_meetings.call(today.isoformat())
    assert created == size * 9
    # Both people of each meeting today are told, once.
    assert Notification.objects.filter(kind="one_on_one.soon").count() == 2 * size
    assert plan_meetings.call(today.isoformat()) == 0
    assert Notification.objects.filter(kind="one_on_one.soon").count() == 2 * size
    _no_duplicates()


# --- meeting status and carry-over -------------------------------------------------------------


@pytest.fixture
def weekly(org: Org) -> OneOnOneSeries:
    return make_series(org.manager, org.peer, past_meetings=1, future_meetings=2)


def _meetings(series: OneOnOneSeries) -> list[Meeting]:
    return list(series.meetings.order_by("scheduled_on"))


def test_unfinished_items_carry_over_once(org: Org, weekly: OneOnOneSeries) -> None:
    last, upcoming, after = _meetings(weekly)
    Meeting.objects.filter(pk=last.pk).update(status=MeetingStatus.PLANNED)
    open_item = svc.add_agenda_item(actor=u(org.peer), meeting=last, text="Career plan")
    done_item = svc.add_agenda_item(actor=u(org.manager), meeting=last, text="Budget")
    svc.update_agenda_item(actor=u(org.peer), item=done_item, done=True)
    svc.add_agenda_item(actor=u(org.manager), meeting=upcoming, text="Already there")

    meeting = svc.set_meeting_status(actor=u(org.manager), meeting=last, status=MeetingStatus.HELD)
    assert meeting.status == MeetingStatus.HELD and meeting.held_at is not None
    carried = list(upcoming.agenda_items.order_by("position"))
    assert [i.text for i in carried] == ["Already there", "Career plan"]
    assert carried[1].carried_from_id == open_item.pk
    assert carried[1].author_id == org.peer.pk
    assert not after.agenda_items.exists()

    # Re-marking (held → planned → cancelled → held) never copies it again.
    for status in (MeetingStatus.PLANNED, MeetingStatus.CANCELLED, MeetingStatus.HELD):
        svc.set_meeting_status(actor=u(org.peer), meeting=last, status=status)
    assert upcoming.agenda_items.filter(text="Career plan").count() == 1
    assert AgendaItem.objects.filter(text="Career plan").count() == 2


def test_cancelled_meeting_carries_over_and_chains(org: Org, weekly: OneOnOneSeries) -> None:
    last, upcoming, after = _meetings(weekly)
    Meeting.objects.filter(pk=last.pk).update(status=MeetingStatus.PLANNED)
    first = svc.add_agenda_item(actor=u(org.peer), meeting=last, text="Promotion")
    svc.set_meeting_status(actor=u(org.peer), meeting=last, status=MeetingStatus.CANCELLED)
    moved = upcoming.agenda_items.get()
    assert moved.carried_from_id == first.pk
    # Held before its day is refused, so move "today" forward by holding the
    # later one via cancel: still unfinished, it travels on.
    svc.set_meeting_status(actor=u(org.peer), meeting=upcoming, status=MeetingStatus.CANCELLED)
    assert after.agenda_items.get().carried_from_id == moved.pk


def test_no_next_meeting_means_nothing_carried(org: Org) -> None:
    series = make_series(org.manager, org.peer, past_meetings=1, future_meetings=0)
    (only,) = _meetings(series)
    AgendaItem.objects.create(meeting=only, author=org.peer, text="Left open")
    Meeting.objects.filter(pk=only.pk).update(status=MeetingStatus.PLANNED)
    meeting = svc.set_meeting_status(actor=u(org.peer), meeting=only, status=MeetingStatus.HELD)
    assert meeting.carried_count == 0  # type: ignore[attr-defined]
    assert AgendaItem.objects.count() == 1


def test_a_future_meeting_cannot_be_held(org: Org, weekly: OneOnOneSeries) -> None:
    after = _meetings(weekly)[2]
    with pytest.raises(ValidationError):
        svc.set_meeting_status(actor=u(org.peer), meeting=after, status=MeetingStatus.HELD)


@pytest.mark.parametrize("who", ["lead", "ceo", "other_manager"])
def test_only_the_two_people_change_a_meeting(org: Org, weekly: OneOnOneSeries, who: str) -> None:
    meeting = next_meeting(weekly)
    user = u(getattr(org, who))
    with pytest.raises(PermissionDenied):
        svc.set_meeting_status(actor=user, meeting=meeting, status=MeetingStatus.CANCELLED)
    with pytest.raises(PermissionDenied):
        svc.add_agenda_item(actor=user, meeting=meeting, text="Nosy")
    with pytest.raises(PermissionDenied):
        svc.save_private_note(actor=user, meeting=meeting, body="x")
    with pytest.raises(PermissionDenied):
        svc.update_shared_notes(actor=user, meeting=meeting, shared_notes="x", expected_version=1)


def test_hr_admin_cannot_write_in_a_one_on_one(org: Org, weekly: OneOnOneSeries) -> None:
    meeting = next_meeting(weekly)
    with pytest.raises(PermissionDenied):
        svc.add_agenda_item(actor=org.hr_admin, meeting=meeting, text="HR was here")
    with pytest.raises(PermissionDenied):
        svc.save_private_note(actor=org.hr_admin, meeting=meeting, body="x")


# --- agenda --------------------------------------------------------------------------------------


def test_agenda_rewording_and_removal_are_the_authors(org: Org, weekly: OneOnOneSeries) -> None:
    meeting = next_meeting(weekly)
    item = svc.add_agenda_item(actor=u(org.peer), meeting=meeting, text="  Workload  ")
    assert item.text == "Workload"
    with pytest.raises(PermissionDenied):
        svc.update_agenda_item(actor=u(org.manager), item=item, text="Something else")
    svc.update_agenda_item(actor=u(org.manager), item=item, done=True)  # either may tick it
    svc.update_agenda_item(actor=u(org.peer), item=item, text="Workload in Q3")
    item.refresh_from_db()
    assert (item.text, item.done) == ("Workload in Q3", True)
    with pytest.raises(PermissionDenied):
        svc.delete_agenda_item(actor=u(org.manager), item=item)
    svc.delete_agenda_item(actor=u(org.peer), item=item)
    assert not AgendaItem.objects.exists()
    with pytest.raises(ValidationError):
        svc.add_agenda_item(actor=u(org.peer), meeting=meeting, text="   ")


def test_agenda_reorder(org: Org, weekly: OneOnOneSeries) -> None:
    meeting = next_meeting(weekly)
    a, b, c = (
        svc.add_agenda_item(actor=u(org.peer), meeting=meeting, text=t) for t in ("A", "B", "C")
    )
    svc.move_agenda_item(actor=u(org.manager), item=c, up=True)
    svc.move_agenda_item(actor=u(org.manager), item=a, up=True)  # already first: no change
    order = list(meeting.agenda_items.order_by("position").values_list("text", flat=True))
    assert order == ["A", "C", "B"]
    assert b.pk


# --- shared notes --------------------------------------------------------------------------------


def test_shared_notes_version_check(org: Org, weekly: OneOnOneSeries) -> None:
    meeting = next_meeting(weekly)
    saved = svc.update_shared_notes(
        actor=u(org.manager), meeting=meeting, shared_notes="Agreed: X", expected_version=1
    )
    assert saved.version == 2
    with pytest.raises(ValidationError) as error:
        svc.update_shared_notes(
            actor=u(org.peer), meeting=meeting, shared_notes="Mine", expected_version=1
        )
    assert "changed by someone else" in error.value.message_dict["version"][0]
    meeting.refresh_from_db()
    assert meeting.shared_notes == "Agreed: X"


# --- private notes: their author's alone, and not in the audit trail ------------------------------


def test_private_note_is_one_per_person_and_never_audited_as_text(
    org: Org, weekly: OneOnOneSeries
) -> None:
    meeting = next_meeting(weekly)
    mine = svc.save_private_note(actor=u(org.manager), meeting=meeting, body=SECRET)
    again = svc.save_private_note(actor=u(org.manager), meeting=meeting, body=SECRET + " more")
    theirs = svc.save_private_note(actor=u(org.peer), meeting=meeting, body="peer's own")
    assert mine.pk == again.pk != theirs.pk
    assert list(PrivateNote.objects.visible_to(fresh(u(org.peer)))) == [theirs]
    assert list(PrivateNote.objects.visible_to(fresh(org.hr_admin))) == []
    rows = AuditEntry.objects.filter(action="one_on_one.private_note")
    assert rows.count() == 3
    for row in rows:
        assert SECRET not in str(row.before) + str(row.after) + row.object_label
        assert "peer's own" not in str(row.after)


def test_no_one_on_one_text_in_any_audit_row(org: Org, weekly: OneOnOneSeries) -> None:
    meeting = next_meeting(weekly)
    item = svc.add_agenda_item(actor=u(org.peer), meeting=meeting, text=SECRET)
    svc.update_agenda_item(actor=u(org.peer), item=item, text=SECRET + "2", done=True)
    svc.update_shared_notes(
        actor=u(org.peer), meeting=meeting, shared_notes=SECRET, expected_version=1
    )
    action = svc.add_action_item(actor=u(org.peer), meeting=meeting, owner=org.manager, text=SECRET)
    svc.update_action_item(actor=u(org.peer), item=action, text=SECRET + "3", done=True)
    svc.save_private_note(actor=u(org.peer), meeting=meeting, body=SECRET)
    assert AuditEntry.objects.count() >= 6
    for row in AuditEntry.objects.all():
        assert SECRET not in f"{row.before}{row.after}{row.object_label}"


# --- action items --------------------------------------------------------------------------------


def test_action_items_owner_is_one_of_the_two(org: Org, weekly: OneOnOneSeries) -> None:
    meeting = next_meeting(weekly)
    due = timezone.localdate() + dt.timedelta(days=5)
    item = svc.add_action_item(
        actor=u(org.manager), meeting=meeting, owner=org.peer, text="Draft plan", due_on=due
    )
    assert (item.owner_id, item.due_on, item.created_by_id) == (
        org.peer.pk,
        due,
        u(org.manager).pk,
    )
    with pytest.raises(ValidationError) as error:
        svc.add_action_item(actor=u(org.manager), meeting=meeting, owner=org.lead, text="No")
    assert "owner" in error.value.message_dict
    done = svc.update_action_item(actor=u(org.peer), item=item, done=True)
    assert done.done_at is not None
    reopened = svc.update_action_item(actor=u(org.manager), item=item, done=False, due_on=None)
    assert reopened.done_at is None and reopened.due_on is None
    with pytest.raises(PermissionDenied):
        svc.update_action_item(actor=u(org.lead), item=item, done=True)
    with pytest.raises(ValidationError):
        svc.update_action_item(actor=u(org.peer), item=item, meeting=meeting)
    assert ActionItem.objects.count() == 1
