"""Insights page: rating analytics for a cycle (?cycle=, ?compare=,
?department=), over the viewer's scope and the results they may see (an
executive: released ones only). Each table downloads as CSV/XLSX with the
same suppression. A cycle the viewer may not see is a 404; a bad
?department or ?compare a 400 page saying which."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cadence.core.models import User
from cadence.insights.access import require_scope
from cadence.insights.health_filters import BadParam
from cadence.insights.ratings import kept_rating_analytics, previous_cycle, scale_id
from cadence.insights.report_cache import page_context, wants_refresh
from cadence.insights.tables import page_or_export
from cadence.insights.views_health import page_filters

TEMPLATE = "insights/ratings.html"


@login_required
@require_GET
def ratings(request: HttpRequest) -> HttpResponseBase:
    user = cast(User, request.user)
    scope = require_scope(user)
    cycle, context, department, problem = page_filters(request, user, scope)
    context["compare_choices"] = (
        [c for c in context["cycles"] if c.pk != cycle.pk and scale_id(c) == scale_id(cycle)]
        if cycle
        else []
    )
    kept_ratings = None
    if problem is None and cycle is not None:
        try:
            previous = previous_cycle(user, cycle, request.GET.get("compare"))
        except BadParam as bad:
            problem = bad
        else:
            kept_ratings = kept_rating_analytics(
                user,
                scope,
                cycle,
                department=department,
                previous=previous,
                refresh=wants_refresh(request),
            )
    if problem is not None:
        return render(
            request, TEMPLATE, {**context, "error": problem.message, "tables": []}, status=400
        )
    if kept_ratings is None or cycle is None:
        return page_or_export(
            request, TEMPLATE, {**context, "ratings": None}, tables=[], basename="ratings"
        )
    report, tables = kept_ratings.value
    context.update(ratings=report, **page_context(kept_ratings))
    return page_or_export(request, TEMPLATE, context, tables=tables, basename=f"ratings-{cycle.pk}")
