"""The people pages: directory, profiles, the org chart and the HR-admin
pages for departments and locations. Each view parses input, calls a
selector or a service, and renders; visibility and field rules live in
`selectors`, `access` and `services`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cadence.core.ids import parse_id
from cadence.core.permissions import viewer_for
from cadence.people import selectors, services
from cadence.people.access import PROTECTED_FIELDS, access_to, visible_fields, visible_manager
from cadence.people.forms import (
    DepartmentForm,
    DirectoryFilterForm,
    EmployeeForm,
    LocationForm,
    apply_service_errors,
)
from cadence.people.models import Department, Employee, EmploymentStatus, Location, ids_in_path
from cadence.people.orgchart import org_chart_rows

View = Callable[..., HttpResponse]


def _visible_employee(request: HttpRequest, pk: int) -> Employee:
    try:
        return selectors.get_visible_employee(request.user, pk)  # type: ignore[arg-type]
    except Employee.DoesNotExist:
        raise Http404("No such person.") from None


def hr_admin_required(view: View) -> View:
    """Signed in and an HR admin; anyone else gets a 404, not a hint that the
    page exists."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.can_manage_organisation(viewer_for(request.user)):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# --- directory -----------------------------------------------------------------


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """Search and filter everyone the viewer may see, a page at a time."""
    form = DirectoryFilterForm(request.GET or None)
    people = selectors.directory(request.user, form.filters())  # type: ignore[arg-type]
    page = Paginator(people, settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.object_list = selectors.mark_for_viewer(request.user, page.object_list)  # type: ignore[arg-type]
    context = {"form": form, "page_obj": page, "querystring": query.urlencode()}
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        return render(request, "people/directory.html#results", context)
    return render(request, "people/directory.html", context)


# --- profile and edit ------------------------------------------------------------


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """One person, showing only the fields the viewer may read (the read of
    any sensitive field is written to the access log)."""
    employee = _visible_employee(request, pk)
    (record,) = selectors.employee_records(
        request.user,  # type: ignore[arg-type]
        [employee],
        context="page.profile",
    )
    reports = selectors.directory(
        request.user,  # type: ignore[arg-type]
        selectors.DirectoryFilters(manager=employee.pk),
    )
    context = {
        "employee": employee,
        "record": record,
        "values": record.values,
        "chain": selectors.manager_chain(request.user, employee),  # type: ignore[arg-type]
        "shown_manager": visible_manager(viewer_for(request.user), employee),
        "reports": selectors.mark_for_viewer(request.user, reports),  # type: ignore[arg-type]
        "can_edit": services.can_edit_employee(viewer_for(request.user), employee),
    }
    return render(request, "people/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """HR admin, or the HRBP over the person's department, edits a record."""
    employee = _visible_employee(request, pk)
    viewer = viewer_for(request.user)
    if not services.can_edit_employee(viewer, employee):
        raise Http404
    editable = tuple(
        f
        for f in services.EMPLOYEE_EDITABLE_FIELDS
        if f in visible_fields(access_to(viewer, employee))
    )
    (record,) = selectors.employee_records(
        request.user,  # type: ignore[arg-type]
        [employee],
        context="page.employee_edit",
    )
    initial = {name: record.values.get(name) for name in editable}
    initial["manager"] = employee.manager.employee_number if employee.manager else ""
    initial["version"] = employee.version
    form = EmployeeForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        user=request.user,  # type: ignore[arg-type]
        fields=editable,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_employee(
                actor=request.user,  # type: ignore[arg-type]
                employee=employee,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            form.add_error(
                "department" if "department" in form.fields else None,
                "You can only move people within the departments you look after.",
            )
        else:
            messages.success(request, f"Saved {employee.full_name}'s record.")
            return redirect("people:profile", pk=employee.pk)
    context = {
        "employee": employee,
        "form": form,
        "protected_fields": PROTECTED_FIELDS,
        "has_protected": any(name in form.fields for name in PROTECTED_FIELDS),
    }
    return render(request, "people/edit.html", context)


# --- org chart -----------------------------------------------------------------


@login_required
def org_chart(request: HttpRequest) -> HttpResponse:
    """The top of the organisation; deeper levels load on demand. With
    ?focus=<id> the path down to that person is opened."""
    focus: Employee | None = None
    expanded: list[int] = []
    focus_id = request.GET.get("focus", "")
    if parse_id(focus_id) is not None:
        focus = _visible_employee(request, int(focus_id))
        expanded = focus.manager_chain_ids
    top, children = org_chart_rows(request.user, expanded)  # type: ignore[arg-type]
    context = {"nodes": top, "children": children, "focus": focus}
    return render(request, "people/org_chart.html", context)


def _org_chart_level(request: HttpRequest, pk: int) -> list[Employee]:
    manager = _visible_employee(request, pk)
    return selectors.org_chart_children(request.user, manager.pk)  # type: ignore[arg-type]


@login_required
def org_chart_children(request: HttpRequest, pk: int) -> HttpResponse:
    """One manager's visible direct reports: an HTML fragment for htmx, or
    JSON with ?format=json."""
    if request.GET.get("format") == "json":
        return org_chart_children_json(request, pk)
    nodes = _org_chart_level(request, pk)
    return render(
        request,
        "people/_org_nodes.html",
        {"nodes": nodes, "children": {}, "parent_id": pk},
    )


@login_required
def org_chart_children_json(request: HttpRequest, pk: int) -> HttpResponse:
    """Org chart data: [{id, name, title, department, report_count}]."""
    nodes = _org_chart_level(request, pk)
    data = [
        {
            "id": node.pk,
            "name": node.full_name,
            "title": node.job_profile.title if node.job_profile else None,
            "department": node.department.name if node.department else None,
            "report_count": node.report_count,  # type: ignore[attr-defined]
        }
        for node in nodes
    ]
    return JsonResponse(data, safe=False)


# --- departments (HR admin) ----------------------------------------------------------


@hr_admin_required
def department_list(request: HttpRequest) -> HttpResponse:
    """Every department as an indented tree, with head counts."""
    departments = list(
        Department.objects.annotate(
            employee_count=Count(
                "employees", filter=~Q(employees__status=EmploymentStatus.TERMINATED)
            )
        ).order_by("path")
    )
    # Totals including sub-departments, from the direct counts (no more queries).
    totals: dict[int, int] = {}
    for department in departments:
        for ancestor in ids_in_path(department.path):
            totals[ancestor] = totals.get(ancestor, 0) + department.employee_count
    rows = [(d, d.depth, totals.get(d.pk, 0)) for d in departments]
    return render(request, "people/department_list.html", {"rows": rows})


@hr_admin_required
@require_http_methods(["GET", "POST"])
def department_create(request: HttpRequest) -> HttpResponse:
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.create_department(
                actor=request.user,  # type: ignore[arg-type]
                **form.values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Created the department {department.name}.")
            return redirect("people:department_list")
    return render(request, "people/department_form.html", {"form": form, "department": None})


@hr_admin_required
@require_http_methods(["GET", "POST"])
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    form = DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_department(
                actor=request.user,  # type: ignore[arg-type]
                department=department,
                **form.values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Saved the department {department.name}.")
            return redirect("people:department_list")
    context = {"form": form, "department": department}
    return render(request, "people/department_form.html", context)


@hr_admin_required
@require_http_methods(["GET", "POST"])
def department_delete(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    if request.method == "POST":
        try:
            services.delete_department(
                actor=request.user,  # type: ignore[arg-type]
                department=department,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"{department.name} was not deleted: {message}")
        else:
            messages.success(request, f"Deleted the department {department.name}.")
        return redirect("people:department_list")
    return render(request, "people/department_confirm_delete.html", {"department": department})


# --- locations (HR admin) --------------------------------------------------------------


@hr_admin_required
def location_list(request: HttpRequest) -> HttpResponse:
    locations = Location.objects.annotate(
        employee_count=Count("employees", filter=~Q(employees__status=EmploymentStatus.TERMINATED))
    ).order_by("name")
    return render(request, "people/location_list.html", {"locations": locations})


@hr_admin_required
@require_http_methods(["GET", "POST"])
def location_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a location, or edit one when `pk` is given."""
    location = get_object_or_404(Location, pk=pk) if pk is not None else None
    form = LocationForm(request.POST or None, instance=location)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_location(
                actor=request.user,  # type: ignore[arg-type]
                location=location,
                **form.values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Saved the location {saved.name}.")
            return redirect("people:location_list")
    return render(request, "people/location_form.html", {"form": form, "location": location})
