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
from cadence.people.models import Employee

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
