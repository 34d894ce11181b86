"""Succession: critical roles (a job profile, or one person's position),
their risk and impact of loss, and successors with their readiness."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from cadence.core.models import User


class Rating3(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Readiness(models.TextChoices):
    READY_NOW = "ready_now", "Ready now"
    ONE_TO_TWO_YEARS = "1_2_years", "Ready in 1–2 years"
    THREE_PLUS_YEARS = "3_plus_years", "Ready in 3+ years"


class CriticalRoleQuerySet(models.QuerySet["CriticalRole"]):
    def visible_to(self, user: User) -> CriticalRoleQuerySet:
        """See cadence.talent.access."""
        from cadence.talent.access import critical_role_condition

        return self.filter(critical_role_condition(user))


class CriticalRole(models.Model):
    """A role the organisation cannot afford to leave empty: every holder of
    a job profile, or the position one person holds (`incumbent`)."""

    title = models.CharField(max_length=200)
    job_profile = models.ForeignKey(
        "jobs.JobProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    incumbent = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Whose scope it is in (HRBP and executive visibility); the incumbent's
    # department when there is one.
    department = models.ForeignKey(
        "people.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    risk_of_loss = models.CharField(max_length=8, choices=Rating3.choices, default=Rating3.MEDIUM)
    impact_of_loss = models.CharField(max_length=8, choices=Rating3.choices, default=Rating3.HIGH)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CriticalRoleQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                name="critical_role_profile_or_incumbent",
                condition=Q(job_profile__isnull=False) | Q(incumbent__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["department"], name="critical_role_dept_idx")]

    def __str__(self) -> str:
        return self.title


class Successor(models.Model):
    role = models.ForeignKey(CriticalRole, on_delete=models.CASCADE, related_name="successors")
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="succession_candidacies"
    )
    readiness = models.CharField(max_length=14, choices=Readiness.choices)
    notes = models.TextField(blank=True)
    added_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "readiness", "id"]
        constraints = [
            models.UniqueConstraint(fields=["role", "employee"], name="uniq_successor"),
        ]
        indexes = [models.Index(fields=["employee"], name="successor_employee_idx")]

    def __str__(self) -> str:
        return f"Successor {self.employee_id} for role {self.role_id}"
