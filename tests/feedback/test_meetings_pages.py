"""The 1:1 pages: who sees what, the meeting page's forms, carry-over from
the page, the shared notes conflict, private notes hidden from everyone
else (HR admin included), adherence for HR only with a counts-only CSV,
and fixed query budgets at two sizes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadence.core.models import AuditEntry, User
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
from tests.conftest import Org
from tests.feedback.meeting_support import (
    SECRET,
    fill,
    make_series,
    next_meeting,
    person,
    streamed,
    u,
)


def _client(who: Any) -> Client:
    user: User = who if isinstance(who, User) else who.user
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def series(org: Org) -> OneOnOneSeries:
    return make_series(org.manager, org.peer, past_meetings=2, future_meetings=3)


# --- visibility --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "peer"])
def test_both_people_open_the_meeting_page(org: Org, series: OneOnOneSeries, who: str) -> None:
    meeting = next_meeting(series)
    resp = _client(getattr(org, who)).get(reverse("feedback:meeting", args=[meeting.pk]))
    assert resp.status_code == 200
    assert b"Only you can see this." in resp.content


@pytest.mark.parametrize(
    "who", ["ceo", "lead", "employee", "other_manager", "hr_admin", "hrbp", "auditor", "outsider"]
)
def test_nobody_else_opens_a_one_on_one(org: Org, series: OneOnOneSeries, who: str) -> None:
    meeting = next_meeting(series)
    client = _client(getattr(org, who))
    assert client.get(reverse("feedback:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("feedback:series", args=[series.pk])).status_code == 404
    resp = client.post(reverse("feedback:agenda_add", args=[meeting.pk]), {"text": "x"})
    assert resp.status_code == 404
    assert not AgendaItem.objects.exists()
    listing = client.get(reverse("feedback:one_on_ones"))
    assert listing.status_code == 200
    assert f'data-series="{series.pk}"'.encode() not in listing.content


def test_my_series_list_shows_both_roles(org: Org, series: OneOnOneSeries) -> None:
    mine = make_series(org.ceo, org.manager, future_meetings=1)
    fill(next_meeting(series), 2)
    resp = _client(org.manager).get(reverse("feedback:one_on_ones"))
    content = resp.content.decode()
    assert f'data-series="{series.pk}"' in content and f'data-series="{mine.pk}"' in content
    assert "Pat Peer" in content and "Cora Chief" in content
    assert resp.context["my_actions_count"] == 1  # fill gives the manager every other one


# --- private notes: the author's alone ---------------------------------------------------------


def test_private_note_is_never_shown_to_anyone_else(org: Org, series: OneOnOneSeries) -> None:
    meeting = next_meeting(series)
    resp = _client(org.manager).post(
        reverse("feedback:meeting_private_note", args=[meeting.pk]), {"body": SECRET}
    )
    assert resp.status_code == 302
    assert PrivateNote.objects.get().body == SECRET
    url = reverse("feedback:meeting", args=[meeting.pk])
    assert SECRET.encode() in _client(org.manager).get(url).content
    assert SECRET.encode() not in _client(org.peer).get(url).content
    # HR admin and the auditor: not the page, not the audit log, not its export.
    for who in (org.hr_admin, org.auditor):
        client = _client(who)
        assert client.get(url).status_code == 404
        for log in ("audit_log", "access_log"):
            page = client.get(reverse(log))
            assert page.status_code == 200
            assert SECRET.encode() not in page.content
        export = client.get(reverse("audit_log"), {"format": "csv"})
        text = streamed(export).decode()
        assert "one_on_one.private_note" in text  # the row is there: only that it changed
        assert SECRET not in text
    assert AuditEntry.objects.filter(action="one_on_one.private_note").count() == 1


# --- the meeting page's writes ------------------------------------------------------------------


def test_agenda_add_done_and_carry_over_from_the_page(org: Org, series: OneOnOneSeries) -> None:
    today = timezone.localdate()
    meeting = Meeting.objects.get(series=series, scheduled_on=today)
    client = _client(org.peer)
    client.post(reverse("feedback:agenda_add", args=[meeting.pk]), {"text": "Growth"})
    client.post(reverse("feedback:agenda_add", args=[meeting.pk]), {"text": "Holidays"})
    holidays = AgendaItem.objects.get(text="Holidays")
    _client(org.manager).post(
        reverse("feedback:agenda_item", args=[holidays.pk]), {"action": "done"}
    )
    resp = _client(org.manager).post(
        reverse("feedback:meeting_status", args=[meeting.pk]), {"status": "held"}, follow=True
    )
    assert b"1 unfinished agenda item moved to the next 1:1." in resp.content
    following = Meeting.objects.get(series=series, scheduled_on=today + dt.timedelta(days=7))
    assert list(following.agenda_items.values_list("text", flat=True)) == ["Growth"]
    page = _client(org.peer).get(reverse("feedback:meeting", args=[following.pk]))
    assert b"carried over from" in page.content


def test_blank_agenda_item_is_a_form_error(org: Org, series: OneOnOneSeries) -> None:
    meeting = next_meeting(series)
    resp = _client(org.peer).post(reverse("feedback:agenda_add", args=[meeting.pk]), {"text": ""})
    assert resp.status_code == 400
    assert not AgendaItem.objects.exists()


def test_shared_notes_conflict_says_changed_by_someone_else(
    org: Org, series: OneOnOneSeries
) -> None:
    meeting = next_meeting(series)
    url = reverse("feedback:meeting_notes", args=[meeting.pk])
    ok = _client(org.manager).post(url, {"shared_notes": "Mine", "version": 1})
    assert ok.status_code == 302
    stale = _client(org.peer).post(url, {"shared_notes": "Theirs", "version": 1})
    assert stale.status_code == 400
    assert b"changed by someone else" in stale.content
    autosave = _client(org.peer).post(
        url, {"shared_notes": "Theirs", "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert b"changed by someone else" in autosave.content
    fresh_save = _client(org.peer).post(
        url, {"shared_notes": "Both", "version": 2}, HTTP_HX_REQUEST="true"
    )
    assert b"Saved at" in fresh_save.content and b'value="3"' in fresh_save.content
    meeting.refresh_from_db()
    assert meeting.shared_notes == "Both"


def test_action_item_add_and_done(org: Org, series: OneOnOneSeries) -> None:
    meeting = next_meeting(series)
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    client = _client(org.manager)
    resp = client.post(
        reverse("feedback:action_add", args=[meeting.pk]),
        {"text": "Book the course", "owner": org.peer.pk, "due_on": due},
    )
    assert resp.status_code == 302
    item = ActionItem.objects.get()
    assert item.owner_id == org.peer.pk
    wrong = client.post(
        reverse("feedback:action_add", args=[meeting.pk]),
        {"text": "Not theirs", "owner": org.lead.pk},
    )
    assert wrong.status_code == 400
    listing = _client(org.peer).get(reverse("feedback:one_on_ones"))
    assert b"Book the course" in listing.content
    _client(org.peer).post(
        reverse("feedback:action_item", args=[item.pk]), {"done": "1", "next": "list"}
    )
    item.refresh_from_db()
    assert item.done_at is not None
    assert (
        _client(org.lead)
        .post(reverse("feedback:action_item", args=[item.pk]), {"done": "0"})
        .status_code
        == 404
    )


# --- starting and ending -------------------------------------------------------------------------


def test_manager_starts_a_series_from_the_page(org: Org) -> None:
    resp = _client(org.manager).post(
        reverse("feedback:series_new"),
        {
            "report": org.peer.pk,
            "frequency": Frequency.FORTNIGHTLY,
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    series = OneOnOneSeries.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse(
        "feedback:series", args=[series.pk]
    )
    assert series.meetings.count() == 5
    again = _client(org.manager).post(
        reverse("feedback:series_new"),
        {
            "report": org.peer.pk,
            "frequency": "weekly",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert again.status_code == 400 and b"already has a 1:1 series" in again.content


def test_someone_without_reports_sees_an_empty_state(org: Org) -> None:
    resp = _client(org.peer).get(reverse("feedback:series_new"))
    assert resp.status_code == 200 and resp.context["form"] is None
    # and cannot post one for someone else's report
    _client(org.peer).post(
        reverse("feedback:series_new"),
        {
            "report": org.lead.pk,
            "frequency": "weekly",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert not OneOnOneSeries.objects.exists()


def test_hr_sets_one_up_by_email(org: Org) -> None:
    resp = _client(org.hr_admin).post(
        reverse("feedback:series_new"),
        {
            "manager_ref": "lead@example.com",
            "report_ref": org.employee.employee_number,
            "frequency": "monthly",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("feedback:one_on_ones")
    assert OneOnOneSeries.objects.get().manager_id == org.lead.pk


def test_end_series_asks_first(org: Org, series: OneOnOneSeries) -> None:
    url = reverse("feedback:series_end", args=[series.pk])
    assert _client(org.peer).get(url).status_code == 404
    assert b"series-end-confirm" in _client(org.manager).get(url).content
    series.refresh_from_db()
    assert series.active
    _client(org.manager).post(url)
    series.refresh_from_db()
    assert not series.active


# --- adherence --------------------------------------------------------------------------------


def _adherence_org(org: Org) -> None:
    # Today's meeting counts as planned (on or before today) though not yet held.
    # manager: 4 past (2 held, 1 cancelled) + today; other_manager: 2 past held
    # + today; lead: yesterday's, not held.
    good = make_series(org.other_manager, org.salesperson, past_meetings=2, future_meetings=1)
    poor = make_series(org.manager, org.peer, past_meetings=4, future_meetings=2)
    meetings = list(poor.meetings.order_by("scheduled_on"))
    Meeting.objects.filter(pk=meetings[0].pk).update(status=MeetingStatus.CANCELLED)
    Meeting.objects.filter(pk=meetings[1].pk).update(status=MeetingStatus.PLANNED)
    make_series(org.lead, org.employee, past_meetings=0, future_meetings=1)
    Meeting.objects.filter(series__manager=org.lead).update(
        scheduled_on=timezone.localdate() - dt.timedelta(days=1)
    )
    meetings[2].shared_notes = SECRET
    meetings[2].save()
    assert good.pk


def test_adherence_counts_worst_first_for_hr_admin(org: Org) -> None:
    _adherence_org(org)
    resp = _client(org.hr_admin).get(reverse("feedback:adherence"))
    assert resp.status_code == 200
    rows = [(m.pk, m.planned, m.held, m.cancelled, m.percent) for m in resp.context["page_obj"]]
    assert rows == [
        (org.lead.pk, 1, 0, 0, 0),
        (org.manager.pk, 5, 2, 1, 40),
        (org.other_manager.pk, 3, 2, 0, 67),
    ]
    assert SECRET.encode() not in resp.content


def test_adherence_hrbp_sees_their_departments_only(org: Org) -> None:
    _adherence_org(org)
    resp = _client(org.hrbp).get(reverse("feedback:adherence"))
    managers = {m.pk for m in resp.context["page_obj"]}
    assert managers == {org.manager.pk, org.lead.pk}  # Engineering and Platform, not Sales


@pytest.mark.parametrize("who", ["manager", "peer", "executive", "auditor", "outsider"])
def test_adherence_is_hr_only(org: Org, who: str) -> None:
    client = _client(getattr(org, who))
    assert client.get(reverse("feedback:adherence")).status_code == 404
    assert client.get(reverse("feedback:adherence_export")).status_code == 404


def test_adherence_csv_is_counts_only(org: Org) -> None:
    _adherence_org(org)
    AgendaItem.objects.create(
        meeting=Meeting.objects.filter(series__manager=org.manager)[0],
        author=org.peer,
        text=SECRET,
    )
    resp = _client(org.hr_admin).get(reverse("feedback:adherence_export"))
    assert resp.status_code == 200
    body = streamed(resp).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("Manager,Employee number,Department,Planned,Held,Cancelled")
    assert "Mona Manager" in body and ",5,2,1,40" in body
    assert SECRET not in body


def test_adherence_date_range(org: Org) -> None:
    _adherence_org(org)
    today = timezone.localdate()
    resp = _client(org.hr_admin).get(
        reverse("feedback:adherence"),
        {"date_from": (today - dt.timedelta(days=10)).isoformat(), "date_to": today.isoformat()},
    )
    rows = {m.pk: (m.planned, m.held) for m in resp.context["page_obj"]}
    assert rows[org.manager.pk] == (2, 1)  # the last two weeks only


# --- query budgets --------------------------------------------------------------------------------


def _long_history(series: OneOnOneSeries, weeks: int) -> None:
    first = series.starts_on
    Meeting.objects.bulk_create(
        Meeting(series=series, scheduled_on=first - dt.timedelta(days=7 * (i + 1)), status="held")
        for i in range(weeks)
    )


@pytest.mark.parametrize("size", [3, 30])
def test_meeting_page_query_budget(org: Org, django_assert_max_num_queries: Any, size: int) -> None:
    series = make_series(org.manager, org.peer, past_meetings=size, future_meetings=2)
    _long_history(series, size)
    meeting = next_meeting(series)
    fill(meeting, size)
    carried_into = list(meeting.agenda_items.all()[:2])
    previous = Meeting.objects.filter(series=series).order_by("scheduled_on").first()
    assert previous is not None
    for n, item in enumerate(carried_into):
        source = AgendaItem.objects.create(meeting=previous, author=org.peer, text=f"old {n}")
        item.carried_from = source
        item.save()
    svc.save_private_note(actor=u(org.manager), meeting=meeting, body="mine")
    client = _client(org.manager)
    url = reverse("feedback:meeting", args=[meeting.pk])
    with django_assert_max_num_queries(16):
        resp = client.get(url)
    assert resp.status_code == 200
    assert resp.content.count(b'data-item="') == 2 * size  # agenda and action items


@pytest.mark.parametrize("size", [3, 30])
def test_one_on_ones_list_query_budget(
    org: Org, django_assert_max_num_queries: Any, size: int
) -> None:
    reports = [person(manager=org.manager, department=org.engineering) for _ in range(size)]
    for report in reports:
        fill(next_meeting(make_series(org.manager, report, past_meetings=2)), 2)
    client = _client(org.manager)
    with django_assert_max_num_queries(12):
        resp = client.get(reverse("feedback:one_on_ones"))
    assert resp.status_code == 200
    assert len(resp.context["page_obj"].object_list) == min(size, 25)


@pytest.mark.parametrize("size", [3, 30])
def test_adherence_page_query_budget(
    org: Org, django_assert_max_num_queries: Any, size: int
) -> None:
    for _ in range(size):
        boss = person(manager=org.ceo, department=org.engineering)
        report = person(manager=boss, department=org.engineering)
        make_series(boss, report, past_meetings=3)
    client = _client(org.hr_admin)
    with django_assert_max_num_queries(10):
        resp = client.get(reverse("feedback:adherence"))
    assert resp.status_code == 200
    assert len(resp.context["page_obj"].object_list) == min(size, 25)


@pytest.mark.parametrize("size", [3, 30])
def test_series_page_query_budget(org: Org, django_assert_max_num_queries: Any, size: int) -> None:
    series = make_series(org.manager, org.peer, past_meetings=size, future_meetings=3)
    client = _client(org.peer)
    with django_assert_max_num_queries(11):
        resp = client.get(reverse("feedback:series", args=[series.pk]))
    assert resp.status_code == 200
