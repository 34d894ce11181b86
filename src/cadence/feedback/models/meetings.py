"""1:1 meetings between a manager and a report: a recurring series with its
meetings generated ahead, a shared agenda (unfinished items carry over),
shared notes, private notes (their author's alone), action items; and the
manager's coaching journal per report (the manager's alone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from cadence.core.models import User


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class SeriesQuerySet(models.QuerySet["OneOnOneSeries"]):
    def visible_to(self, user: User) -> SeriesQuerySet:
        """See cadence.feedback.access_meetings."""
        from cadence.feedback.access_meetings import series_condition

        return self.filter(series_condition(user))


class OneOnOneSeries(models.Model):
    """A recurring 1:1 between a manager and one report. Meetings fall on
    `starts_on` and every interval after it; they are generated a few weeks
    ahead, never twice for the same day (`uniq_meeting_day`)."""

    manager = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="one_on_ones_led"
    )
    report = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="one_on_ones_attended"
    )
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Empty: open-ended.")
    active = models.BooleanField(default=True)
    # The last day meetings have been generated up to, so the daily run only
    # adds what is new.
    generated_through = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["manager", "report"]
        verbose_name_plural = "1:1 series"
        constraints = [
            models.UniqueConstraint(
                fields=["manager", "report"],
                condition=Q(active=True),
                name="uniq_active_one_on_one",
            ),
            models.CheckConstraint(
                condition=~Q(manager=models.F("report")), name="one_on_one_not_with_self"
            ),
        ]
        indexes = [models.Index(fields=["report", "active"], name="series_report_idx")]

    def __str__(self) -> str:
        return f"1:1 {self.manager_id}–{self.report_id}"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: User) -> MeetingQuerySet:
        """See cadence.feedback.access_meetings."""
        from cadence.feedback.access_meetings import meeting_condition

        return self.filter(meeting_condition(user))


class Meeting(models.Model):
    """One 1:1 on one day. `shared_notes` both sides read and write (with a
    version check); private notes are `PrivateNote` rows."""

    series = models.ForeignKey(OneOnOneSeries, on_delete=models.CASCADE, related_name="meetings")
    scheduled_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    shared_notes = models.TextField(blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["series", "scheduled_on"]
        constraints = [
            models.UniqueConstraint(fields=["series", "scheduled_on"], name="uniq_meeting_day"),
        ]
        indexes = [
            models.Index(fields=["scheduled_on", "status"], name="meeting_day_status_idx"),
        ]

    def __str__(self) -> str:
        return f"1:1 on {self.scheduled_on:%Y-%m-%d}"


class AgendaItem(models.Model):
    """A topic either side adds. An item not done when its meeting is held
    (or cancelled) is carried to the next one: a new row pointing back at
    this one through `carried_from`."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    author = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="+")
    text = models.CharField(max_length=500)
    done = models.BooleanField(default=False)
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        # Not the text: audit rows keep str(obj), and 1:1 content is not HR's to read.
        return f"Agenda item {self.pk}"


class PrivateNoteQuerySet(models.QuerySet["PrivateNote"]):
    def visible_to(self, user: User) -> PrivateNoteQuerySet:
        """Only ever the author's own: not the other side, not HR, not exports."""
        return self.filter(author_id=getattr(user, "pk", None)) if user else self.none()


class PrivateNote(models.Model):
    """One person's private notes on one meeting, readable by that person
    alone (never the other side, never HR, never in an export)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PrivateNoteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="uniq_private_note"),
        ]

    def __str__(self) -> str:
        return f"Private note on meeting {self.meeting_id}"


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def visible_to(self, user: User) -> ActionItemQuerySet:
        """See cadence.feedback.access_meetings."""
        from cadence.feedback.access_meetings import action_item_condition

        return self.filter(action_item_condition(user))


class ActionItem(models.Model):
    """Something to do agreed in a 1:1, with an owner (one of the two) and a
    due date; open ones show on the owner's "My work"."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    owner = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="action_items"
    )
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_at"], name="action_item_owner_idx")]

    def __str__(self) -> str:
        # Not the text: audit rows keep str(obj), and 1:1 content is not HR's to read.
        return f"Action item {self.pk}"


class CoachingNoteQuerySet(models.QuerySet["CoachingNote"]):
    def visible_to(self, user: User) -> CoachingNoteQuerySet:
        """The author's alone: not the report, not HR, not the author's manager."""
        from cadence.core.permissions import viewer_for

        employee_id = viewer_for(user).employee_id
        return self.none() if employee_id is None else self.filter(author_id=employee_id)


class CoachingNote(models.Model):
    """A manager's private, dated journal entry about one report, visible
    to that manager alone."""

    author = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="coaching_notes_written"
    )
    report = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="coaching_notes_about"
    )
    noted_on = models.DateField(default=timezone.localdate)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CoachingNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-noted_on", "-id"]
        indexes = [
            models.Index(fields=["author", "report", "noted_on"], name="coaching_note_idx"),
        ]

    def __str__(self) -> str:
        return f"Coaching note on {self.report_id} ({self.noted_on:%Y-%m-%d})"
