"""The succession pages: the list of critical roles (filters, search, the
risk × impact matrix, CSV export), a role with its successors, bench
strength and suggested candidates, and the forms that post to
`services_succession`.

Who gets what: someone with no succession access at all (managers,
employees, auditors) gets a 404 on every page, as does anyone for a role
outside their scope; an executive may read the roles in their scope but
gets a 403 on every write."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core import exports
from cadence.core.models import User
from cadence.people.models import Employee
from cadence.talent import selectors_succession as selectors
from cadence.talent import services_succession as services
from cadence.talent.forms_succession import (
    RoleFilterForm,
    RoleForm,
    SuccessorAddForm,
    SuccessorForm,
    VersionForm,
    apply_service_errors,
    people_options,
)
from cadence.talent.models import CriticalRole, Readiness, Successor
from cadence.talent.selectors_succession import RoleFilters

PAGE_SIZE = 25
TEMPLATES = "talent/succession/"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _require_access(request: HttpRequest) -> User:
    user = _user(request)
    if not selectors.can_see_succession(user):
        raise Http404("No such page.")
    return user


def _visible_role(request: HttpRequest, pk: int) -> CriticalRole:
    try:
        return selectors.get_visible_role(_user(request), pk)
    except CriticalRole.DoesNotExist:
        raise Http404("No such critical role.") from None


def _changeable_role(request: HttpRequest, pk: int) -> CriticalRole:
    """A role the viewer may change: 404 when they cannot see it, 403 when
    they only read it (executives)."""
    role = _visible_role(request, pk)
    if not selectors.can_change_role(_user(request), role):
        raise PermissionDenied
    return role


def _successor(role: CriticalRole, pk: int) -> Successor:
    try:
        return selectors.get_successor(role, pk)
    except Successor.DoesNotExist:
        raise Http404("No such successor.") from None


# --- the list -----------------------------------------------------------------------------


@login_required
@require_GET
def role_list(request: HttpRequest) -> HttpResponseBase:
    """The critical roles in the viewer's scope, with bench strength, the
    risk × impact matrix and a CSV export of the filtered list."""
    user = _require_access(request)
    form = RoleFilterForm(request.GET or None, user=user)
    filters = form.filters()
    queryset = selectors.roles(user, filters)
    if request.GET.get("format") == "csv":
        return exports.download(
            selectors.csv_rows(queryset),
            fmt="csv",
            basename="succession-plans",
            sheet="Succession plans",
        )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    matrix_filters = RoleFilters(q=filters.q, department=filters.department, bench=filters.bench)
    context = {
        "form": form,
        "page_obj": page,
        "rows": [(role, selectors.bench_of(role)) for role in page.object_list],
        "filtered": filters != RoleFilters(),
        "filters": filters,
        "matrix": selectors.risk_matrix(selectors.roles(user, matrix_filters)),
        "can_create": selectors.can_create_roles(user),
        "export_query": request.GET.urlencode(),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        return render(request, TEMPLATES + "list.html#results", context)
    return render(request, TEMPLATES + "list.html", context)


# --- create, edit, delete a role ----------------------------------------------------------


def _role_form(request: HttpRequest, user: User, **kwargs: Any) -> RoleForm:
    return RoleForm(
        request.POST or None, user=user, people=Employee.objects.visible_to(user), **kwargs
    )


def _form_page(
    request: HttpRequest, form: RoleForm, role: CriticalRole | None, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "role": role,
        "people": people_options(selectors.incumbent_people(_user(request))),
    }
    return render(request, TEMPLATES + "form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def role_new(request: HttpRequest) -> HttpResponse:
    """Add a critical role (HR admins; HRBPs in their departments)."""
    user = _require_access(request)
    if not selectors.can_create_roles(user):
        raise PermissionDenied
    form = _role_form(request, user)
    if request.method == "POST":
        if form.is_valid():
            try:
                role = services.create_role(actor=user, **form.values())
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied:
                form.add_error("department", "Choose a department you look after.")
            else:
                messages.success(request, f"Critical role “{role.title}” added. Name successors.")
                return redirect("talent:succession_detail", pk=role.pk)
        return _form_page(request, form, None, status=400)
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a role (refused when someone else changed it meanwhile)."""
    user = _user(request)
    role = _changeable_role(request, pk)
    initial = {
        "title": role.title,
        "job_profile": role.job_profile_id,
        "incumbent": role.incumbent.employee_number if role.incumbent else "",
        "department": role.department_id,
        "risk_of_loss": role.risk_of_loss,
        "impact_of_loss": role.impact_of_loss,
        "notes": role.notes,
        "version": role.version,
    }
    form = _role_form(request, user, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_role(
                    actor=user,
                    role=role,
                    expected_version=form.cleaned_data.get("version"),
                    **form.values(),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied:
                form.add_error("department", "Choose a department you look after.")
            else:
                messages.success(request, "Critical role saved.")
                return redirect("talent:succession_detail", pk=role.pk)
        return _form_page(request, form, role, status=400)
    return _form_page(request, form, role)


@login_required
@require_http_methods(["GET", "POST"])
def role_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a role and its successors, after a confirmation page."""
    user = _user(request)
    role = _changeable_role(request, pk)
    successors = selectors.role_successors(role)
    if request.method == "POST":
        form = VersionForm(request.POST)
        version = form.cleaned_data.get("version") if form.is_valid() else None
        try:
            services.delete_role(actor=user, role=role, expected_version=version)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("talent:succession_detail", pk=role.pk)
        messages.success(request, f"Critical role “{role.title}” deleted.")
        return redirect("talent:succession_list")
    return render(
        request, TEMPLATES + "confirm_delete.html", {"role": role, "successors": successors}
    )


# --- one role -----------------------------------------------------------------------------------


def _detail_context(
    request: HttpRequest, role: CriticalRole, add_form: SuccessorAddForm | None = None
) -> dict[str, Any]:
    user = _user(request)
    successors = selectors.role_successors(role)
    can_change = selectors.can_change_role(user, role)
    return {
        "role": role,
        "successors": successors,
        "bench": selectors.bench_from_successors(successors),
        "can_change": can_change,
        "add_form": add_form or SuccessorAddForm(),
        "people": people_options(selectors.addable_people(user, role)) if can_change else [],
        "suggestions": selectors.suggestions(user, role),
        "readiness_choices": Readiness.choices,
    }


@login_required
@require_GET
def role_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A role: its bench, successors, the form to name one, suggestions."""
    role = _visible_role(request, pk)
    return render(request, TEMPLATES + "detail.html", _detail_context(request, role))


@login_required
@require_POST
def successor_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a successor (from the form or a suggestion's button)."""
    user = _user(request)
    role = _changeable_role(request, pk)
    form = SuccessorAddForm(request.POST, people=Employee.objects.visible_to(user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            successor = services.add_successor(
                actor=user,
                role=role,
                employee=data["employee"],
                readiness=data["readiness"],
                notes=data["notes"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{successor.employee.full_name} named a successor "
                f"({successor.get_readiness_display().lower()}).",
            )
            return redirect("talent:succession_detail", pk=role.pk)
    role = _visible_role(request, pk)
    context = _detail_context(request, role, add_form=form)
    return render(request, TEMPLATES + "detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def successor_edit(request: HttpRequest, pk: int, successor_pk: int) -> HttpResponse:
    """Change a successor's readiness or notes."""
    user = _user(request)
    role = _changeable_role(request, pk)
    successor = _successor(role, successor_pk)
    initial = {"readiness": successor.readiness, "notes": successor.notes, "version": role.version}
    form = SuccessorForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_successor(
                    actor=user,
                    successor=successor,
                    expected_version=data.get("version"),
                    readiness=data["readiness"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"{successor.employee.full_name}: saved.")
                return redirect("talent:succession_detail", pk=role.pk)
        status = 400
    context = {"role": role, "successor": successor, "form": form}
    return render(request, TEMPLATES + "successor_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def successor_remove(request: HttpRequest, pk: int, successor_pk: int) -> HttpResponse:
    """Take a successor off the plan, after a confirmation page."""
    user = _user(request)
    role = _changeable_role(request, pk)
    successor = _successor(role, successor_pk)
    if request.method == "POST":
        form = VersionForm(request.POST)
        version = form.cleaned_data.get("version") if form.is_valid() else None
        try:
            services.remove_successor(actor=user, successor=successor, expected_version=version)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{successor.employee.full_name} removed from the plan.")
        return redirect("talent:succession_detail", pk=role.pk)
    return render(
        request, TEMPLATES + "successor_confirm_remove.html", {"role": role, "successor": successor}
    )
