"""Goals: periods, objectives (personal, department or company) with key
results, alignment to a parent objective, check-ins, and KPIs with their
measurements over time."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from cadence.core.models import User


class GoalPeriod(models.Model):
    """A span goals are set for (e.g. 2027 Q1, FY2027), with an optional
    goal-setting window and approval rule set by HR."""

    name = models.CharField(max_length=80, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    setting_opens_on = models.DateField(null=True, blank=True)
    setting_closes_on = models.DateField(null=True, blank=True)
    requires_approval = models.BooleanField(
        default=False, help_text="A manager approves their reports' goals."
    )
    check_in_reminder_days = models.PositiveSmallIntegerField(
        default=14,
        help_text="Remind owners who have not checked in for this many days (0: no reminders).",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="goalperiod_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def setting_is_open(self, day: dt.date) -> bool:
        """Whether `day` falls inside the goal-setting window (no window set
        on a side means open on that side)."""
        if self.setting_opens_on is not None and day < self.setting_opens_on:
            return False
        return self.setting_closes_on is None or day <= self.setting_closes_on

    @property
    def setting_window_text(self) -> str:
        """The window in words, for messages and page headers."""
        opens, closes = self.setting_opens_on, self.setting_closes_on
        if opens and closes:
            return f"from {opens:%-d %b %Y} to {closes:%-d %b %Y}"
        if opens:
            return f"from {opens:%-d %b %Y}"
        if closes:
            return f"until {closes:%-d %b %Y}"
        return "at any time"


class Scope(models.TextChoices):
    PERSONAL = "personal", "Personal"
    DEPARTMENT = "department", "Department"
    COMPANY = "company", "Company"


class Kind(models.TextChoices):
    COMMITTED = "committed", "Committed"
    ASPIRATIONAL = "aspirational", "Aspirational"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private (owner, manager chain, HR)"


class ObjectiveStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


class Approval(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required"
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class ObjectiveQuerySet(models.QuerySet["Objective"]):
    def visible_to(self, user: User) -> ObjectiveQuerySet:
        """Public goals to everyone in the organisation; private ones to the
        owner, their manager chain, HR (admin, and the HRBP for the owner's
        department) — and for department goals, to that department's people."""
        from cadence.core.permissions import viewer_for
        from cadence.people.models import Employee

        viewer = viewer_for(user)
        if viewer.is_hr_admin:
            return self
        if not viewer.in_organisation:
            return self.none()
        # Each rule is a column test or a non-correlated subquery, never a
        # join to the owner's employee or department rows: a join to a
        # department's employees would repeat a goal once per member (and
        # need a DISTINCT), and every join makes counting and sorting a
        # large list read far more than the goals themselves.
        people = Employee.objects.order_by()
        condition = Q(visibility=Visibility.PUBLIC)
        if viewer.employee_id is not None:
            condition |= Q(owner_employee_id=viewer.employee_id)
            if viewer.employee_path:
                subtree = people.filter(reporting_path__startswith=viewer.employee_path)
                condition |= Q(owner_employee_id__in=subtree.values("pk"))
            own_department = people.filter(pk=viewer.employee_id, department_id__isnull=False)
            condition |= Q(
                scope=Scope.DEPARTMENT,
                owner_department_id__in=own_department.values("department_id"),
            )
        if viewer.hrbp_department_ids:
            in_departments = people.filter(department_id__in=viewer.hrbp_department_ids)
            condition |= Q(owner_employee_id__in=in_departments.values("pk"))
            condition |= Q(owner_department_id__in=viewer.hrbp_department_ids)
        if viewer.executive_department_ids:
            condition |= Q(owner_department_id__in=viewer.executive_department_ids)
        return self.filter(condition)


class Objective(models.Model):
    period = models.ForeignKey(GoalPeriod, on_delete=models.PROTECT, related_name="objectives")
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.PERSONAL)
    owner_employee = models.ForeignKey(
        "people.Employee",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="objectives",
    )
    owner_department = models.ForeignKey(
        "people.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="objectives",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMMITTED)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        max_length=10, choices=ObjectiveStatus.choices, default=ObjectiveStatus.ACTIVE
    )
    approval = models.CharField(
        max_length=20, choices=Approval.choices, default=Approval.NOT_REQUIRED
    )
    # The approver's last comment, shown to the owner (what to change); the
    # audit trail keeps every earlier one.
    approval_comment = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["period", "scope", "title", "id"]
        indexes = [
            models.Index(fields=["period", "owner_employee"], name="objective_period_owner_idx"),
            models.Index(fields=["period", "scope"], name="objective_period_scope_idx"),
            # A period's roots and the goals aligned to a goal in a period
            # (the tree's levels, their counts and the goals aligned to).
            models.Index(fields=["period", "parent"], name="objective_period_parent_idx"),
            models.Index(fields=["owner_department"], name="objective_department_idx"),
            models.Index(fields=["status"], name="objective_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="objective_owner_matches_scope",
                condition=(
                    Q(
                        scope=Scope.PERSONAL,
                        owner_employee__isnull=False,
                        owner_department__isnull=True,
                    )
                    | Q(
                        scope=Scope.DEPARTMENT,
                        owner_employee__isnull=True,
                        owner_department__isnull=False,
                    )
                    | Q(
                        scope=Scope.COMPANY,
                        owner_employee__isnull=True,
                        owner_department__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(name="objective_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_aspirational(self) -> bool:
        return self.kind == Kind.ASPIRATIONAL


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"


class KeyResultType(models.TextChoices):
    METRIC = "metric", "Metric"
    MILESTONE = "milestone", "Milestone"


class Confidence(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"


class KeyResult(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(max_length=200)
    result_type = models.CharField(
        max_length=10, choices=KeyResultType.choices, default=KeyResultType.METRIC
    )
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    unit = models.CharField(max_length=30, blank=True)
    start_value = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    target_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    current_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    done = models.BooleanField(default=False, help_text="For milestones.")
    due_date = models.DateField(null=True, blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    # The definition's version (title, target, weight...), for the edit form's
    # "changed by someone else" check; check-ins are new rows and do not bump it.
    version = models.PositiveIntegerField(default=1)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["objective", "id"]
        constraints = [
            models.CheckConstraint(name="keyresult_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def progress(self) -> float:
        from cadence.goals.progress import metric_progress

        if self.result_type == KeyResultType.MILESTONE:
            return 1.0 if self.done else 0.0
        if self.target_value is None:
            return 0.0
        return metric_progress(
            start=self.start_value,
            target=self.target_value,
            current=self.current_value,
            increase=self.direction == Direction.INCREASE,
        )


class CheckIn(models.Model):
    """One update of a key result: its value (or milestone state) then, the
    owner's confidence and a comment. The history of a key result."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    # Nullable: history can be recorded by someone without a login (the demo,
    # an import from another system), and it outlives a deleted login.
    author = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    done = models.BooleanField(default=False)
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["key_result", "created_at"], name="checkin_kr_time_idx")]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.value} ({self.confidence})"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


class KpiQuerySet(models.QuerySet["Kpi"]):
    def visible_to(self, user: User) -> KpiQuerySet:
        """KPI definitions are organisation-wide reference data: everyone in
        the organisation reads them."""
        from cadence.core.permissions import viewer_for

        return self if viewer_for(user).in_organisation else self.none()


class Kpi(models.Model):
    """A key performance indicator measured over time, attached to a job
    profile (everyone in that job) or a department.

    Status of a measurement, for an "increase" KPI: red at or below the red
    threshold, amber below the amber threshold, green otherwise; a
    "decrease" KPI mirrors it (red at or above red, amber above amber)."""

    name = models.CharField(max_length=150)
    description = models.TextField(blank=True, help_text="Formula or definition.")
    unit = models.CharField(max_length=30, blank=True)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    target = models.DecimalField(max_digits=14, decimal_places=4)
    amber_threshold = models.DecimalField(max_digits=14, decimal_places=4)
    red_threshold = models.DecimalField(max_digits=14, decimal_places=4)
    job_profile = models.ForeignKey(
        "jobs.JobProfile", null=True, blank=True, on_delete=models.CASCADE, related_name="kpis"
    )
    department = models.ForeignKey(
        "people.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kpis",
    )
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KpiQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "KPI"
        constraints = [
            models.CheckConstraint(
                name="kpi_attached_to_one",
                condition=(
                    Q(job_profile__isnull=False, department__isnull=True)
                    | Q(job_profile__isnull=True, department__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class KpiMeasurement(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kpi", "measured_on"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "measured_on"], name="uniq_kpi_measurement_day")
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.measured_on}: {self.value}"
