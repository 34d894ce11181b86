"""/api/v1 endpoints for the organisation: employees and departments. Thin:
visibility comes from the selectors, rules from the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from cadence.api.errors import DETAIL_ERRORS, READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.core.permissions import viewer_for
from cadence.jobs.models import JobProfile
from cadence.people import services
from cadence.people.models import Department, Employee, Location
from cadence.people.schemas import (
    DepartmentCreate,
    DepartmentOut,
    EmployeeCreate,
    EmployeeFilters,
    EmployeeOut,
    EmployeePatch,
    employee_out,
)
from cadence.people.selectors import (
    DirectoryFilters,
    directory,
    employee_records,
    get_visible_employee,
)

router = Router(tags=["people"])

# Employee operations pass exclude_unset=True: fields the caller may not read
# are left out of the JSON rather than sent as null.


def _related(user: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Ids of related records as the records, and null as blank for text
    fields that store blank rather than null. Unknown ids are field errors."""
    sources: dict[str, models.QuerySet[Any]] = {
        "department": Department.objects.all(),
        "location": Location.objects.all(),
        "job_profile": JobProfile.objects.all(),
        "manager": Employee.objects.visible_to(user),
        "parent": Department.objects.all(),
    }
    resolved: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for name, value in values.items():
        if name in sources and value is not None:
            found = sources[name].filter(pk=value).first()
            if found is None:
                missing[name] = f"There is no {name.replace('_', ' ')} with id {value}."
            resolved[name] = found
        else:
            resolved[name] = value
    if missing:
        raise ValidationError(missing)
    return resolved


def _blank_for_null(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for name, value in values.items():
        field = model._meta.get_field(name)
        if value is None and not field.null and isinstance(field, models.CharField):
            out[name] = ""
    return out


def _one_record(request: HttpRequest, employee: Employee, context: str) -> dict[str, Any]:
    [record] = employee_records(request.user, [employee], context=context)  # type: ignore[arg-type]
    return employee_out(record)


# --- employees ---------------------------------------------------------------


@router.get(
    "/employees",
    response={200: Page[EmployeeOut], **READ_ERRORS},
    summary="List employees",
    exclude_unset=True,
)
def list_employees(
    request: HttpRequest, filters: Query[EmployeeFilters], page: Query[PageParams]
) -> Any:
    """The employees the caller may see, filtered. Each item carries only the
    fields the caller may read; reads of sensitive fields are access-logged."""
    queryset = directory(
        request.user,  # type: ignore[arg-type]
        DirectoryFilters(
            q=filters.q,
            department=filters.department,
            location=filters.location,
            job_profile=filters.job_profile,
            status=filters.status,
            manager=filters.manager,
        ),
    )
    count, employees = paginate(queryset, page)
    records = employee_records(request.user, employees, context="api.employees.list")  # type: ignore[arg-type]
    return {"count": count, "items": [employee_out(r) for r in records]}


@router.post(
    "/employees",
    response={201: EmployeeOut, **WRITE_ERRORS},
    summary="Add an employee",
    exclude_unset=True,
)
def create_employee(request: HttpRequest, payload: EmployeeCreate) -> Any:
    """HR admins, and HR business partners for their departments."""
    if not viewer_for(request.user).is_hr:
        raise PermissionDenied
    values = _blank_for_null(Employee, _related(request.user, payload.dict(exclude_unset=True)))
    employee = services.create_employee(actor=request.user, **values)  # type: ignore[arg-type]
    employee = get_visible_employee(request.user, employee.pk)  # type: ignore[arg-type]
    return Status(201, _one_record(request, employee, "api.employees.create"))


@router.get(
    "/employees/{employee_id}",
    response={200: EmployeeOut, **DETAIL_ERRORS},
    summary="Read an employee",
    exclude_unset=True,
)
def get_employee(request: HttpRequest, employee_id: int) -> Any:
    """404 when the caller may not see this person."""
    employee = _visible(request, employee_id)
    return _one_record(request, employee, "api.employees.detail")


@router.patch(
    "/employees/{employee_id}",
    response={200: EmployeeOut, **UPDATE_ERRORS},
    summary="Change an employee",
    exclude_unset=True,
)
def update_employee(request: HttpRequest, employee_id: int, payload: EmployeePatch) -> Any:
    """Change only the fields sent. Send the `version` you read to be told
    (409) when someone else changed the record in the meantime."""
    employee = _visible(request, employee_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    values = _blank_for_null(Employee, _related(request.user, changes))
    services.update_employee(
        actor=request.user,  # type: ignore[arg-type]
        employee=employee,
        expected_version=version,
        **values,
    )
    employee = _visible(request, employee_id)
    return _one_record(request, employee, "api.employees.update")


def _visible(request: HttpRequest, employee_id: int) -> Employee:
    if not 0 < employee_id <= MAX_ID:
        raise Http404
    return get_visible_employee(request.user, employee_id)  # type: ignore[arg-type]


# --- departments ---------------------------------------------------------------


def _departments(request: HttpRequest) -> models.QuerySet[Department]:
    """Everyone with a place in the organisation may read its departments."""
    if not viewer_for(request.user).in_organisation:
        return Department.objects.none()
    return Department.objects.order_by("path")


@router.get("/departments", response={200: Page[DepartmentOut], **READ_ERRORS})
def list_departments(request: HttpRequest, page: Query[PageParams]) -> Any:
    """All departments, parents before their sub-departments."""
    count, items = paginate(_departments(request), page)
    return {"count": count, "items": items}


@router.post("/departments", response={201: DepartmentOut, **WRITE_ERRORS})
def create_department(request: HttpRequest, payload: DepartmentCreate) -> Any:
    """HR admins only."""
    if not viewer_for(request.user).is_hr_admin:
        raise PermissionDenied
    values = _related(request.user, payload.dict())
    return Status(201, services.create_department(actor=request.user, **values))  # type: ignore[arg-type]


@router.get("/departments/{department_id}", response={200: DepartmentOut, **DETAIL_ERRORS})
def get_department(request: HttpRequest, department_id: int) -> Any:
    if not 0 < department_id <= MAX_ID:
        raise Http404
    return _departments(request).get(pk=department_id)
