"""The development plan pages: the list (mine, my team's, HR's scope), a new
plan, one plan with its goals, actions, the two level sources, comments and
the approval form, and the small forms that post to the services. Views
parse input, call `selectors_growth` or `services_growth`, and render; a
plan the viewer may not see is a 404, a write they may not make is a 404 too
(as on the goals pages), a state that forbids it is a message."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.models import User
from cadence.development import selectors_growth as selectors
from cadence.development import services_growth as services
from cadence.development.forms_growth import (
    ActionForm,
    ActionStatusForm,
    CommentForm,
    DecisionForm,
    GoalForm,
    PlanFilterForm,
    PlanForm,
    VersionForm,
    apply_service_errors,
)
from cadence.development.models import (
    ActionStatus,
    DevelopmentAction,
    DevelopmentGoal,
    DevelopmentPlan,
    DevelopmentPlanStatus,
)
from cadence.development.selectors_growth import PlanFilters
from cadence.jobs.models import Competency


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _visible_plan(request: HttpRequest, pk: int) -> DevelopmentPlan:
    try:
        return selectors.get_visible_plan(_user(request), pk)
    except DevelopmentPlan.DoesNotExist:
        raise Http404("No such development plan.") from None


def _changeable_plan(request: HttpRequest, pk: int) -> DevelopmentPlan:
    plan = _visible_plan(request, pk)
    if not services.can_change_plan(_user(request), plan):
        raise Http404("No such development plan.")
    return plan


def _first_error(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the list -----------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the viewer may see: their own, their team's, HR's scope."""
    user = _user(request)
    form = PlanFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.plans(user, filters), settings.CADENCE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page_obj": page,
        "plans": list(page.object_list),
        "filtered": filters != PlanFilters(),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        return render(request, "development/plans/list.html#results", context)
    return render(request, "development/plans/list.html", context)


# --- create and edit the plan -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    """Start a draft plan, for oneself or (managers, HR) someone one works with."""
    user = _user(request)
    form = PlanForm(request.POST or None, user=user, new=True)
    if request.method == "POST" and form.is_valid():
        employee = form.people.get(form.cleaned_data["employee"])
        if employee is None:
            form.add_error("employee", "Choose someone from the list.")
        else:
            try:
                plan = services.create_plan(actor=user, employee=employee, **form.values())
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied:
                form.add_error("employee", "You cannot start a plan for this person.")
            else:
                messages.success(request, "Plan started. Add its development goals.")
                return redirect("development:plan_detail", pk=plan.pk)
    return render(request, "development/plans/form.html", {"form": form, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the title and dates (refused when someone else changed the plan)."""
    user = _user(request)
    plan = _changeable_plan(request, pk)
    initial = {
        "title": plan.title,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "version": plan.version,
    }
    form = PlanForm(request.POST or None, user=user, new=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(
                actor=user,
                plan=plan,
                expected_version=form.cleaned_data.get("version"),
                **form.values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Plan saved.")
            return redirect("development:plan_detail", pk=plan.pk)
    return render(request, "development/plans/form.html", {"form": form, "plan": plan})


# --- one plan -----------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, plan: DevelopmentPlan, **forms: Any) -> dict[str, Any]:
    user = _user(request)
    goals = selectors.plan_goals(plan)
    sources = selectors.competency_sources(plan.employee)
    can_change = services.can_change_plan(user, plan)
    editable = can_change and plan.status in services.EDITABLE
    can_decide = services.can_decide_plan(user, plan)
    return {
        "plan": plan,
        "rows": selectors.goal_rows(goals, sources),
        "sources": sources,
        "comments": selectors.plan_comments(plan),
        "can_change": can_change,
        "editable": editable,
        "can_decide": can_decide and plan.status == DevelopmentPlanStatus.SUBMITTED,
        "can_comment": can_change or can_decide,
        "action_status_open": can_change and plan.status != DevelopmentPlanStatus.COMPLETED,
        "action_form": forms.get("action_form") or ActionForm(),
        "action_goal": forms.get("action_goal"),
        "decision_form": forms.get("decision_form")
        or DecisionForm(initial={"version": plan.version}),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "status_choices": ActionStatus.choices,
        "Status": DevelopmentPlanStatus,
    }


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One plan: goals with their level sources, actions, comments, approval."""
    plan = _visible_plan(request, pk)
    return render(request, "development/plans/detail.html", _detail_context(request, plan))


@login_required
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a development goal, with the job profile's and the latest review's
    levels shown beside the form."""
    user = _user(request)
    plan = _changeable_plan(request, pk)
    sources = selectors.competency_sources(plan.employee)
    taken = set(plan.goals.exclude(competency=None).values_list("competency_id", flat=True))
    form = GoalForm(request.POST or None, sources=sources, taken=taken)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        competency = (
            Competency.objects.filter(pk=data["competency"]).first() if data["competency"] else None
        )
        try:
            services.add_goal(
                actor=user,
                plan=plan,
                competency=competency,
                description=data["description"],
                current_level=data["current_level"],
                target_level=data["target_level"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Goal added. Add the actions that will get there.")
            return redirect("development:plan_detail", pk=plan.pk)
    return render(
        request,
        "development/plans/goal_form.html",
        {
            "form": form,
            "plan": plan,
            "sources": sources,
            "source_rows": sources.rows(taken),
        },
    )


@login_required
@require_POST
def action_new(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    """Add an action to a goal of the plan."""
    user = _user(request)
    plan = _changeable_plan(request, pk)
    goal = DevelopmentGoal.objects.filter(plan=plan, pk=goal_pk).first()
    if goal is None:
        raise Http404("No such goal.")
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.add_action(actor=user, goal=goal, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Action “{form.cleaned_data['title']}” added.")
            return redirect("development:plan_detail", pk=plan.pk)
    context = _detail_context(request, plan, action_form=form, action_goal=goal.pk)
    return render(request, "development/plans/detail.html", context, status=400)


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Move an action on (planned, in progress, done, dropped)."""
    user = _user(request)
    plan = _changeable_plan(request, pk)
    action = (
        DevelopmentAction.objects.filter(goal__plan=plan, pk=action_pk)
        .select_related("goal__plan")
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status.")
    else:
        try:
            services.update_action(actor=user, action=action, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, f"“{action.title}”: {action.get_status_display()}.")
    return redirect("development:plan_detail", pk=plan.pk)


def _state_change(request: HttpRequest, pk: int, verb: str, done: str) -> HttpResponse:
    user = _user(request)
    plan = _changeable_plan(request, pk)
    form = VersionForm(request.POST)
    version = form.cleaned_data.get("version") if form.is_valid() else None
    service = getattr(services, f"{verb}_plan")
    try:
        service(actor=user, plan=plan, expected_version=version)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, done)
    return redirect("development:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, "submit", "Plan sent for approval.")


@login_required
@require_POST
def plan_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, "withdraw", "Plan withdrawn: it is a draft again.")


@login_required
@require_POST
def plan_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, "complete", "Plan completed.")


@login_required
@require_POST
def plan_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager chain approves or asks for changes (a comment required)."""
    user = _user(request)
    plan = _visible_plan(request, pk)
    if not services.can_decide_plan(user, plan):
        raise Http404("No such development plan.")
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_plan(
                actor=user,
                plan=plan,
                decision=data["decision"],
                comment=data["comment"],
                expected_version=data.get("version"),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            approved = data["decision"] == "approve"
            messages.success(request, "Plan approved." if approved else "Changes requested.")
            return redirect("development:plan_detail", pk=plan.pk)
    context = _detail_context(request, plan, decision_form=form)
    return render(request, "development/plans/detail.html", context, status=400)


@login_required
@require_POST
def plan_comment(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _visible_plan(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(actor=user, plan=plan, body=form.cleaned_data["body"])
        except PermissionDenied:
            raise Http404("No such development plan.") from None
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Comment added.")
            return redirect("development:plan_detail", pk=plan.pk)
    context = _detail_context(request, plan, comment_form=form)
    return render(request, "development/plans/detail.html", context, status=400)
