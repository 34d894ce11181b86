"""Reads of the organisation, always starting from `visible_to`. Readers of
sensitive fields get them through `employee_records`, which applies the field
rules and writes the access log in one query for the whole page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.people.access import (
    Access,
    access_to,
    is_visible,
    sensitive_fields_read,
    shows_status,
    visible_fields,
    visible_manager,
)
from cadence.people.models import Department, Employee, EmploymentStatus


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    department: int | None = None
    include_subdepartments: bool = True
    location: int | None = None
    job_profile: int | None = None
    status: str | None = None
    manager: int | None = None


def directory(user: User, filters: DirectoryFilters | None = None) -> QuerySet[Employee]:
    """The employees `user` may see, filtered and searched, with the relations
    a directory row shows already joined."""
    f = filters or DirectoryFilters()
    qs = Employee.objects.visible_to(user).with_directory_relations()
    if f.q:
        for term in f.q.split()[:5]:
            qs = qs.filter(
                Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
                | Q(preferred_name__icontains=term)
                | Q(email__icontains=term)
                | Q(employee_number__iexact=term)
                | Q(job_profile__title__icontains=term)
            )
    if f.department is not None:
        if f.include_subdepartments:
            path = Department.objects.filter(pk=f.department).values_list("path", flat=True).first()
            qs = qs.filter(department__path__startswith=path) if path else qs.none()
        else:
            qs = qs.filter(department_id=f.department)
    if f.location is not None:
        qs = qs.filter(location_id=f.location)
    if f.job_profile is not None:
        qs = qs.filter(job_profile_id=f.job_profile)
    if f.status:
        # Status is part of the work record: filtering by it must not reveal
        # who is on leave to someone who may not see that.
        qs = qs.filter(Q(status=f.status) & Employee.objects.work_access_q(user))
    if f.manager is not None:
        qs = qs.filter(manager_id=f.manager)
    return qs


def get_visible_employee(user: User, pk: int) -> Employee:
    """One employee, or Employee.DoesNotExist when `user` may not see them."""
    return Employee.objects.visible_to(user).with_directory_relations().get(pk=pk)


@dataclass(frozen=True)
class EmployeeRecord:
    """An employee as one viewer may see them: `values` holds only the
    fields that viewer may read."""

    employee: Employee
    access: Access
    values: dict[str, Any]

    @property
    def can_see_work(self) -> bool:
        return Access.WORK in self.access

    @property
    def can_see_salary(self) -> bool:
        return Access.SALARY in self.access

    @property
    def can_see_protected(self) -> bool:
        return Access.PROTECTED in self.access


def employee_records(
    user: User, employees: Iterable[Employee], *, context: str
) -> list[EmployeeRecord]:
    """Apply the field rules to already-visible employees and log every read
    of a sensitive field (one INSERT for the lot)."""
    viewer = viewer_for(user)
    records: list[EmployeeRecord] = []
    reads: list[tuple[Employee, Sequence[str]]] = []
    for employee in employees:
        access = access_to(viewer, employee)
        values = {name: _field_value(employee, name) for name in visible_fields(access)}
        if values.get("manager") is not None and visible_manager(viewer, employee) is None:
            values["manager"] = None
        records.append(EmployeeRecord(employee, access, values))
        sensitive = [
            name for name in sensitive_fields_read(access) if values.get(name) not in (None, "")
        ]
        reads.append((employee, sensitive))
    audit.record_reads(user, reads, context=context)
    return records


def _field_value(employee: Employee, name: str) -> Any:
    field = employee._meta.get_field(name)
    return getattr(employee, getattr(field, "attname", name))


def org_chart_children(user: User, manager_id: int | None) -> list[Employee]:
    """The visible direct reports of one manager (or the top of the tree when
    None), each annotated with how many visible direct reports they have, so
    the chart can expand lazily. Two queries however large the organisation."""
    visible = Employee.objects.visible_to(user)
    if manager_id is None:
        level = visible.filter(manager__isnull=True)
    else:
        level = visible.filter(manager_id=manager_id)
    active_reports = Q(direct_reports__in=visible.exclude(status=EmploymentStatus.TERMINATED))
    return list(
        level.exclude(status=EmploymentStatus.TERMINATED)
        .select_related("job_profile", "department")
        .annotate(report_count=Count("direct_reports", filter=active_reports, distinct=True))
        .order_by("last_name", "first_name")
    )


def manager_chain(user: User, employee: Employee) -> list[Employee]:
    """The people above `employee` that `user` may see, top first (one
    query): a former manager outside the viewer's reach is left out."""
    viewer = viewer_for(user)
    ids = employee.manager_chain_ids
    by_id = {e.pk: e for e in Employee.objects.filter(pk__in=ids).select_related("job_profile")}
    return [by_id[i] for i in ids if i in by_id and is_visible(viewer, by_id[i])]


def mark_for_viewer(user: User, employees: Iterable[Employee]) -> list[Employee]:
    """Set `shown_manager` and `shows_status` on each row for templates, so a
    page never names a hidden former manager or shows a status the viewer may
    not read. No queries: the rows carry their manager (select_related)."""
    viewer = viewer_for(user)
    rows = list(employees)
    for row in rows:
        row.shown_manager = visible_manager(viewer, row)  # type: ignore[attr-defined]
        row.shows_status = shows_status(viewer, row)  # type: ignore[attr-defined]
    return rows
