"""The results pages: my results, one result (with the acknowledgement and
the proposed-rating forms), a cycle's results and a manager's team results,
the HR release page, and the export. Each view parses input, calls a
selector or a service and renders; which results a viewer sees comes from
`visible_to`, what they read inside one from disclosure.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.exports import download
from cadence.core.ids import parse_id
from cadence.core.models import User
from cadence.people.forms import apply_service_errors
from cadence.reviews import results_export
from cadence.reviews import selectors_results as selectors
from cadence.reviews import services_results as services
from cadence.reviews.access import can_manage_cycles
from cadence.reviews.disclosure import disclose, summarise
from cadence.reviews.forms_results import (
    AcknowledgementForm,
    RatingForm,
    ReleaseForm,
    ResultFilterForm,
)
from cadence.reviews.models import Cycle, RatingLevel, ReviewResult


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _visible_result(request: HttpRequest, pk: int) -> ReviewResult:
    try:
        return selectors.visible_result(_user(request), pk)
    except ReviewResult.DoesNotExist:
        raise Http404("No such result.") from None


def _visible_cycle(request: HttpRequest, pk: int) -> Cycle:
    try:
        return selectors.visible_cycle(_user(request), pk)
    except Cycle.DoesNotExist:
        raise Http404("No such cycle.") from None


def _levels(result: ReviewResult) -> list[RatingLevel]:
    return list(RatingLevel.objects.filter(scale_id=result.cycle.template.rating_scale_id))


# --- one result ---------------------------------------------------------------------


def _detail_context(
    request: HttpRequest,
    result: ReviewResult,
    *,
    rating_form: RatingForm | None = None,
    acknowledgement_form: AcknowledgementForm | None = None,
) -> dict[str, Any]:
    user = _user(request)
    view = disclose(result, user)
    can_rate = services.can_propose_rating(user, result) and result.released_at is None
    if can_rate and rating_form is None:
        initial = {"version": result.version, "reason": result.override_reason}
        if result.manager_level_id or result.computed_level_id:
            initial["level"] = result.manager_level_id or result.computed_level_id
        rating_form = RatingForm(levels=_levels(result), initial=initial)
    can_acknowledge = services.can_acknowledge(user, result)
    if can_acknowledge and acknowledgement_form is None:
        acknowledgement_form = AcknowledgementForm()
    return {
        "view": view,
        "result": result,
        "rating_form": rating_form if can_rate else None,
        "acknowledgement_form": acknowledgement_form if can_acknowledge else None,
    }


@login_required
@require_GET
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One result as the viewer may read it."""
    result = _visible_result(request, pk)
    return render(request, "reviews/results/detail.html", _detail_context(request, result))


@login_required
@require_POST
def result_rating(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager proposes the final rating."""
    user = _user(request)
    result = _visible_result(request, pk)
    # Who may rate is answered before what was sent is checked: a reviewee
    # is refused whatever they post.
    if not services.can_propose_rating(user, result):
        raise PermissionDenied
    form = RatingForm(request.POST, levels=_levels(result))
    if form.is_valid():
        try:
            services.propose_rating(actor=user, result=result, **form.values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Rating saved for {result.employee.full_name}.")
            return redirect("reviews:result_detail", pk=result.pk)
    context = _detail_context(request, result, rating_form=form)
    return render(request, "reviews/results/detail.html", context, status=400)


@login_required
@require_POST
def result_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """The employee acknowledges their released result."""
    result = _visible_result(request, pk)
    form = AcknowledgementForm(request.POST)
    if form.is_valid():
        try:
            services.acknowledge_result(
                actor=_user(request), result=result, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your acknowledgement is recorded.")
            return redirect("reviews:result_detail", pk=result.pk)
    context = _detail_context(request, result, acknowledgement_form=form)
    return render(request, "reviews/results/detail.html", context, status=400)


# --- lists ---------------------------------------------------------------------------


@login_required
@require_GET
def my_results(request: HttpRequest) -> HttpResponse:
    """The signed-in person's released results."""
    user = _user(request)
    page = Paginator(selectors.my_results(user), settings.CADENCE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    views = summarise(list(page.object_list), user)
    return render(request, "reviews/results/my_results.html", {"views": views, "page_obj": page})


def _results_page(request: HttpRequest, pk: int, *, team: bool) -> HttpResponse:
    user = _user(request)
    cycle = _visible_cycle(request, pk)
    form: ResultFilterForm | None = None
    if team:
        queryset = selectors.team_results(user, cycle)
    else:
        levels = list(RatingLevel.objects.filter(scale_id=cycle.template.rating_scale_id))
        form = ResultFilterForm(request.GET or None, levels=levels)
        queryset = selectors.cycle_results(user, cycle, selectors.ResultFilters(**form.values()))
    page = Paginator(queryset, settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))
    views = summarise(list(page.object_list), user, with_averages=True)
    context = {
        "cycle": cycle,
        "team": team,
        "views": views,
        "page_obj": page,
        "filter_form": form,
        "can_release": can_manage_cycles(user),
        "can_export": results_export.may_export(user),
    }
    return render(request, "reviews/results/cycle_results.html", context)


@login_required
@require_GET
def cycle_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle's results the viewer may see, filtered (HR's list)."""
    return _results_page(request, pk, team=False)


@login_required
@require_GET
def team_results(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager's reports' results: computed against proposed ratings,
    override reasons, release and acknowledgement (with comments)."""
    return _results_page(request, pk, team=True)


# --- release and export ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, pk: int) -> HttpResponse:
    """HR admins release results, to everyone or per department, after a
    confirmation; the page shows what is ready and what is not."""
    user = _user(request)
    cycle = _visible_cycle(request, pk)
    if not can_manage_cycles(user):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    department_id = parse_id(request.GET.get("department"))
    if department_id is not None:
        initial["department"] = department_id
    form = ReleaseForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            department = form.chosen_department()
            try:
                summary = services.release_results(actor=user, cycle=cycle, department=department)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                scope = department.name if department else "everyone"
                note = f" {summary.not_ready} not ready yet." if summary.not_ready else ""
                messages.success(request, f"Released {summary.released} results ({scope}).{note}")
                return redirect("reviews:results_release", pk=cycle.pk)
        status = 400
    context = {
        "cycle": cycle,
        "form": form,
        "overview": selectors.release_overview(cycle),
        "releasable": cycle.stage in services.RELEASABLE_STAGES,
    }
    return render(request, "reviews/results/release.html", context, status=status)


@login_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The cycle's results as CSV or XLSX (?format=csv|xlsx): HR admins,
    and HRBPs for their departments."""
    user = _user(request)
    cycle = _visible_cycle(request, pk)
    if not results_export.may_export(user):
        raise PermissionDenied
    return download(
        results_export.export_rows(user, cycle),
        fmt=request.GET.get("format", "csv"),
        basename=f"results-{slugify(cycle.name) or cycle.pk}",
        sheet=results_export.SHEET,
    )
