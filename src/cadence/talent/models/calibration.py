"""Calibration sessions: a cycle's ratings for a population (a department
subtree, a job level or an explicit list of people) reviewed by the managers
who gave them and an HR facilitator. Each person is an entry that keeps the
original (computed) rating, the manager's proposal and the calibrated value
side by side, with potential for the performance × potential grid; every
move is a `CalibrationChange` with its reason, who and when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from cadence.core.models import User


class SessionState(models.TextChoices):
    """draft (being set up) → open (the meeting: moves allowed) → locked
    (closed: nothing changes; calibrated ratings flow into the results)."""

    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    LOCKED = "locked", "Closed"


class PopulationKind(models.TextChoices):
    DEPARTMENT = "department", "A department and everything below it"
    JOB_LEVEL = "job_level", "A job level"
    LIST = "list", "A list of people"


class SessionQuerySet(models.QuerySet["CalibrationSession"]):
    def visible_to(self, user: User) -> SessionQuerySet:
        """See cadence.talent.access."""
        from cadence.talent.access import session_condition

        return self.filter(session_condition(user))


class CalibrationSession(models.Model):
    cycle = models.ForeignKey(
        "reviews.Cycle", on_delete=models.PROTECT, related_name="calibration_sessions"
    )
    name = models.CharField(max_length=120)
    population_kind = models.CharField(max_length=12, choices=PopulationKind.choices)
    department = models.ForeignKey(
        "people.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    job_level = models.ForeignKey(
        "jobs.JobLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    facilitator = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="calibration_sessions_facilitated"
    )
    state = models.CharField(max_length=8, choices=SessionState.choices, default=SessionState.DRAFT)
    # Managers normally see only their own people's ratings in a session;
    # HR may share the whole view with every participant.
    share_whole_view = models.BooleanField(default=False)
    # HR's guidance: target share of people per rating level, as
    # {"<rating level id>": percent}. Shown beside the distribution, never enforced.
    guidance = models.JSONField(default=dict, blank=True)
    # Below this many ratings a manager's severity is "not enough data".
    min_team_size = models.PositiveSmallIntegerField(default=3)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cycle", "state"], name="calsession_cycle_state_idx")]
        constraints = [
            models.CheckConstraint(
                name="calsession_population_matches_kind",
                condition=(
                    Q(population_kind="department", department__isnull=False, job_level=None)
                    | Q(population_kind="job_level", job_level__isnull=False, department=None)
                    | Q(population_kind="list", department=None, job_level=None)
                ),
            ),
            models.CheckConstraint(
                name="calsession_min_team_size", condition=Q(min_team_size__gte=2)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SessionParticipant(models.Model):
    """A manager taking part in a session (the facilitator is on the session)."""

    session = models.ForeignKey(
        CalibrationSession, on_delete=models.CASCADE, related_name="participants"
    )
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="calibration_participations"
    )

    class Meta:
        ordering = ["session", "employee"]
        constraints = [
            models.UniqueConstraint(fields=["session", "employee"], name="uniq_session_participant")
        ]
        indexes = [models.Index(fields=["employee"], name="calparticipant_employee_idx")]

    def __str__(self) -> str:
        return f"{self.employee_id} in session {self.session_id}"


class Potential(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class EntryQuerySet(models.QuerySet["CalibrationEntry"]):
    def visible_to(self, user: User) -> EntryQuerySet:
        """See cadence.talent.access."""
        from cadence.talent.access import entry_condition

        return self.filter(entry_condition(user))


class CalibrationEntry(models.Model):
    """One person in a session: their result in the cycle, the three ratings
    side by side, potential, and the last change (the full history is in
    `changes`)."""

    session = models.ForeignKey(
        CalibrationSession, on_delete=models.CASCADE, related_name="entries"
    )
    result = models.ForeignKey(
        "reviews.ReviewResult", on_delete=models.CASCADE, related_name="calibration_entries"
    )
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    # The manager who rated them (the rater whose severity the pre-read estimates).
    manager = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_level = models.ForeignKey(
        "reviews.RatingLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_level = models.ForeignKey(
        "reviews.RatingLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    calibrated_level = models.ForeignKey(
        "reviews.RatingLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    potential = models.PositiveSmallIntegerField(choices=Potential.choices, null=True, blank=True)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["session", "employee"]
        verbose_name_plural = "calibration entries"
        constraints = [
            models.UniqueConstraint(fields=["session", "result"], name="uniq_calibration_entry"),
        ]
        indexes = [
            models.Index(fields=["session", "manager"], name="calentry_manager_idx"),
            models.Index(fields=["session", "calibrated_level"], name="calentry_level_idx"),
            models.Index(fields=["employee"], name="calentry_employee_idx"),
        ]

    def __str__(self) -> str:
        return f"Calibration of {self.employee_id} in session {self.session_id}"

    @property
    def current_level_id(self) -> int | None:
        """Where the person sits now: calibrated, else proposed, else original."""
        return self.calibrated_level_id or self.proposed_level_id or self.original_level_id


class CalibrationChange(models.Model):
    """One move of one person in a session: rating and/or potential, from
    and to, with the reason (required), who and when."""

    entry = models.ForeignKey(CalibrationEntry, on_delete=models.CASCADE, related_name="changes")
    from_level = models.ForeignKey(
        "reviews.RatingLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_level = models.ForeignKey(
        "reviews.RatingLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_potential = models.PositiveSmallIntegerField(null=True, blank=True)
    to_potential = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry", "changed_at", "id"]
        constraints = [
            models.CheckConstraint(name="calchange_reason_required", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"Change {self.pk} to entry {self.entry_id}"
