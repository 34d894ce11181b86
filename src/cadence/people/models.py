"""The organisation: departments (a tree), locations and employees (a
reporting tree). Both trees keep a materialised path ("/1/5/12/") so that a
subtree or a manager chain is one indexed prefix filter, whatever the depth."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from cadence.core.models import User


def child_path(parent_path: str | None, pk: int) -> str:
    return f"{parent_path or '/'}{pk}/"


def ids_in_path(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


class Department(models.Model):
    name = models.CharField(max_length=150)
    code = models.CharField(max_length=30, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=500, db_index=True, editable=False, default="")
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return len(ids_in_path(self.path)) - 1

    def subtree(self) -> models.QuerySet[Department]:
        return Department.objects.filter(path__startswith=self.path)


class Location(models.Model):
    name = models.CharField(max_length=150)
    code = models.CharField(max_length=30, unique=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code")
    timezone = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EmploymentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_LEAVE = "on_leave", "On leave"
    TERMINATED = "terminated", "Terminated"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NON_BINARY = "non_binary", "Non-binary"
    UNDISCLOSED = "undisclosed", "Prefer not to say"


class RaceEthnicity(models.TextChoices):
    # The EEO-1 categories, with an undisclosed option.
    HISPANIC_LATINO = "hispanic_latino", "Hispanic or Latino"
    WHITE = "white", "White"
    BLACK = "black", "Black or African American"
    ASIAN = "asian", "Asian"
    NATIVE_HAWAIIAN_PACIFIC = "native_hawaiian_pacific", "Native Hawaiian or Pacific Islander"
    AMERICAN_INDIAN_ALASKA = "american_indian_alaska", "American Indian or Alaska Native"
    TWO_OR_MORE = "two_or_more", "Two or more races"
    UNDISCLOSED = "undisclosed", "Prefer not to say"


class AgeBand(models.TextChoices):
    UNDER_25 = "under_25", "Under 25"
    AGE_25_34 = "25_34", "25–34"
    AGE_35_44 = "35_44", "35–44"
    AGE_45_54 = "45_54", "45–54"
    AGE_55_PLUS = "55_plus", "55 and over"


class YesNoUndisclosed(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNDISCLOSED = "undisclosed", "Prefer not to say"


class EmployeeQuerySet(models.QuerySet["Employee"]):
    def visible_to(self, user: User) -> EmployeeQuerySet:
        """The employees `user` may see at all. Everyone with a place in the
        organisation sees the current directory; former employees only to
        HR, the scoped HRBP or executive, and their former manager chain."""
        from cadence.core.permissions import viewer_for

        viewer = viewer_for(user)
        if viewer.is_hr_admin:
            return self
        if not viewer.in_organisation:
            return self.none()
        condition = ~Q(status=EmploymentStatus.TERMINATED)
        if viewer.employee_id is not None:
            condition |= Q(pk=viewer.employee_id)
            if viewer.employee_path:
                condition |= Q(reporting_path__startswith=viewer.employee_path)
        scoped = viewer.hrbp_department_ids | viewer.executive_department_ids
        if scoped:
            condition |= Q(department_id__in=scoped)
        return self.filter(condition)

    @staticmethod
    def work_access_q(user: User) -> Q:
        """Rows whose work record `user` may read (see people.access)."""
        from cadence.core.permissions import viewer_for

        viewer = viewer_for(user)
        if viewer.is_hr_admin:
            return Q()
        condition = Q(pk__in=[])
        if viewer.employee_id is not None and viewer.employee_path:
            condition |= Q(reporting_path__startswith=viewer.employee_path)
        scoped = viewer.hrbp_department_ids | viewer.executive_department_ids
        if scoped:
            condition |= Q(department_id__in=scoped)
        return condition

    def reports_of(self, manager: Employee) -> EmployeeQuerySet:
        """Direct and indirect reports (not the manager)."""
        return self.filter(reporting_path__startswith=manager.reporting_path).exclude(pk=manager.pk)

    def with_directory_relations(self) -> EmployeeQuerySet:
        return self.select_related(
            "department", "location", "job_profile", "job_profile__level", "manager"
        )


class Employee(models.Model):
    user = models.OneToOneField(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="employee"
    )
    employee_number = models.CharField(max_length=30, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(unique=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="employees"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="employees"
    )
    job_profile = models.ForeignKey(
        "jobs.JobProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="direct_reports"
    )
    reporting_path = models.CharField(max_length=600, db_index=True, editable=False, default="")
    hire_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.ACTIVE,
        db_index=True,
    )
    # Sensitive: pay.
    salary = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, default="")
    # Sensitive: protected attributes, optional, for fairness analytics only.
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    race_ethnicity = models.CharField(max_length=30, choices=RaceEthnicity.choices, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    disability = models.CharField(max_length=12, choices=YesNoUndisclosed.choices, blank=True)
    veteran_status = models.CharField(max_length=12, choices=YesNoUndisclosed.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="employee_name_idx"),
            models.Index(fields=["department", "status"], name="employee_dept_status_idx"),
            models.Index(fields=["location"], name="employee_location_idx"),
            models.Index(fields=["job_profile"], name="employee_job_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    # What `full_name` reads: the columns to load (`only`) for a name alone.
    FULL_NAME_FIELDS = ("first_name", "last_name", "preferred_name")

    @property
    def manager_chain_ids(self) -> list[int]:
        """Ids of the managers above this person, nearest last."""
        return ids_in_path(self.reporting_path)[:-1]
