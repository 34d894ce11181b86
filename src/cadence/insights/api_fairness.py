"""/api/v1/insights/adverse-impact: the adverse-impact page's numbers (HR
admins only: anyone else gets the JSON 403). Thin: the same
`adverse_impact` as the page, the same suppression, one access-log row per
call. An unknown outcome, attribute or stage is a 422 from the schema; a
level not on the cycle's scale a 422 naming `level`; a cycle the caller may
not see a 404."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router

from cadence.api.errors import responses
from cadence.core.models import User
from cadence.insights.access import log_aggregate_read, min_group_size, require_hr_admin
from cadence.insights.adverse_impact import (
    OUTCOMES,
    PENDING_OUTCOMES,
    STAGES,
    BadParameter,
    adverse_impact,
)
from cadence.insights.attributes import ATTRIBUTES
from cadence.insights.cycles import UnknownCycle, chosen_cycle
from cadence.insights.schemas_fairness import (
    AdverseImpactOut,
    AdverseImpactQuery,
    adverse_impact_out,
)

router = Router(tags=["insights"])


@router.get(
    "/insights/adverse-impact",
    response={200: AdverseImpactOut, **responses(401, 403, 404, 422)},
    summary="Adverse impact of an outcome on the groups of a protected attribute",
)
def get_adverse_impact(request: HttpRequest, params: Query[AdverseImpactQuery]) -> Any:
    """Per group of the protected attribute: people, people with the
    outcome, rate, impact ratio against the group with the highest rate
    (the four-fifths rule, 29 CFR 1607.4(D)), the pooled two-proportion
    Z-test and Fisher's exact test against that group (two-sided), expected
    and shortfall (expected minus actual, at the two groups' pooled rate),
    and `flagged` (ratio below 4/5 and Fisher's p below 0.05). Groups below
    the minimum group size have `enough_data: false` and nulls; "Not
    disclosed" is never compared. With no cycle at all: `cycle` null and no
    groups. HR admins only."""
    user = cast(User, request.user)
    require_hr_admin(user)
    try:
        cycle = chosen_cycle(user, str(params.cycle) if params.cycle else None)
    except UnknownCycle:
        raise Http404 from None
    if cycle is None:
        return _nothing(params)
    try:
        report = adverse_impact(
            user,
            cycle=cycle,
            outcome=params.outcome,
            attribute=params.attribute,
            stage=params.stage,
            level=params.level if params.outcome == "at_or_above" else None,
        )
    except BadParameter as problem:
        raise ValidationError({problem.field: [problem.message]}) from None
    log_aggregate_read(
        user,
        label=(
            f"Adverse impact (API): {report.outcome.label} by {report.attribute.label}, "
            f"{report.stage_label.lower()}, in {cycle.name}"
        ),
        fields=[report.attribute.key],
        context=f"insights.adverse_impact cycle={cycle.pk}",
    )
    return adverse_impact_out(report)


def _nothing(params: AdverseImpactQuery) -> dict[str, Any]:
    outcome = OUTCOMES[params.outcome]
    return {
        "cycle": None,
        "outcome": outcome.key,
        "outcome_label": outcome.label,
        "adverse_outcome": outcome.adverse,
        "attribute": params.attribute,
        "attribute_label": ATTRIBUTES[params.attribute].label,
        "stage": params.stage,
        "stage_label": STAGES[params.stage],
        "level": None,
        "people": 0,
        "has_results": False,
        "min_group_size": min_group_size(),
        "four_fifths_line": None,
        "groups": [],
        "pending_outcomes": [f"{label} ({why})" for label, why in PENDING_OUTCOMES],
    }
