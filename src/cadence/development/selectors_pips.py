"""Reads of improvement plans for the pages, the API and the PDF. Which
plans a login may read is `ImprovementPlan.objects.visible_to` (see
access_pips) and nothing else; these add the filters, the joins and the
plan's record in a fixed number of queries, and write each read to the
access log (`log_reads`), because a PIP is a sensitive record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min, OuterRef, Prefetch, Q, QuerySet, Subquery

from cadence.core import audit
from cadence.core.models import Role, User
from cadence.core.permissions import viewer_for
from cadence.development.models import (
    CheckInProgress,
    ImprovementPlan,
    PlanCheckIn,
    PlanExpectation,
)
from cadence.people.models import Department, Employee, EmploymentStatus, ids_in_path
from cadence.people.search import person_matches, words

# What a list row shows, and what the record (page, API detail, PDF) shows:
# the field names written to the access log.
LIST_FIELDS = ("employee", "manager", "hr_partner", "state", "starts_on", "ends_on")
RECORD_FIELDS = (
    *LIST_FIELDS,
    "concerns",
    "support",
    "expectations",
    "check_ins",
    "extended_reason",
    "outcome",
    "outcome_summary",
    "cancel_reason",
    "acknowledged_name",
    "acknowledged_at",
    "employee_comments",
)
OPENABLE_LIMIT = 20


@dataclass(frozen=True)
class PlanFilters:
    state: str | None = None
    department: int | None = None
    q: str = ""


def log_reads(user: User, plans: Iterable[ImprovementPlan], *, context: str) -> int:
    """Write one access-log row per plan read (one query)."""
    fields = LIST_FIELDS if context.endswith(".list") else RECORD_FIELDS
    return audit.record_reads(user, [(plan, fields) for plan in plans], context=context)


def plans_for(user: User, filters: PlanFilters | None = None) -> QuerySet[ImprovementPlan]:
    """The plans `user` may read, filtered, with what a list row shows
    joined and the next check-in still to hold annotated."""
    f = filters or PlanFilters()
    next_check_in = (
        PlanCheckIn.objects.filter(plan=OuterRef("pk"), held_on__isnull=True)
        .values("plan")
        .annotate(first=Min("scheduled_on"))
        .values("first")
    )
    qs = (
        ImprovementPlan.objects.visible_to(user)
        .select_related("employee", "employee__department", "manager", "hr_partner")
        .annotate(next_check_in=Subquery(next_check_in))
        .order_by("-created_at", "-id")
    )
    if f.state:
        qs = qs.filter(state=f.state)
    if f.department is not None:
        path = Department.objects.filter(pk=f.department).values_list("path", flat=True).first()
        qs = qs.filter(employee__department__path__startswith=path) if path else qs.none()
    for word in words(f.q):
        qs = qs.filter(person_matches(word, "employee__"))
    return qs


def visible_plan(user: User, pk: int) -> ImprovementPlan:
    """One plan `user` may read (ImprovementPlan.DoesNotExist otherwise)."""
    return (
        ImprovementPlan.objects.visible_to(user)
        .select_related(
            "employee",
            "employee__department",
            "manager",
            "hr_partner",
            "acknowledged_by",
            "created_by",
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class PlanRecord:
    """A plan with its expectations and check-ins (each with its progress),
    as the detail page, the API and the PDF show it."""

    plan: ImprovementPlan
    expectations: list[PlanExpectation]
    check_ins: list[PlanCheckIn]

    @property
    def held(self) -> list[PlanCheckIn]:
        return [c for c in self.check_ins if c.held_on is not None]

    @property
    def upcoming(self) -> list[PlanCheckIn]:
        return [c for c in self.check_ins if c.held_on is None]


def plan_record(plan: ImprovementPlan) -> PlanRecord:
    """The plan's record in three queries, whatever its size."""
    expectations = list(plan.expectations.order_by("position", "id"))
    check_ins = list(
        plan.check_ins.select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=CheckInProgress.objects.select_related("expectation").order_by(
                    "expectation__position", "expectation_id"
                ),
            )
        )
        .order_by("scheduled_on", "id")
    )
    return PlanRecord(plan=plan, expectations=expectations, check_ins=check_ins)


def partner_choices(employee: Employee) -> QuerySet[User]:
    """The logins that may be the HR partner of a plan for `employee`: HR
    admins, and the HRBPs whose scope holds the employee's department."""
    condition = Q(is_superuser=True) | Q(role_assignments__role=Role.HR_ADMIN)
    if employee.department is not None:
        ids = ids_in_path(employee.department.path)
        condition |= Q(role_assignments__role=Role.HRBP, role_assignments__department_id__in=ids)
    users = User.objects.filter(condition, is_active=True).distinct()
    if employee.user_id is not None:
        users = users.exclude(pk=employee.user_id)
    return users.order_by("display_name", "email")


def openable_employees(user: User, q: str = "") -> QuerySet[Employee]:
    """The people `user` may open a plan for (HR admin: anyone still at
    work; a manager: their reports), searched by name, at most 20."""
    viewer = viewer_for(user)
    qs = Employee.objects.exclude(status=EmploymentStatus.TERMINATED).select_related("department")
    if not viewer.is_hr_admin:
        qs = qs.filter(viewer.reports_q())
    for word in words(q):
        qs = qs.filter(person_matches(word))
    return qs.order_by("last_name", "first_name", "id")[:OPENABLE_LIMIT]


def may_open_any(user: User) -> bool:
    """Whether to offer "New plan": HR admin, or someone with reports."""
    viewer = viewer_for(user)
    if viewer.is_hr_admin:
        return True
    if viewer.employee_id is None or not viewer.employee_path:
        return False
    return Employee.objects.filter(manager_id=viewer.employee_id).exists()


def plan_departments(user: User) -> QuerySet[Department]:
    """The departments of the employees whose plans `user` may read (the
    list's filter)."""
    visible = ImprovementPlan.objects.visible_to(user).values("employee__department_id")
    return Department.objects.filter(pk__in=visible).order_by("path")


def due_check_ins(today: dt.date, horizon_days: int) -> QuerySet[PlanCheckIn]:
    """Check-ins of running plans not yet held and scheduled up to
    `horizon_days` ahead (overdue ones included), with their plan."""
    from cadence.development.pip_states import RUNNING

    return (
        PlanCheckIn.objects.filter(
            plan__state__in=RUNNING,
            held_on__isnull=True,
            scheduled_on__lte=today + dt.timedelta(days=horizon_days),
        )
        .select_related("plan", "plan__employee", "plan__manager")
        .order_by("pk")
    )


def open_check_ins_for(user: User, until: dt.date) -> QuerySet[PlanCheckIn]:
    """Check-ins not yet held, scheduled up to `until` (overdue included), of
    the running plans `user` may read — for "my work": a manager's or HR
    partner's check-ins to hold, an employee's own coming up. One query;
    the caller writes the reads it shows to the access log."""
    from cadence.development.pip_states import RUNNING

    plans = ImprovementPlan.objects.visible_to(user).filter(state__in=RUNNING)
    return (
        PlanCheckIn.objects.filter(plan__in=plans, held_on__isnull=True, scheduled_on__lte=until)
        .select_related("plan", "plan__employee")
        .order_by("scheduled_on", "id")
    )
