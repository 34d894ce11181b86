"""The improvement-plan pages: the list, a new plan (with its expectations
on one page), the plan, editing a draft, moving it on (with a confirmation
for extend, complete and cancel), recording a check-in, the employee's
acknowledgement and comments, and the PDF. Each view parses input, calls
one service or selector and renders. Which plans a login may open is
`ImprovementPlan.objects.visible_to` (404 otherwise, so a plan's existence
never leaks); every page that shows a plan writes the read to the access
log."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cadence.core.ids import parse_id
from cadence.core.models import User
from cadence.core.pdf import pdf_attachment
from cadence.development import pip_pdf, pip_states
from cadence.development import selectors_pips as selectors
from cadence.development import services_pips as services
from cadence.development import services_pips_record as pip_record
from cadence.development.forms_pips import (
    AcknowledgeForm,
    CheckInForm,
    CommentsForm,
    EmployeeSearchForm,
    PlanEditor,
    PlanFilterForm,
    TransitionForm,
    apply_service_errors,
)
from cadence.development.models import ImprovementPlan, PlanState
from cadence.people.models import Employee

PDF_UNAVAILABLE = (
    "The improvement plan PDF is unavailable on this server: WeasyPrint cannot load "
    "the Pango library it needs. Ask your administrator to install it "
    "(apt-get install libpango-1.0-0 libpangoft2-1.0-0). The plan page itself still works."
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _plan(request: HttpRequest, pk: int) -> ImprovementPlan:
    try:
        return selectors.visible_plan(_user(request), pk)
    except ImprovementPlan.DoesNotExist:
        raise Http404("No such improvement plan.") from None


def _runnable_plan(request: HttpRequest, pk: int) -> ImprovementPlan:
    """A plan the viewer may run (edit, move on, record check-ins); a viewer
    who may only read it (the employee) gets a 403, anyone else a 404."""
    plan = _plan(request, pk)
    if not services.can_run_plan(_user(request), plan):
        raise PermissionDenied
    return plan


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx and not htmx.boosted and not htmx.history_restore_request)


# --- the list ---------------------------------------------------------------------------------


@login_required
@require_GET
def pip_list(request: HttpRequest) -> HttpResponse:
    """The plans the viewer may read: their own once active, their reports',
    the ones they partner, all of them for HR admin."""
    user = _user(request)
    form = PlanFilterForm(request.GET or None, user=user)
    filters = form.filters()
    page = Paginator(selectors.plans_for(user, filters), settings.CADENCE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    plans = list(page.object_list)
    selectors.log_reads(user, plans, context="pip.list")
    context = {
        "form": form,
        "page_obj": page,
        "plans": plans,
        "filtered": filters != selectors.PlanFilters(),
        "can_open": selectors.may_open_any(user),
    }
    if _is_htmx(request):
        return render(request, "development/pips/list.html#results", context)
    return render(request, "development/pips/list.html", context)


# --- a new plan and editing a draft -----------------------------------------------------------


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """After a save: a redirect, or htmx's way of asking for one."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _editor_response(
    request: HttpRequest, editor: PlanEditor, *, status: int = 200
) -> HttpResponse:
    # htmx swaps only 2xx answers: the editor with its errors is one.
    if _is_htmx(request):
        status = 200
    return render(
        request,
        "development/pips/form.html",
        {"editor": editor, "employee": editor.employee, "plan": editor.plan},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pip_new(request: HttpRequest) -> HttpResponse:
    """Open a draft plan for ?employee=<id> (one of the viewer's reports, or
    anyone for HR admin); without it, find the employee first."""
    user = _user(request)
    employee_id = parse_id(request.GET.get("employee", ""))
    if employee_id is None:
        search = EmployeeSearchForm(request.GET or None)
        q = search.cleaned_data["q"] if search.is_valid() else ""
        found = list(selectors.openable_employees(user, q))
        if not found and not q and not selectors.may_open_any(user):
            raise Http404
        return render(
            request,
            "development/pips/choose_employee.html",
            {"form": search, "employees": found, "searched": bool(q)},
        )
    employee = get_object_or_404(Employee.objects.select_related("department"), pk=employee_id)
    if not services.can_open_plan(user, employee):
        raise Http404("No such employee.")
    editor = PlanEditor(request.POST if request.method == "POST" else None, employee=employee)
    if not editor.is_valid():
        return _editor_response(request, editor, status=400 if editor.has_errors else 200)
    values = editor.values()
    try:
        plan = services.open_plan(actor=user, employee=employee, **values)
    except ValidationError as error:
        editor.apply_service_errors(error)
        return _editor_response(request, editor, status=400)
    messages.success(
        request,
        "Draft saved. It is hidden from the employee until you activate it.",
    )
    return _go(request, reverse("development:pip_detail", args=[plan.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def pip_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft's terms and expectations. The editor shows the plan's
    content, so opening it is a read like the plan page (access-logged)."""
    plan = _runnable_plan(request, pk)
    if request.method == "GET":
        selectors.log_reads(_user(request), [plan], context="pip.edit")
    if plan.state != PlanState.DRAFT:
        messages.error(request, "Only a draft can be edited.")
        return redirect("development:pip_detail", pk=plan.pk)
    editor = PlanEditor(
        request.POST if request.method == "POST" else None, employee=plan.employee, plan=plan
    )
    if not editor.is_valid():
        return _editor_response(request, editor, status=400 if editor.has_errors else 200)
    values = editor.values()
    try:
        services.update_plan(
            actor=_user(request), plan=plan, expected_version=editor.version, **values
        )
    except ValidationError as error:
        editor.apply_service_errors(error)
        return _editor_response(request, editor, status=400)
    messages.success(request, "Plan saved.")
    return _go(request, reverse("development:pip_detail", args=[plan.pk]))


# --- the plan ---------------------------------------------------------------------------------


def _detail(
    request: HttpRequest,
    plan: ImprovementPlan,
    *,
    acknowledge_form: AcknowledgeForm | None = None,
    comments_form: CommentsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    record = selectors.plan_record(plan)
    selectors.log_reads(user, [plan], context="pip.view")
    can_run = services.can_run_plan(user, plan)
    is_employee = services.is_plan_employee(user, plan)
    if acknowledge_form is None and services.can_acknowledge(user, plan):
        acknowledge_form = AcknowledgeForm()
    if comments_form is None and is_employee and plan.state in pip_states.RUNNING:
        comments_form = CommentsForm(initial={"comments": plan.employee_comments})
    moves = pip_states.allowed_moves(plan.state) if can_run else {}
    context: dict[str, Any] = {
        "plan": plan,
        "record": record,
        "can_run": can_run,
        "is_employee": is_employee,
        "moves": [(state.value, move) for state, move in moves.items()],
        "acknowledge_form": acknowledge_form,
        "comments_form": comments_form,
        "running": plan.state in pip_states.RUNNING,
        "today": timezone.localdate(),
    }
    response = render(request, "development/pips/detail.html", context, status=status)
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def pip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as a record: concerns, expectations and their progress,
    support, the check-in schedule and log, acknowledgement and outcome."""
    return _detail(request, _plan(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def pip_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the plan on. GET ?to=… asks for what the move needs and a
    confirmation (extend, complete, cancel); POST does it. An illegal move
    comes back as a message on the plan page naming the state and the moves
    it allows."""
    plan = _runnable_plan(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    to = data.get("to", "")
    if not pip_states.is_legal(plan.state, to):
        if to in PlanState.values:
            messages.error(request, pip_states.illegal_move_message(plan.state, to))
        else:
            messages.error(request, "Choose what to do with the plan.")
        return redirect("development:pip_detail", pk=plan.pk)
    move = pip_states.allowed_moves(plan.state)[PlanState(to)]
    if request.method == "GET":
        form = TransitionForm(initial={"to": to, "version": plan.version}, move=move)
        return _confirm(request, plan, move, form)
    form = TransitionForm(request.POST, move=move)
    if form.is_valid():
        try:
            services.transition(
                actor=_user(request),
                plan=plan,
                to=to,
                expected_version=form.cleaned_data.get("version"),
                **form.values(),
            )
        except ValidationError as error:
            if not move.confirm:  # activate: the plan page says what is missing
                for message in _messages(error):
                    messages.error(request, message)
                return redirect("development:pip_detail", pk=plan.pk)
            apply_service_errors(form, error)
        else:
            messages.success(request, f"The plan is now {PlanState(to).label.lower()}.")
            return redirect("development:pip_detail", pk=plan.pk)
    return _confirm(request, plan, move, form, status=400)


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages_ in error.message_dict.values() for m in messages_]
    return list(error.messages)


def _confirm(
    request: HttpRequest,
    plan: ImprovementPlan,
    move: pip_states.Move,
    form: TransitionForm,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "development/pips/confirm.html",
        {"plan": plan, "move": move, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pip_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a held check-in with progress on each expectation."""
    plan = _runnable_plan(request, pk)
    if plan.state not in pip_states.RUNNING:
        messages.error(
            request,
            f"Check-ins are recorded while the plan is active or extended; it is "
            f"{plan.get_state_display().lower()}.",
        )
        return redirect("development:pip_detail", pk=plan.pk)
    record = selectors.plan_record(plan)
    selectors.log_reads(_user(request), [plan], context="pip.view")
    data = request.POST if request.method == "POST" else None
    form = CheckInForm(data, expectations=record.expectations, check_ins=record.check_ins)
    if data is not None and form.is_valid():
        try:
            pip_record.record_check_in(actor=_user(request), plan=plan, **form.values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Check-in recorded.")
            return redirect("development:pip_detail", pk=plan.pk)
    return render(
        request,
        "development/pips/check_in.html",
        {"plan": plan, "record": record, "form": form, "today": timezone.localdate()},
        status=400 if data is not None else 200,
    )


@login_required
@require_POST
def pip_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """The employee signs the plan by typing their full name."""
    plan = _plan(request, pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            pip_record.acknowledge(
                actor=_user(request),
                plan=plan,
                name=form.cleaned_data["name"],
                comments=form.cleaned_data["comments"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "You have acknowledged the plan.")
            return redirect("development:pip_detail", pk=plan.pk)
    return _detail(request, plan, acknowledge_form=form, status=400)


@login_required
@require_POST
def pip_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """The employee's own comments on the plan."""
    plan = _plan(request, pk)
    form = CommentsForm(request.POST)
    if form.is_valid():
        try:
            pip_record.set_employee_comments(
                actor=_user(request), plan=plan, comments=form.cleaned_data["comments"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Your comments are saved.")
            return redirect("development:pip_detail", pk=plan.pk)
    return _detail(request, plan, comments_form=form, status=400)


@login_required
@require_GET
def pip_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as a PDF attachment, never cached."""
    user = _user(request)
    plan = _plan(request, pk)
    made = pip_pdf.render_plan_html(plan)
    selectors.log_reads(user, [plan], context="pip.pdf")
    return pdf_attachment(made.html, made.filename, unavailable=PDF_UNAVAILABLE)
