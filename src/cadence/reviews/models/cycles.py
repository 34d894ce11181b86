"""Review cycles: who takes part (rules, inclusions, exclusions), the phases
and their deadlines, the settings for peers and anonymity, and the
assignments a launch creates (reviewer → reviewee, by kind)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cadence.reviews.models.templates import ReviewerKind, ReviewTemplate

if TYPE_CHECKING:
    from cadence.core.models import User


class Stage(models.TextChoices):
    """Where a cycle is. Stages after `draft` are in this order; HR moves a
    cycle forward (deadlines are per phase, see CyclePhase)."""

    DRAFT = "draft", "Draft"
    LAUNCHING = "launching", "Launching"
    SELF_REVIEW = "self_review", "Self review"
    PEER_NOMINATION = "peer_nomination", "Peer nomination"
    PEER_REVIEW = "peer_review", "Peer and upward review"
    MANAGER_REVIEW = "manager_review", "Manager review"
    CALIBRATION = "calibration", "Calibration"
    RELEASED = "released", "Released"
    CLOSED = "closed", "Closed"


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)


class PhaseKind(models.TextChoices):
    SELF_REVIEW = "self_review", "Self review"
    PEER_NOMINATION = "peer_nomination", "Peer nomination"
    PEER_REVIEW = "peer_review", "Peer and upward review"
    MANAGER_REVIEW = "manager_review", "Manager review"
    CALIBRATION = "calibration", "Calibration"
    RELEASE = "release", "Release"
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"


class Nominator(models.TextChoices):
    REVIEWEE = "reviewee", "The reviewee"
    MANAGER = "manager", "The reviewee's manager"


def _visible(queryset: models.QuerySet[Any], condition: Q | None) -> models.QuerySet[Any]:
    return queryset if condition is None else queryset.filter(condition)


class CycleQuerySet(models.QuerySet["Cycle"]):
    def visible_to(self, user: User) -> CycleQuerySet:
        """See cadence.reviews.access."""
        from cadence.reviews.access import cycle_condition

        return _visible(self, cycle_condition(user))  # type: ignore[return-value]


class AssignmentQuerySet(models.QuerySet["ReviewAssignment"]):
    def visible_to(self, user: User) -> AssignmentQuerySet:
        """See cadence.reviews.access."""
        from cadence.reviews.access import assignment_condition

        return _visible(self, assignment_condition(user))  # type: ignore[return-value]

    def visible_to_among(self, user: User, narrowing: Q) -> AssignmentQuerySet:
        """`visible_to(user).filter(narrowing)`, written for long lists: see
        cadence.reviews.access.assignment_list_condition."""
        from cadence.reviews.access import assignment_list_condition

        return _visible(self, assignment_list_condition(user, narrowing))  # type: ignore[return-value]


class Cycle(models.Model):
    name = models.CharField(max_length=150, unique=True)
    template = models.ForeignKey(ReviewTemplate, on_delete=models.PROTECT, related_name="cycles")
    goal_period = models.ForeignKey(
        "goals.GoalPeriod", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.DRAFT)
    # Who takes part: everyone matching every rule that is set, plus the
    # inclusions, minus the exclusions (lists of ids).
    rule_department_ids = models.JSONField(default=list, blank=True)
    rule_location_ids = models.JSONField(default=list, blank=True)
    rule_job_level_ids = models.JSONField(default=list, blank=True)
    rule_hired_before = models.DateField(null=True, blank=True)
    # The status rule: active people take part, terminated people never;
    # people on leave only when this says so (or when included by name).
    rule_include_on_leave = models.BooleanField(default=False)
    included_employee_ids = models.JSONField(default=list, blank=True)
    excluded_employee_ids = models.JSONField(default=list, blank=True)
    # Which reviews each participant gets.
    include_self = models.BooleanField(default=True)
    include_manager = models.BooleanField(default=True)
    include_peer = models.BooleanField(default=True)
    include_upward = models.BooleanField(default=False)
    peers_min = models.PositiveSmallIntegerField(default=0)
    peers_max = models.PositiveSmallIntegerField(default=5)
    peer_nominator = models.CharField(
        max_length=10, choices=Nominator.choices, default=Nominator.REVIEWEE
    )
    peers_need_approval = models.BooleanField(
        default=True, help_text="The manager approves the nominated peers."
    )
    peer_anonymous = models.BooleanField(
        default=True, help_text="The reviewee never sees which peer wrote what."
    )
    upward_anonymous = models.BooleanField(
        default=True, help_text="The manager never sees which report wrote what."
    )
    min_group_size = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(3)],
        help_text="Fewer peer or upward answers than this are never shown, not even averaged.",
    )
    launched_at = models.DateTimeField(null=True, blank=True)
    launch_task_id = models.CharField(max_length=64, blank=True)
    launch_total = models.PositiveIntegerField(default=0)
    launch_done = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(min_group_size__gte=3), name="cycle_min_group_3"),
            models.CheckConstraint(
                condition=Q(peers_min__lte=models.F("peers_max")), name="cycle_peers_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_running(self) -> bool:
        return self.stage not in (Stage.DRAFT, Stage.LAUNCHING, Stage.CLOSED)

    def stage_reached(self, stage: str) -> bool:
        """Whether the cycle is at `stage` or past it."""
        return STAGE_ORDER.index(self.stage) >= STAGE_ORDER.index(stage)


class CyclePhase(models.Model):
    """A phase's deadline. Extending one is a controlled, audited change."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=16, choices=PhaseKind.choices)
    opens_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()

    class Meta:
        ordering = ["cycle", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="uniq_cycle_phase_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on}"


class ParticipantStatus(models.TextChoices):
    ACTIVE = "active", "Taking part"
    REMOVED = "removed", "Removed"


class CycleParticipant(models.Model):
    """A reviewee in a cycle, with the manager who writes their manager
    review (kept up to date when reporting lines change mid-cycle)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="participants")
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="review_participations"
    )
    manager = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=ParticipantStatus.choices, default=ParticipantStatus.ACTIVE
    )
    note = models.CharField(max_length=300, blank=True, help_text="Why added or removed.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cycle", "employee"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="uniq_cycle_participant"),
        ]
        indexes = [models.Index(fields=["cycle", "status"], name="participant_cycle_status_idx")]

    def __str__(self) -> str:
        return f"{self.employee} in {self.cycle}"


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ASSIGNMENT = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)


class ReviewAssignment(models.Model):
    """One review to write: `reviewer` about `reviewee`, of a kind. A
    cancelled assignment (reviewer replaced, participant removed) keeps its
    answers; only one live assignment per reviewer, reviewee and kind."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="reviews_to_write"
    )
    reviewee = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="reviews_about"
    )
    kind = models.CharField(max_length=8, choices=ReviewerKind.choices)
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "reviewee", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "reviewer", "reviewee", "kind"],
                condition=~Q(status="cancelled"),
                name="uniq_live_assignment",
            ),
            models.CheckConstraint(
                condition=Q(kind="self", reviewer=models.F("reviewee"))
                | (~Q(kind="self") & ~Q(reviewer=models.F("reviewee"))),
                name="assignment_self_is_self",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "status"], name="assignment_reviewer_idx"),
            # With the status, the cycle page counts a cycle's reviews by the
            # reviewee's department from this index alone, reviewee by reviewee.
            models.Index(
                fields=["cycle", "reviewee", "kind", "status"], name="assignment_reviewee_idx"
            ),
            models.Index(fields=["cycle", "status"], name="assignment_cycle_status_idx"),
            # Covers the cycle page's monitoring counts (by kind, status,
            # department and manager): they read this index, not the table.
            models.Index(
                fields=["cycle", "kind", "status", "reviewee", "reviewer"],
                name="assignment_monitoring_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} review of {self.reviewee_id} by {self.reviewer_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ASSIGNMENT


class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class PeerNomination(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="nominations")
    reviewee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    peer = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=NominationStatus.choices, default=NominationStatus.PROPOSED
    )
    nominated_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cycle", "reviewee", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "reviewee", "peer"], name="uniq_peer_nomination"
            ),
            models.CheckConstraint(
                condition=~Q(reviewee=models.F("peer")), name="nomination_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.peer_id} for {self.reviewee_id} ({self.status})"
