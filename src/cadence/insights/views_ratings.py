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
from cadence.insights.ratings import previous_cycle, rating_analytics, scale_id
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
    report = None
    if problem is None and cycle is not None:
        try:
            previous = previous_cycle(user, cycle, request.GET.get("compare"))
        except BadParam as bad:
            problem = bad
        else:
            report = rating_analytics(user, scope, cycle, department=department, previous=previous)
    if problem is not None:
        return render(
            request, TEMPLATE, {**context, "error": problem.message, "tables": []}, status=400
        )
    context["ratings"] = report
    return page_or_export(
        request,
        TEMPLATE,
        context,
        tables=report.tables() if report else [],
        basename=f"ratings-{cycle.pk}" if cycle else "ratings",
    )
