"""Coaching notes: written only by someone above the report, read only by
their author — not the report, not HR admin, not the author's own manager,
not in the audit trail's text, not in any export or API response."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadence.core.models import AuditEntry, User
from cadence.feedback import services_coaching as coaching
from cadence.feedback.models import CoachingNote
from tests.api_client import Api
from tests.conftest import Org, fresh
from tests.feedback.meeting_support import SECRET, person, streamed, u

EVERYONE_ELSE = [
    "ceo",
    "lead",
    "employee",
    "peer",
    "other_manager",
    "hr_admin",
    "hrbp",
    "auditor",
    "executive",
    "outsider",
]


def _user(org: Org, name: str) -> User:
    who = getattr(org, name)
    return who if isinstance(who, User) else who.user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def note(org: Org) -> CoachingNote:
    return coaching.add_coaching_note(actor=u(org.manager), report=org.employee, body=SECRET)


def test_manager_chain_writes_and_only_the_author_reads(org: Org, note: CoachingNote) -> None:
    assert note.author_id == org.manager.pk and note.noted_on == timezone.localdate()
    assert list(CoachingNote.objects.visible_to(fresh(u(org.manager)))) == [note]
    lead_note = coaching.add_coaching_note(actor=u(org.lead), report=org.employee, body="lead's")
    assert list(CoachingNote.objects.visible_to(fresh(u(org.lead)))) == [lead_note]
    for name in EVERYONE_ELSE:
        visible = list(CoachingNote.objects.visible_to(fresh(_user(org, name))))
        assert note not in visible, name


@pytest.mark.parametrize("name", ["peer", "employee", "other_manager", "hr_admin", "hrbp"])
def test_only_the_manager_chain_may_write(org: Org, name: str) -> None:
    with pytest.raises(PermissionDenied):
        coaching.add_coaching_note(actor=_user(org, name), report=org.employee, body="x")


def test_notes_cannot_be_dated_ahead_or_empty(org: Org) -> None:
    with pytest.raises(ValidationError):
        coaching.add_coaching_note(
            actor=u(org.manager),
            report=org.peer,
            body="x",
            noted_on=timezone.localdate() + dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        coaching.add_coaching_note(actor=u(org.manager), report=org.peer, body="   ")


def test_only_the_author_edits_or_deletes(org: Org, note: CoachingNote) -> None:
    with pytest.raises(PermissionDenied):
        coaching.update_coaching_note(actor=u(org.ceo), note=note, body="ceo")
    with pytest.raises(PermissionDenied):
        coaching.delete_coaching_note(actor=org.hr_admin, note=note)
    coaching.update_coaching_note(actor=u(org.manager), note=note, body=SECRET + " edited")
    note.refresh_from_db()
    assert note.body.endswith("edited")
    coaching.delete_coaching_note(actor=u(org.manager), note=note)
    assert not CoachingNote.objects.exists()


def test_audit_rows_never_hold_the_text(org: Org, note: CoachingNote) -> None:
    coaching.update_coaching_note(actor=u(org.manager), note=note, body=SECRET + "2")
    coaching.delete_coaching_note(actor=u(org.manager), note=note)
    rows = AuditEntry.objects.filter(action__startswith="coaching_note.")
    assert sorted(rows.values_list("action", flat=True)) == [
        "coaching_note.create",
        "coaching_note.delete",
        "coaching_note.update",
    ]
    for row in rows:
        assert SECRET not in f"{row.before}{row.after}{row.object_label}"
    page = _client(org.hr_admin).get(reverse("audit_log"))
    assert b"coaching_note.create" in page.content and SECRET.encode() not in page.content
    export = _client(org.auditor).get(reverse("audit_log"), {"format": "csv"})
    text = streamed(export).decode()
    assert "coaching_note.update" in text and SECRET not in text


# --- pages -------------------------------------------------------------------------------------


def test_journal_page_is_the_authors_alone(org: Org, note: CoachingNote) -> None:
    url = reverse("feedback:coaching_journal", args=[org.employee.pk])
    page = _client(u(org.manager)).get(url)
    assert page.status_code == 200
    assert SECRET.encode() in page.content
    assert b"Private: only you can see these notes." in page.content
    # The lead may keep their own journal about the employee, but never sees this one.
    lead_page = _client(u(org.lead)).get(url)
    assert lead_page.status_code == 200 and SECRET.encode() not in lead_page.content
    for name in ["employee", "peer", "other_manager", "hr_admin", "hrbp", "auditor", "outsider"]:
        client = _client(_user(org, name))
        resp = client.get(url)
        assert resp.status_code == 404 or SECRET.encode() not in resp.content, name
        assert client.get(reverse("feedback:coaching_edit", args=[note.pk])).status_code == 404
        assert client.post(reverse("feedback:coaching_delete", args=[note.pk])).status_code == 404
    assert _client(org.hr_admin).get(url).status_code == 404
    assert CoachingNote.objects.filter(pk=note.pk).exists()


def test_add_edit_and_delete_with_confirmation(org: Org) -> None:
    client = _client(u(org.manager))
    url = reverse("feedback:coaching_journal", args=[org.peer.pk])
    today = timezone.localdate().isoformat()
    resp = client.post(url, {"noted_on": today, "body": "Great demo"})
    assert resp.status_code == 302
    note = CoachingNote.objects.get()
    edit = reverse("feedback:coaching_edit", args=[note.pk])
    assert (
        client.post(edit, {"noted_on": today, "body": "Great demo, follow up"}).status_code == 302
    )
    note.refresh_from_db()
    assert note.body == "Great demo, follow up"
    delete = reverse("feedback:coaching_delete", args=[note.pk])
    confirm = client.get(delete)
    assert b"coaching-delete-confirm" in confirm.content
    assert CoachingNote.objects.exists()
    client.post(delete)
    assert not CoachingNote.objects.exists()
    blank = client.post(url, {"noted_on": today, "body": ""})
    assert blank.status_code == 400


def test_former_report_journal_is_read_only(org: Org, note: CoachingNote) -> None:
    org.employee.manager = org.other_manager
    from cadence.people.paths import rebuild_reporting_paths

    org.employee.save()
    rebuild_reporting_paths()
    client = _client(fresh(u(org.manager)))
    url = reverse("feedback:coaching_journal", args=[org.employee.pk])
    page = client.get(url)
    assert page.status_code == 200 and SECRET.encode() in page.content
    assert page.context["form"] is None
    assert (
        client.post(url, {"noted_on": timezone.localdate().isoformat(), "body": "x"}).status_code
        == 404
    )


def test_coaching_list_shows_my_reports_and_counts(org: Org, note: CoachingNote) -> None:
    page = _client(u(org.manager)).get(reverse("feedback:coaching"))
    people = {p.pk: p.note_count for p in page.context["page_obj"]}
    assert people == {org.lead.pk: 0, org.employee.pk: 1, org.peer.pk: 0}
    assert b"Private: only you can see these notes." in page.content
    # The lead's count of notes about the employee is their own (0), not the manager's.
    lead = _client(u(org.lead)).get(reverse("feedback:coaching"))
    assert {p.pk: p.note_count for p in lead.context["page_obj"]} == {org.employee.pk: 0}
    empty = _client(u(org.peer)).get(reverse("feedback:coaching"))
    assert b"Nobody reports to you" in empty.content


@pytest.mark.parametrize("size", [3, 30])
def test_journal_and_list_query_budget(
    org: Org, django_assert_max_num_queries: Any, size: int
) -> None:
    for _ in range(size):
        person(manager=org.manager, department=org.engineering)
    CoachingNote.objects.bulk_create(
        CoachingNote(author=org.manager, report=org.peer, body=f"n{i}") for i in range(size)
    )
    client = _client(u(org.manager))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("feedback:coaching")).status_code == 200
    with django_assert_max_num_queries(12):
        resp = client.get(reverse("feedback:coaching_journal", args=[org.peer.pk]))
    assert resp.content.count(b'class="card mb-3 coaching-note"') == min(size, 20)


def test_not_in_the_api_or_people_export(api: Api, org: Org, note: CoachingNote) -> None:
    for who in (org.manager, org.hr_admin):
        for path in ("/api/v1/coaching-notes", f"/api/v1/people/{org.employee.pk}"):
            assert SECRET.encode() not in api.as_(who).get(path).content
    export = _client(org.hr_admin).get(reverse("transfer:export"), {"format": "csv"})
    assert export.status_code == 200
    assert SECRET.encode() not in streamed(export)
