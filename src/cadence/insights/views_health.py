"""Insights page: programme health for a cycle (?cycle=, ?department=),
over the viewer's scope. Each table downloads as CSV/XLSX (?table=&format=)
with the same "not enough data" suppression as the page. A cycle the
viewer may not see is a 404; a department outside their scope a 400 page
saying so."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cadence.core.models import User
from cadence.insights.access import InsightScope, min_group_size, require_scope
from cadence.insights.cycles import insight_cycles, requested_cycle
from cadence.insights.health import kept_programme_health
from cadence.insights.health_filters import BadParam, chosen_department, department_choices
from cadence.insights.report_cache import page_context, wants_refresh
from cadence.insights.tables import page_or_export
from cadence.people.models import Department
from cadence.reviews.models import Cycle

TEMPLATE = "insights/health.html"
CYCLES_LISTED = 200


def scope_text(scope: InsightScope) -> str:
    """Whose numbers these are, in words."""
    if scope.everyone:
        return "everyone in the organisation"
    if scope.department_ids and scope.manages_anyone:
        return "the departments you look after and the people you manage"
    if scope.department_ids:
        return "the departments you look after"
    return "the people you manage (directly and indirectly)"


def page_filters(
    request: HttpRequest, user: User, scope: InsightScope
) -> tuple[Cycle | None, dict[str, Any], Department | None, BadParam | None]:
    """The chosen cycle (404 when unknown), the filter form's context, and
    the chosen department or the problem with ?department=."""
    cycle = requested_cycle(user, request)
    choices = department_choices(scope)
    context: dict[str, Any] = {
        "scope": scope,
        "scope_text": scope_text(scope),
        "cycles": list(insight_cycles(user)[:CYCLES_LISTED]),
        "cycle": cycle,
        "departments": choices,
        "department": None,
        "min_group_size": min_group_size(),
    }
    try:
        department = chosen_department(choices, request.GET.get("department"))
    except BadParam as problem:
        return cycle, context, None, problem
    context["department"] = department
    return cycle, context, department, None


@login_required
@require_GET
def health(request: HttpRequest) -> HttpResponseBase:
    user = cast(User, request.user)
    scope = require_scope(user)
    cycle, context, department, problem = page_filters(request, user, scope)
    if problem is not None:
        return render(
            request, TEMPLATE, {**context, "error": problem.message, "tables": []}, status=400
        )
    if cycle is None:
        return page_or_export(
            request, TEMPLATE, {**context, "health": None}, tables=[], basename="programme-health"
        )
    kept_health = kept_programme_health(
        user, scope, cycle, department, refresh=wants_refresh(request)
    )
    report, tables = kept_health.value
    context.update(health=report, **page_context(kept_health))
    return page_or_export(
        request, TEMPLATE, context, tables=tables, basename=f"programme-health-{cycle.pk}"
    )
