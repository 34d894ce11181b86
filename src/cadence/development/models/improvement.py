"""Performance improvement plans: a legal record. Opened by a manager with
an HR partner; specific concerns, expectations with measurable success
criteria and due dates, the support offered, a check-in schedule with a log,
the employee's acknowledgement (typed name and time) and comments, and the
outcome. Every read is written to the access log and every change audited
(by the services)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from cadence.core.models import User


class PlanState(models.TextChoices):
    """draft → active → (extended →) completed, or cancelled from any open
    state. The legal moves are in cadence.development.pip_states."""

    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    EXTENDED = "extended", "Extended"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class PlanOutcome(models.TextChoices):
    SUCCESSFUL = "successful", "Successful"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


class ImprovementPlanQuerySet(models.QuerySet["ImprovementPlan"]):
    def visible_to(self, user: User) -> ImprovementPlanQuerySet:
        """See cadence.development.access_pips."""
        from cadence.development.access_pips import plan_condition

        return self.filter(plan_condition(user))


class ImprovementPlan(models.Model):
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="improvement_plans"
    )
    # The manager who opened it (the employee's manager chain at the time).
    manager = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="improvement_plans_managed"
    )
    # The HR partner: a login holding HR admin, or HRBP over the employee's department.
    hr_partner = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="improvement_plans_partnered"
    )
    state = models.CharField(max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    concerns = models.TextField(help_text="The specific performance concerns, with examples.")
    support = models.TextField(blank=True, help_text="Support and resources offered.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    check_in_every_days = models.PositiveSmallIntegerField(default=14)
    # The end date the plan was activated with; `ends_on` moves when extended.
    original_ends_on = models.DateField(null=True, blank=True)
    extended_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=PlanOutcome.choices, blank=True)
    outcome_summary = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True)
    acknowledged_name = models.CharField(max_length=200, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    employee_comments = models.TextField(blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImprovementPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["employee", "state"], name="pip_employee_state_idx"),
            models.Index(fields=["state", "ends_on"], name="pip_state_end_idx"),
            models.Index(fields=["manager"], name="pip_manager_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="pip_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(state=PlanState.COMPLETED, outcome__in=list(PlanOutcome.values))
                | (~Q(state=PlanState.COMPLETED) & Q(outcome="")),
                name="pip_outcome_when_completed",
            ),
            models.CheckConstraint(
                condition=~Q(employee=models.F("manager")), name="pip_not_own_manager"
            ),
        ]

    def __str__(self) -> str:
        return f"Improvement plan {self.pk} for {self.employee}"

    @property
    def is_open(self) -> bool:
        return self.state in (PlanState.DRAFT, PlanState.ACTIVE, PlanState.EXTENDED)


class ExpectationProgress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    PROGRESSING = "progressing", "Progressing"
    AT_RISK = "at_risk", "At risk"
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"


class PlanExpectation(models.Model):
    """What the employee must do, how success is measured, and by when."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="expectations")
    description = models.TextField()
    success_criterion = models.TextField(help_text="How success is measured.")
    due_on = models.DateField()
    progress = models.CharField(
        max_length=12, choices=ExpectationProgress.choices, default=ExpectationProgress.NOT_STARTED
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        # Not the text: audit rows keep str(obj) as their label.
        return f"Expectation {self.pk} of plan {self.plan_id}"


class PlanCheckIn(models.Model):
    """A check-in on the plan's schedule; `held_on` and `notes` once held.
    Progress on each expectation at the check-in is `CheckInProgress`."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="check_ins")
    scheduled_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "scheduled_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "scheduled_on"], name="uniq_pip_check_in_day"),
        ]
        indexes = [models.Index(fields=["scheduled_on", "held_on"], name="pip_check_in_due_idx")]

    def __str__(self) -> str:
        return f"Check-in on {self.scheduled_on:%Y-%m-%d} for plan {self.plan_id}"


class CheckInProgress(models.Model):
    check_in = models.ForeignKey(PlanCheckIn, on_delete=models.CASCADE, related_name="progress")
    expectation = models.ForeignKey(
        PlanExpectation, on_delete=models.CASCADE, related_name="check_in_progress"
    )
    progress = models.CharField(max_length=12, choices=ExpectationProgress.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["check_in", "expectation"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_in", "expectation"], name="uniq_check_in_progress"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expectation_id}: {self.progress}"
