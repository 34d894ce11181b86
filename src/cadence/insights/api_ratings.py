"""/api/v1/insights/ratings: rating analytics for a cycle over the caller's
insight scope and the results they may see — the same numbers as the page
(insights.ratings), "not enough data" as null. 403 without a scope, 404
for a cycle the caller may not see, 400 for a bad department or compare."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from cadence.api.errors import error_body
from cadence.insights.access import min_group_size
from cadence.insights.api_health import ERRORS, Refused, api_filters
from cadence.insights.health_filters import BadParam
from cadence.insights.ratings import kept_rating_analytics, previous_cycle
from cadence.insights.schemas_ratings import RatingsOut, ratings_out

router = Router(tags=["insights"])


@router.get(
    "/insights/ratings",
    response={200: RatingsOut, **ERRORS},
    summary="Rating analytics of a review cycle",
)
def get_ratings(
    request: HttpRequest,
    cycle: str | None = None,
    compare: str | None = None,
    department: str | None = None,
    refresh: bool = False,
) -> Any:
    """Distributions of the final rating (calibrated, else manager's, else
    computed) per department, job level, location, manager and cycle; the
    calibration effect; movement from `compare` (default: the newest
    earlier cycle with results on the same scale); rating against goal
    attainment. Only results the caller may see count (an executive:
    released ones). Groups under the minimum size are null. Figures are
    kept a few minutes (`as_of`); `refresh=true` recomputes them."""
    try:
        user, scope, chosen, place = api_filters(request, cycle, department)
    except Refused as refused:
        return Status(refused.status, refused.body)
    if chosen is None:
        return ratings_out(None, None, place, min_group_size())
    try:
        previous = previous_cycle(user, chosen, compare)
    except BadParam as problem:
        errors = [{"field": problem.field, "message": problem.message}]
        return Status(400, error_body("Invalid input.", errors))
    analytics = kept_rating_analytics(
        user, scope, chosen, department=place, previous=previous, refresh=refresh
    )
    report, tables = analytics.value
    return ratings_out(
        report, chosen, place, min_group_size(), tables=tables, as_of=analytics.as_of
    )
