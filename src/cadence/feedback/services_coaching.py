"""Coaching notes: a manager's private, dated journal about a report.

Written only by someone above the report in the reporting tree (any
depth), read only by the note's author (`CoachingNote.objects.visible_to`):
not the report, not HR, not the author's own manager, never exported, not in
the API. Audit rows say that a note was written, changed or deleted, and
when it is dated — never its text, since HR admins and auditors read the
audit trail."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.feedback.models import CoachingNote
from cadence.people.models import Employee, EmploymentStatus
from cadence.people.search import person_matches, words

BODY_MAX = 10_000


def can_write_about(user: User, report: Employee) -> bool:
    """Whether the viewer is above `report` in the reporting tree (and so may
    start new notes about them)."""
    return viewer_for(user).manages(report.reporting_path, report.pk)


def coaching_reports(user: User, *, q: str = "") -> QuerySet[Employee]:
    """The people the viewer may keep a journal about (their current
    reports, any depth, not former employees) plus anyone they already have
    notes about, each with `note_count` and `last_noted_on` of the viewer's
    own notes. One query."""
    viewer = viewer_for(user)
    if viewer.employee_id is None:
        return Employee.objects.none()
    mine = Q(coaching_notes_about__author_id=viewer.employee_id)
    reports = viewer.reports_q() & ~Q(status=EmploymentStatus.TERMINATED)
    written = Q(
        pk__in=CoachingNote.objects.filter(author_id=viewer.employee_id).values("report_id")
    )
    queryset = Employee.objects.filter(reports | written).exclude(pk=viewer.employee_id)
    for word in words(q):
        queryset = queryset.filter(person_matches(word))
    return (
        queryset.select_related("department")
        .annotate(
            note_count=Count("coaching_notes_about", filter=mine),
            last_noted_on=Max("coaching_notes_about__noted_on", filter=mine),
        )
        .order_by("last_name", "first_name", "pk")
    )


def journal(user: User, report: Employee) -> QuerySet[CoachingNote]:
    """The viewer's own notes about `report`, newest first. Nobody else's."""
    return CoachingNote.objects.visible_to(user).filter(report=report).order_by("-noted_on", "-id")


def _clean(body: str, noted_on: dt.date | None) -> tuple[str, dt.date]:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the note first."})
    if len(body) > BODY_MAX:
        raise ValidationError({"body": f"Keep a note to {BODY_MAX:,} characters."})
    today = timezone.localdate()
    day = noted_on or today
    if day > today:
        raise ValidationError({"noted_on": "A note cannot be dated in the future."})
    return body, day


@transaction.atomic
def add_coaching_note(
    *, actor: User, report: Employee, body: str, noted_on: dt.date | None = None
) -> CoachingNote:
    """A new journal entry by a manager above `report`."""
    me = viewer_for(actor).employee_id
    if me is None or not can_write_about(actor, report):
        raise PermissionDenied
    body, day = _clean(body, noted_on)
    note = CoachingNote.objects.create(author_id=me, report=report, noted_on=day, body=body)
    audit.record(actor, "coaching_note.create", note, after={"report": report.pk, "noted_on": day})
    return note


def _own(actor: User, note: CoachingNote) -> CoachingNote:
    """The note, locked, when the actor wrote it; PermissionDenied otherwise."""
    me = viewer_for(actor).employee_id
    locked = CoachingNote.objects.select_for_update().get(pk=note.pk)
    if me is None or locked.author_id != me:
        raise PermissionDenied
    return locked


@transaction.atomic
def update_coaching_note(
    *, actor: User, note: CoachingNote, body: str, noted_on: dt.date | None = None
) -> CoachingNote:
    """Its author rewrites or redates a note (also after the report moved on)."""
    note = _own(actor, note)
    body, day = _clean(body, noted_on or note.noted_on)
    before: dict[str, object] = {"noted_on": note.noted_on}
    after: dict[str, object] = {"noted_on": day}
    if body != note.body:
        after["body"] = "changed"
        before["body"] = ""
    old, new = audit.changed(before, after)
    if not new:
        return note
    note.body = body
    note.noted_on = day
    note.save(update_fields=["body", "noted_on", "updated_at"])
    audit.record(actor, "coaching_note.update", note, before=old, after=new)
    return note


@transaction.atomic
def delete_coaching_note(*, actor: User, note: CoachingNote) -> None:
    """Its author deletes a note for good."""
    note = _own(actor, note)
    audit.record(
        actor,
        "coaching_note.delete",
        note,
        before={"report": note.report_id, "noted_on": note.noted_on},
    )
    note.delete()
