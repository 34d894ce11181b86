"""Development plans: an employee's plan for growth, with development goals
tied to competencies (the job profile's expected proficiency and the latest
review's rating as the starting point), actions with due dates and status,
and the manager's comments and approval."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from cadence.core.models import User


class DevelopmentPlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting approval"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    COMPLETED = "completed", "Completed"


class DevelopmentPlanQuerySet(models.QuerySet["DevelopmentPlan"]):
    def visible_to(self, user: User) -> DevelopmentPlanQuerySet:
        """See cadence.development.access_growth."""
        from cadence.development.access_growth import development_plan_condition

        return self.filter(development_plan_condition(user))


class DevelopmentPlan(models.Model):
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="development_plans"
    )
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(
        max_length=20,
        choices=DevelopmentPlanStatus.choices,
        default=DevelopmentPlanStatus.DRAFT,
    )
    approved_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DevelopmentPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["employee", "status"], name="devplan_employee_idx")]

    def __str__(self) -> str:
        return self.title


class DevelopmentGoal(models.Model):
    """A competency to grow (or a free-text aim when `competency` is empty):
    the level the person is at (from their latest review, or stated) and
    the level they aim for (by default the job profile's expectation)."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="goals")
    competency = models.ForeignKey(
        "jobs.Competency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField()
    current_level = models.PositiveSmallIntegerField(null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        # Not the text: audit rows keep str(obj) as their label.
        return f"Development goal {self.pk}"


class ActionKind(models.TextChoices):
    COURSE = "course", "Course"
    PROJECT = "project", "Project"
    MENTORING = "mentoring", "Mentoring"
    READING = "reading", "Reading"
    OTHER = "other", "Other"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class DevelopmentAction(models.Model):
    goal = models.ForeignKey(DevelopmentGoal, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=12, choices=ActionKind.choices)
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["goal", "due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="devaction_status_due_idx")]

    def __str__(self) -> str:
        return f"Development action {self.pk}"


class DevelopmentComment(models.Model):
    """A comment on a plan (the manager's feedback, the employee's reply);
    a request for changes carries one."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on development plan {self.plan_id}"
