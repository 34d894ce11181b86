"""Insights page: adverse impact (HR admins only). A GET form chooses the
cycle, outcome, level (for "at or above"), protected attribute and stage;
the page shows the groups with the four-fifths rule and the significance
tests, the same outcome before and after calibration, and how to read them.
Each table downloads as CSV/XLSX with the same suppression. An unknown
outcome, attribute, stage or level is a 400 page saying which; a cycle the
viewer may not see is a 404. Each view or download is one access-log row."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cadence.core.models import User
from cadence.insights.access import log_aggregate_read, min_group_size, require_hr_admin
from cadence.insights.adverse_impact import (
    DEFAULT_OUTCOME,
    DEFAULT_STAGE,
    OUTCOMES,
    PENDING_OUTCOMES,
    STAGES,
    AdverseImpact,
    BadParameter,
    adverse_impact_stages,
    attribute_called,
    outcome_named,
    scale_levels,
    stage_named,
)
from cadence.insights.adverse_impact_tables import comparison_table, impact_table
from cadence.insights.attributes import ATTRIBUTES, DEFAULT_ATTRIBUTE
from cadence.insights.cycles import insight_cycles, requested_cycle
from cadence.insights.tables import Table, page_or_export

TEMPLATE = "insights/fairness.html"


@login_required
@require_GET
def fairness(request: HttpRequest) -> HttpResponseBase:
    user = cast(User, request.user)
    scope = require_hr_admin(user)
    cycle = requested_cycle(user, request)
    params = {
        name: request.GET.get(name, "") for name in ("outcome", "attribute", "stage", "level")
    }
    context: dict[str, Any] = {
        "scope": scope,
        "cycles": list(insight_cycles(user)[:200]),
        "cycle": cycle,
        "outcomes": OUTCOMES,
        "pending_outcomes": PENDING_OUTCOMES,
        "attributes": ATTRIBUTES,
        "stages": STAGES,
        "chosen": {
            "outcome": params["outcome"] or DEFAULT_OUTCOME,
            "attribute": params["attribute"] or DEFAULT_ATTRIBUTE,
            "stage": params["stage"] or DEFAULT_STAGE,
            "level": params["level"],
        },
        "levels": scale_levels(cycle) if cycle else [],
        "min_group_size": min_group_size(),
    }
    try:
        outcome = outcome_named(params["outcome"])
        attribute = attribute_called(params["attribute"])
        stage = stage_named(params["stage"])
        stages = (
            adverse_impact_stages(
                user,
                cycle=cycle,
                outcome=outcome.key,
                attribute=attribute.key,
                level=params["level"] if outcome.key == "at_or_above" else None,
                levels=context["levels"],
            )
            if cycle
            else None
        )
    except BadParameter as problem:
        return render(
            request, TEMPLATE, {**context, "error": problem.message, "tables": []}, status=400
        )
    tables: list[Table] = []
    report: AdverseImpact | None = None
    if cycle and stages:
        report = stages[stage]
        tables.append(impact_table(report))
        if outcome.rated:
            tables.append(comparison_table(stages))
        log_aggregate_read(
            user,
            label=(
                f"Adverse impact: {outcome.label} by {attribute.label}, "
                f"{STAGES[stage].lower()}, in {cycle.name}"
            ),
            fields=[attribute.key],
            context=f"insights.adverse_impact cycle={cycle.pk}",
        )
    context.update(
        report=report,
        outcome=outcome,
        attribute=attribute,
        stage_label=STAGES[stage],
        threshold=report.level if report else None,
    )
    return page_or_export(
        request,
        TEMPLATE,
        context,
        tables=tables,
        basename=f"adverse-impact-{cycle.pk}" if cycle else "adverse-impact",
    )
