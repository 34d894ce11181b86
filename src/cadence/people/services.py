"""Writes to the organisation: departments, locations and employees. Each
service is one transaction, checks the actor may make the change, validates
with field-level messages and records an audit row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import Viewer, viewer_for
from cadence.core.services import assign_fields
from cadence.people.access import writable_fields
from cadence.people.models import Department, Employee, EmploymentStatus, Location
from cadence.people.paths import CycleError, place_department, place_employee

EMPLOYEE_EDITABLE_FIELDS = (
    "employee_number",
    "first_name",
    "last_name",
    "preferred_name",
    "email",
    "department",
    "location",
    "job_profile",
    "manager",
    "hire_date",
    "status",
    "salary",
    "currency",
    "sex",
    "race_ethnicity",
    "date_of_birth",
    "age_band",
    "disability",
    "veteran_status",
)
DEPARTMENT_FIELDS = ("name", "code", "parent", "description")
LOCATION_FIELDS = ("name", "code", "country", "timezone")


class StaleVersionError(ValidationError):
    """The record changed since the editor loaded it."""

    def __init__(self) -> None:
        super().__init__(
            {"version": "This record was changed by someone else. Reload it and try again."}
        )


def can_manage_organisation(viewer: Viewer) -> bool:
    return viewer.is_hr_admin


def can_edit_employee(viewer: Viewer, employee: Employee) -> bool:
    return viewer.is_hr_admin or employee.department_id in viewer.hrbp_department_ids


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


# --- departments -----------------------------------------------------------


@transaction.atomic
def create_department(*, actor: User, **values: Any) -> Department:
    """Create a department, optionally under a parent."""
    _require(can_manage_organisation(viewer_for(actor)))
    department = Department()
    assign_fields(department, values, DEPARTMENT_FIELDS)
    department.full_clean(exclude=["path"])
    department.save()
    place_department(department)
    audit.record(
        actor, "department.create", department, after=audit.snapshot(department, DEPARTMENT_FIELDS)
    )
    return department


@transaction.atomic
def update_department(*, actor: User, department: Department, **values: Any) -> Department:
    """Rename, re-code or move a department; moving it under its own subtree
    is rejected."""
    _require(can_manage_organisation(viewer_for(actor)))
    department = Department.objects.select_for_update().get(pk=department.pk)
    before = audit.snapshot(department, DEPARTMENT_FIELDS)
    assign_fields(department, values, DEPARTMENT_FIELDS)
    department.full_clean(exclude=["path"])
    try:
        place_department(department)
    except CycleError:
        raise ValidationError(
            {"parent": "A department cannot sit under itself or one of its sub-departments."}
        ) from None
    department.save()
    old, new = audit.changed(before, audit.snapshot(department, DEPARTMENT_FIELDS))
    if new:
        audit.record(actor, "department.update", department, before=old, after=new)
    return department


@transaction.atomic
def delete_department(*, actor: User, department: Department) -> None:
    """Delete an empty department (no employees, no sub-departments)."""
    _require(can_manage_organisation(viewer_for(actor)))
    if department.children.exists():
        raise ValidationError("Move or delete its sub-departments first.")
    if department.employees.exists():
        raise ValidationError("Move its employees to another department first.")
    audit.record(
        actor, "department.delete", department, before=audit.snapshot(department, DEPARTMENT_FIELDS)
    )
    department.delete()


# --- locations -------------------------------------------------------------


@transaction.atomic
def save_location(*, actor: User, location: Location | None = None, **values: Any) -> Location:
    """Create a location, or update one when `location` is given."""
    _require(can_manage_organisation(viewer_for(actor)))
    creating = location is None
    location = location or Location()
    before = {} if creating else audit.snapshot(location, LOCATION_FIELDS)
    assign_fields(location, values, LOCATION_FIELDS)
    location.full_clean()
    location.save()
    old, new = audit.changed(before, audit.snapshot(location, LOCATION_FIELDS))
    if new:
        audit.record(
            actor,
            "location.create" if creating else "location.update",
            location,
            before=old,
            after=new,
        )
    return location


# --- employees ---------------------------------------------------------------


def _check_writable(viewer: Viewer, employee: Employee, values: Mapping[str, Any]) -> None:
    """Field-level write rights: an HRBP may not set protected attributes."""
    allowed = writable_fields(viewer, employee, EMPLOYEE_EDITABLE_FIELDS)
    refused = [name for name in values if name not in allowed]
    if refused:
        raise ValidationError({name: "You may not set this field." for name in refused})


def _validate_manager(employee: Employee, previous_manager_id: int | None = None) -> None:
    manager = employee.manager if employee.manager_id else None
    if (
        manager is not None
        and manager.pk != previous_manager_id
        and manager.status == EmploymentStatus.TERMINATED
    ):
        raise ValidationError({"manager": f"{manager.full_name} no longer works here."})
    try:
        place_employee(employee)
    except CycleError:
        raise ValidationError(
            {
                "manager": "This would make a reporting loop: "
                f"{employee.manager} already reports to {employee.full_name}."
            }
        ) from None


@transaction.atomic
def create_employee(*, actor: User, **values: Any) -> Employee:
    """Add a person to the organisation."""
    viewer = viewer_for(actor)
    employee = Employee()
    assign_fields(employee, values, EMPLOYEE_EDITABLE_FIELDS)
    _require(can_edit_employee(viewer, employee))
    _check_writable(viewer, employee, values)
    employee.full_clean(exclude=["reporting_path", "user"])
    employee.save()
    _validate_manager(employee)
    audit.record(
        actor, "employee.create", employee, after=audit.snapshot(employee, EMPLOYEE_EDITABLE_FIELDS)
    )
    return employee


@transaction.atomic
def update_employee(
    *, actor: User, employee: Employee, expected_version: int | None = None, **values: Any
) -> Employee:
    """Change an employee's record. With `expected_version`, a concurrent edit
    is refused instead of silently overwritten."""
    viewer = viewer_for(actor)
    _require(can_edit_employee(viewer, employee))
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if expected_version is not None and expected_version != employee.version:
        raise StaleVersionError
    before = audit.snapshot(employee, EMPLOYEE_EDITABLE_FIELDS)
    previous_manager_id = employee.manager_id
    _check_writable(viewer, employee, values)
    assign_fields(employee, values, EMPLOYEE_EDITABLE_FIELDS)
    # An HRBP may not move someone out of the departments they look after.
    _require(can_edit_employee(viewer, employee))
    employee.full_clean(exclude=["reporting_path", "user"])
    _validate_manager(employee, previous_manager_id)
    old, new = audit.changed(before, audit.snapshot(employee, EMPLOYEE_EDITABLE_FIELDS))
    if not new:
        return employee
    employee.version += 1
    employee.save()
    audit.record(actor, "employee.update", employee, before=old, after=new)
    return employee
