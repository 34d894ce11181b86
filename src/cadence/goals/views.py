"""The goals pages: my goals, a goal with its key results and check-ins,
the forms that set and change them, the team summary, the alignment tree
and the company goals. Each view parses input, calls a selector or a
service, and renders; visibility lives in `visible_to`, write rules in
`rules` and `services`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.exports import download
from cadence.core.ids import local_next, parse_id
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.goals import exporting, selectors, services, tree
from cadence.goals.forms import (
    ApprovalForm,
    CheckInForm,
    KeyResultForm,
    ObjectiveForm,
    apply_service_errors,
)
from cadence.goals.models import CheckIn, GoalPeriod, KeyResult, Objective, ObjectiveStatus, Scope
from cadence.goals.progress import Band
from cadence.goals.rules import can_decide_approval, can_edit_objective


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _visible_goal(request: HttpRequest, pk: int) -> Objective:
    try:
        return selectors.get_visible_goal(_user(request), pk)
    except Objective.DoesNotExist:
        raise Http404("No such goal.") from None


def _editable_goal(request: HttpRequest, pk: int) -> Objective:
    """A goal the viewer may change; anyone else gets a 404."""
    goal = _visible_goal(request, pk)
    if not can_edit_objective(_user(request), goal):
        raise Http404("No such goal.")
    return goal


def _period_context(request: HttpRequest) -> tuple[GoalPeriod | None, dict[str, Any]]:
    periods = list(GoalPeriod.objects.order_by("-starts_on"))
    raw = request.GET.get("period", "")
    wanted = parse_id(raw)
    chosen = next((p for p in periods if p.pk == wanted), None)
    period = chosen or selectors.current_period_among(periods)
    return period, {"period": period, "periods": periods}


# --- lists --------------------------------------------------------------------------


@login_required
def my_goals(request: HttpRequest) -> HttpResponse:
    """The signed-in person's goals for a period, with progress."""
    period, context = _period_context(request)
    context["rows"] = tree.my_goal_rows(_user(request), period) if period else []
    context["setting_open"] = period is None or period.setting_is_open(timezone.localdate())
    return render(request, "goals/my_goals.html", context)


@login_required
def company(request: HttpRequest) -> HttpResponse:
    """Company goals for a period."""
    period, context = _period_context(request)
    context["rows"] = tree.company_goal_rows(_user(request), period) if period else []
    return render(request, "goals/company.html", context)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """A manager's direct and indirect reports with their goals' progress,
    a page at a time (a senior manager may have thousands)."""
    user = _user(request)
    period, context = _period_context(request)
    page = None
    rows: list[tree.TeamMemberRow] = []
    if period is not None:
        members = tree.team_members(user)
        page = Paginator(members, settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = tree.team_rows(user, period, list(page.object_list))
    context.update(rows=rows, page_obj=page)
    return render(request, "goals/team.html", context)


@login_required
def goal_tree(request: HttpRequest) -> HttpResponse:
    """Company → department → personal goals by alignment, with roll-ups, a
    level at a time: the roots, then (?parent=<id>) the goals aligned to
    one goal, a page at a time (?page=). htmx asks for the level as a
    fragment (with ?page=, only the next items); without JS the same
    addresses are whole pages."""
    period, context = _period_context(request)
    parent_id = parse_id(request.GET.get("parent"))
    parent = _visible_goal(request, parent_id) if parent_id is not None else None
    level = (
        tree.tree_level(_user(request), period, parent, request.GET.get("page")) if period else None
    )
    context.update(
        parent=parent,
        roots=level.rows if level else [],
        page_obj=level.page if level else None,
    )
    if getattr(request, "htmx", False) and level is not None:
        context["items_only"] = "page" in request.GET
        context["nodes"] = level.rows
        return render(request, "goals/_tree_nodes.html", context)
    return render(request, "goals/tree.html", context)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Goals the viewer's reports set that wait for their approval, a page
    at a time (an HR admin may have thousands)."""
    user = _user(request)
    period, context = _period_context(request)
    pending = selectors.awaiting_approval(user, period).order_by(
        "owner_employee__last_name", "owner_employee__first_name", "title", "id"
    )
    page = Paginator(pending, settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))
    goals = list(page.object_list)
    key_results = selectors.key_results_of(goals)
    context["rows"] = [
        tree.GoalRow(goal=g, progress=None, band=Band.NONE, key_results=key_results[g.pk])
        for g in goals
    ]
    context["page_obj"] = page
    context["form"] = ApprovalForm()
    return render(request, "goals/approvals.html", context)


@login_required
@require_POST
def decide_approval(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a report's goal or send it back with a comment."""
    user = _user(request)
    goal = _visible_goal(request, pk)
    back = local_next(request, request.POST.get("next"))
    form = ApprovalForm(request.POST)
    if form.is_valid():
        try:
            services.decide_approval(actor=user, objective=goal, **form.values())
        except PermissionDenied:
            raise Http404("No such goal.") from None
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            verb = "Approved" if form.values()["approve"] else "Sent back for changes:"
            messages.success(request, f"{verb} “{goal.title}”.")
            return redirect(back or "goals:approvals")
    for problem in [*form.non_field_errors(), *form.errors.get("comment", [])]:
        messages.error(request, f"“{goal.title}”: {problem}")
    return redirect(back or "goals:approvals")


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    """A period's goals the viewer may see, with progress, as CSV or XLSX
    (?format=csv|xlsx; the list filters scope, status and q apply)."""
    user = _user(request)
    if not viewer_for(user).in_organisation:
        raise Http404
    period = tree.period_from(request.GET.get("period"))
    if period is None:
        raise Http404("No goal period yet.")
    scope, status = request.GET.get("scope", ""), request.GET.get("status", "")
    filters = selectors.GoalFilters(
        scope=scope if scope in Scope.values else None,
        status=status if status in ObjectiveStatus.values else None,
        q=request.GET.get("q", "")[:200],
    )
    rows = exporting.export_rows(user, period, filters)
    basename = f"goals-{slugify(period.name) or period.pk}"
    return download(
        rows, fmt=request.GET.get("format", "csv"), basename=basename, sheet=exporting.SHEET
    )


@login_required
def goal_tree_data(request: HttpRequest) -> HttpResponse:
    """The tree as JSON: [{id, title, scope, parent_id, progress, band}]."""
    period = tree.period_from(request.GET.get("period"))
    data = tree.tree_data(_user(request), period) if period else []
    return JsonResponse(data, safe=False)


# --- one goal ------------------------------------------------------------------------


def _detail_context(
    request: HttpRequest, goal: Objective, bound: CheckInForm | None = None
) -> dict[str, Any]:
    user = _user(request)
    key_results = list(
        goal.key_results.prefetch_related(
            Prefetch(
                "check_ins",
                queryset=CheckIn.objects.select_related("author").order_by("-created_at", "-id"),
            )
        )
    )
    children = list(
        selectors.goals(user, selectors.GoalFilters(parent=goal.pk)).order_by("title", "id")
    )
    # The roll-up of this goal and of its aligned goals in its period (an
    # aligned goal of another period shows none), read for them alone rather
    # than for every goal of the period.
    in_period = [goal.pk, *(c.pk for c in children if c.period_id == goal.period_id)]
    progress = selectors.progress_of(user, in_period, [goal.period_id])
    can_edit = can_edit_objective(user, goal)
    items = []
    chart: dict[str, list[dict[str, Any]]] = {}
    for kr in key_results:
        history = list(kr.check_ins.all())
        form = bound if bound is not None and bound.key_result.pk == kr.pk else None
        if form is None and can_edit:
            form = CheckInForm(key_result=kr)
        items.append(
            {
                "kr": kr,
                "history": history,
                "form": form,
                "nudge": kr.target_value is None and kr.due_date is None,
            }
        )
        chart[str(kr.pk)] = [
            {
                "t": entry.created_at.strftime("%Y-%m-%d %H:%M"),
                "v": float(entry.value) if entry.value is not None else (1 if entry.done else 0),
            }
            for entry in reversed(history)
        ]
    value = progress.of(goal.pk)
    return {
        "can_decide": can_decide_approval(user, goal),
        "approval_form": ApprovalForm(),
        "goal": goal,
        "progress": value,
        "band": selectors.band_of(goal, value),
        "parent": selectors.visible_parent(user, goal),
        "children": tree.goal_rows(user, children, progress),
        "items": items,
        "chart_data": chart,
        "can_edit": can_edit,
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One goal: its key results, check-in history and alignment."""
    goal = _visible_goal(request, pk)
    return render(request, "goals/detail.html", _detail_context(request, goal))


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int, kr_pk: int) -> HttpResponse:
    """Record a check-in on one key result."""
    goal = _editable_goal(request, pk)
    kr = goal.key_results.filter(pk=kr_pk).first()
    if kr is None:
        raise Http404
    form = CheckInForm(request.POST, key_result=kr)
    if form.is_valid():
        try:
            services.check_in(actor=_user(request), key_result=kr, **form.values())
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, f"Checked in on “{kr.title}”.")
            return redirect("goals:detail", pk=goal.pk)
    return render(request, "goals/detail.html", _detail_context(request, goal, form), status=400)


# --- set and change goals -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Set a goal: your own, a report's, a department's or the company's."""
    user = _user(request)
    initial: dict[str, Any] = {}
    period = tree.period_from(request.GET.get("period"))
    if period is not None:
        initial["period"] = period.pk
    parent_id = parse_id(request.GET.get("parent"))
    if parent_id is not None:
        initial["parent"] = parent_id
    form = ObjectiveForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.create_objective(actor=user, **form.values())
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            form.add_error("owner", "You can set goals for yourself and the people you manage.")
        else:
            messages.success(request, f"Goal “{goal.title}” set. Now add its key results.")
            return redirect("goals:detail", pk=goal.pk)
    return render(request, "goals/objective_form.html", {"form": form, "goal": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a goal; a concurrent change is reported, not overwritten."""
    user = _user(request)
    goal = _editable_goal(request, pk)
    form = ObjectiveForm(
        request.POST or None, user=user, objective=goal, initial=ObjectiveForm.initial_for(goal)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_objective(
                actor=user,
                objective=goal,
                expected_version=form.cleaned_data.get("version"),
                **form.values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            form.add_error("owner", "You can set goals for yourself and the people you manage.")
        else:
            messages.success(request, f"Saved “{form.cleaned_data['title']}”.")
            return redirect("goals:detail", pk=goal.pk)
    return render(request, "goals/objective_form.html", {"form": form, "goal": goal})


@login_required
@require_http_methods(["GET", "POST"])
def key_result_edit(request: HttpRequest, pk: int, kr_pk: int | None = None) -> HttpResponse:
    """Add a key result to a goal, or change one when `kr_pk` is given."""
    user = _user(request)
    goal = _editable_goal(request, pk)
    kr: KeyResult | None = None
    if kr_pk is not None:
        kr = goal.key_results.filter(pk=kr_pk).first()
        if kr is None:
            raise Http404
    form = KeyResultForm(request.POST or None, instance=kr)
    if request.method == "POST" and form.is_valid():
        try:
            if kr is None:
                saved = services.add_key_result(actor=user, objective=goal, **form.values())
            else:
                saved = services.update_key_result(
                    actor=user,
                    key_result=kr,
                    expected_version=form.cleaned_data.get("version"),
                    **form.values(),
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            note = f"Saved the key result “{saved.title}”."
            if form.nudge:
                messages.warning(request, f"{note} {form.nudge}")
            else:
                messages.success(request, note)
            if "add_another" in request.POST:
                return redirect("goals:key_result_create", pk=goal.pk)
            return redirect("goals:detail", pk=goal.pk)
    return render(request, "goals/key_result_form.html", {"form": form, "goal": goal, "kr": kr})


@login_required
@require_POST
def key_result_nudge(request: HttpRequest) -> HttpResponse:
    """The measurability warning for a key result being typed (htmx)."""
    form = KeyResultForm(request.POST)
    form.is_valid()
    return render(request, "goals/_nudge.html", {"nudge": form.nudge})
