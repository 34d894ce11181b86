"""Which fields of an employee record a viewer may see. One rule, used by the
profile page, the directory, the API and every export:

- everyone in the organisation: the directory fields;
- the employee themself: their whole record;
- their manager chain, the HRBP whose scope covers their department, and
  executives over their department: the work record;
- salary: HR admin, the scoped HRBP, the manager chain (and the employee);
- protected attributes: HR admin only (and the employee).
"""

from __future__ import annotations

from enum import Flag, auto

from cadence.core.permissions import Viewer
from cadence.people.models import Employee, EmploymentStatus

DIRECTORY_FIELDS = (
    "id",
    "employee_number",
    "first_name",
    "last_name",
    "preferred_name",
    "email",
    "department",
    "location",
    "job_profile",
    "manager",
)
WORK_FIELDS = ("hire_date", "status")
SALARY_FIELDS = ("salary", "currency")
PROTECTED_FIELDS = (
    "sex",
    "race_ethnicity",
    "date_of_birth",
    "age_band",
    "disability",
    "veteran_status",
)
SENSITIVE_FIELDS = SALARY_FIELDS + PROTECTED_FIELDS


class Access(Flag):
    DIRECTORY = auto()
    WORK = auto()
    SALARY = auto()
    PROTECTED = auto()


FULL = Access.DIRECTORY | Access.WORK | Access.SALARY | Access.PROTECTED


def access_to(viewer: Viewer, employee: Employee) -> Access:
    """What `viewer` may see of `employee` (assumed already visible to them)."""
    if viewer.is_hr_admin or viewer.is_self(employee.pk):
        return FULL
    access = Access.DIRECTORY
    in_hrbp_scope = employee.department_id in viewer.hrbp_department_ids
    if viewer.manages(employee.reporting_path, employee.pk) or in_hrbp_scope:
        access |= Access.WORK | Access.SALARY
    if employee.department_id in viewer.executive_department_ids:
        access |= Access.WORK
    return access


def visible_fields(access: Access) -> tuple[str, ...]:
    fields: tuple[str, ...] = DIRECTORY_FIELDS
    if Access.WORK in access:
        fields += WORK_FIELDS
    if Access.SALARY in access:
        fields += SALARY_FIELDS
    if Access.PROTECTED in access:
        fields += PROTECTED_FIELDS
    return fields


def sensitive_fields_read(access: Access) -> tuple[str, ...]:
    """The sensitive fields a read with this access discloses (for the access log)."""
    return tuple(f for f in visible_fields(access) if f in SENSITIVE_FIELDS)


def is_visible(viewer: Viewer, employee: Employee) -> bool:
    """`Employee.objects.visible_to` for one loaded row, without a query: for
    a related employee (a manager) that was joined rather than filtered."""
    if viewer.is_hr_admin:
        return True
    if not viewer.in_organisation:
        return False
    if employee.status != EmploymentStatus.TERMINATED:
        return True
    scoped = viewer.hrbp_department_ids | viewer.executive_department_ids
    return (
        viewer.is_self(employee.pk)
        or viewer.manages(employee.reporting_path, employee.pk)
        or employee.department_id in scoped
    )


def visible_manager(viewer: Viewer, employee: Employee) -> Employee | None:
    """The employee's manager, or None when the viewer may not see them (a
    former manager outside the viewer's reach must not be named)."""
    manager = employee.manager if employee.manager_id else None
    return manager if manager is not None and is_visible(viewer, manager) else None


def shows_status(viewer: Viewer, employee: Employee) -> bool:
    """Employment status (on leave, terminated) is part of the work record."""
    return Access.WORK in access_to(viewer, employee)


def writable_fields(viewer: Viewer, employee: Employee, editable: tuple[str, ...]) -> set[str]:
    """The fields of `editable` this viewer may set: HR admin all of them, an
    HRBP in scope all but the protected attributes, anyone else none."""
    if viewer.is_hr_admin:
        return set(editable)
    if employee.department_id in viewer.hrbp_department_ids:
        return set(editable) - set(PROTECTED_FIELDS)
    return set()
