"""The cycle pages: the list, the design form, the cycle page (stage,
deadlines, launch preview, launch and its progress, monitoring), the
preview lists and stage moves. The controlled changes to a running cycle
are in views_cycles_changes.py. Each view parses input, calls a selector
or a service, and renders. Pages for managing cycles answer 404 to anyone
but an HR admin; the cycle page answers 404 to anyone who may not see the
cycle."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.reviews import participants, selectors_cycles, services_cycles
from cadence.reviews.access import can_manage_cycles
from cadence.reviews.forms_cycles import CycleForm, CycleNameForm, StageForm, apply_service_errors
from cadence.reviews.models import Cycle, Stage

# Service field names → the form's, so errors land on the right field.
FORM_FIELD = {
    "rule_department_ids": "departments",
    "rule_location_ids": "locations",
    "rule_job_level_ids": "job_levels",
    "rule_hired_before": "hired_before",
    "included_employee_ids": "include",
    "excluded_employee_ids": "exclude",
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _hr_admin(request: HttpRequest) -> User:
    """The signed-in HR admin; anyone else gets a 404 (the pages do not exist for them)."""
    user = _user(request)
    if not can_manage_cycles(user):
        raise Http404
    return user


def _visible_cycle(request: HttpRequest, pk: int) -> Cycle:
    try:
        return selectors_cycles.get_visible_cycle(_user(request), pk)
    except Cycle.DoesNotExist:
        raise Http404("No such cycle.") from None


def managed_cycle(request: HttpRequest, pk: int) -> tuple[User, Cycle]:
    """The HR admin and the cycle (404 for anyone else)."""
    user = _hr_admin(request)
    return user, _visible_cycle(request, pk)


def _cycle_errors(form: CycleForm | CycleNameForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        error = ValidationError(
            {FORM_FIELD.get(name, name): errors for name, errors in error.error_dict.items()}
        )
    apply_service_errors(form, error)


# --- list ----------------------------------------------------------------------------


@login_required
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    """HR: every cycle with its stage, participants and completion; anyone
    else the cycles they take part or review in."""
    user = _user(request)
    viewer = viewer_for(user)
    if not viewer.in_organisation:
        raise Http404
    stage = request.GET.get("stage", "")
    cycles = selectors_cycles.cycles_for(user, stage if stage in Stage.values else None)
    page = Paginator(cycles, settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors_cycles.cycle_rows(user, list(page.object_list), timezone.localdate())
    context = {
        "rows": rows,
        "page_obj": page,
        "stage": stage,
        "stages": Stage.choices,
        "can_manage": can_manage_cycles(user),
        "is_hr": viewer.is_hr,
    }
    return render(request, "reviews/cycles/list.html", context)


# --- design --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    """Design a new cycle (a draft)."""
    user = _hr_admin(request)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services_cycles.create_cycle(actor=user, **form.values())
        except ValidationError as error:
            _cycle_errors(form, error)
        else:
            messages.success(request, f"Saved the draft cycle “{cycle.name}”. Check the preview.")
            return redirect("reviews:cycle_detail", pk=cycle.pk)
    context = {"form": form, "cycle": None, "full": True}
    return render(request, "reviews/cycles/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft's design; a launched cycle only changes its name
    (deadlines move by extension). A concurrent change is reported."""
    user, cycle = managed_cycle(request, pk)
    form: CycleForm | CycleNameForm
    if cycle.stage == Stage.DRAFT:
        form = CycleForm(request.POST or None, cycle=cycle, initial=CycleForm.initial_for(cycle))
    else:
        initial = {"name": cycle.name, "version": cycle.version}
        form = CycleNameForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = (
            form.values() if isinstance(form, CycleForm) else {"name": form.cleaned_data["name"]}
        )
        try:
            services_cycles.update_cycle(
                actor=user,
                cycle=cycle,
                expected_version=form.cleaned_data.get("version"),
                **values,
            )
        except ValidationError as error:
            _cycle_errors(form, error)
        else:
            messages.success(request, f"Saved “{values['name']}”.")
            return redirect("reviews:cycle_detail", pk=cycle.pk)
    context = {"form": form, "cycle": cycle, "full": isinstance(form, CycleForm)}
    return render(request, "reviews/cycles/form.html", context)


# --- the cycle page ----------------------------------------------------------------------


@login_required
@require_GET
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Stage and deadlines for whoever may see the cycle; for HR admins
    the launch preview and button (a draft), the progress (launching) or
    the stage controls and monitoring (running); HRBPs see monitoring over
    the reviews they may see."""
    user = _user(request)
    cycle = _visible_cycle(request, pk)
    phases = list(cycle.phases.order_by("due_on", "id"))
    can_manage = can_manage_cycles(user)
    context: dict[str, Any] = {"cycle": cycle, "phases": phases, "can_manage": can_manage}
    if can_manage and cycle.stage == Stage.DRAFT:
        preview = participants.preview(cycle)
        context["preview"] = preview
        context["out_reasons"] = [
            (key, label, preview.out_counts[key]) for key, label in participants.OUT_REASONS.items()
        ]
        context["problems"] = services_cycles.launch_problems(cycle, preview)
    if can_manage and cycle.stage in services_cycles.RUNNING_STAGES:
        context["stage_form"] = StageForm(cycle=cycle)
    if viewer_for(user).is_hr and cycle.is_running:
        monitoring = selectors_cycles.cycle_monitoring(user, cycle, timezone.localdate(), phases)
        # by_kind, by_department, phase_statuses, by_manager and overdue.
        context.update(vars(monitoring))
    return render(request, "reviews/cycles/detail.html", context)


@login_required
@require_GET
def cycle_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Who a launch takes in and leaves out, one list a page at a time."""
    _, cycle = managed_cycle(request, pk)
    show = request.GET.get("show", participants.SHOW_OUT)
    if show not in participants.SHOW_CHOICES:
        show = participants.SHOW_OUT
    reason = request.GET.get("reason", "")
    if reason not in participants.OUT_REASONS:
        reason = ""
    preview = participants.preview(cycle)
    people = Paginator(preview.listing(show, reason or None), settings.CADENCE_PAGE_SIZE)
    page = people.get_page(request.GET.get("page"))
    rows = [(e, participants.reason_label(e.reason, e.no_manager)) for e in page.object_list]
    context = {
        "cycle": cycle,
        "preview": preview,
        "show": show,
        "reason": reason,
        "shows": participants.SHOW_CHOICES,
        "out_reasons": participants.OUT_REASONS,
        "rows": rows,
        "page_obj": page,
    }
    return render(request, "reviews/cycles/preview.html", context)


@login_required
@require_POST
def cycle_launch(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the launch; the cycle page then shows its progress."""
    user, cycle = managed_cycle(request, pk)
    try:
        services_cycles.launch_cycle(actor=user, cycle=cycle)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, f"Launching “{cycle.name}”: reviews are being created.")
    return redirect("reviews:cycle_detail", pk=cycle.pk)


@login_required
@require_GET
def cycle_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The launch progress bar (htmx polls it). Once the launch is done the
    page reloads to show the running cycle."""
    _, cycle = managed_cycle(request, pk)
    response = render(request, "reviews/cycles/_progress.html", {"cycle": cycle})
    if cycle.stage != Stage.LAUNCHING and request.htmx:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def cycle_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the cycle forward to a later stage."""
    user, cycle = managed_cycle(request, pk)
    form = StageForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            services_cycles.advance_stage(
                actor=user,
                cycle=cycle,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
        else:
            label = Stage(form.cleaned_data["to"]).label
            messages.success(request, f"“{cycle.name}” moved to {label}.")
    else:
        messages.error(request, "Choose a later stage.")
    return redirect("reviews:cycle_detail", pk=cycle.pk)
