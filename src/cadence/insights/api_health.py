"""/api/v1/insights/health: programme health for a cycle over the caller's
insight scope — the same numbers as the page (insights.health), with
"not enough data" as null. 403 without a scope, 404 for a cycle the caller
may not see, 400 for a department outside their scope."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Status

from cadence.api.errors import error_body, responses
from cadence.core.models import User
from cadence.insights.access import InsightScope, min_group_size, require_scope
from cadence.insights.cycles import UnknownCycle, chosen_cycle
from cadence.insights.health import kept_programme_health
from cadence.insights.health_filters import BadParam, chosen_department, department_choices
from cadence.insights.report_cache import kept
from cadence.insights.schemas_health import HealthOut, health_out
from cadence.people.models import Department
from cadence.reviews.models import Cycle

router = Router(tags=["insights"])
ERRORS = responses(400, 401, 403, 404, 422)


class Refused(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body["detail"])
        self.status = status
        self.body = body


def api_filters(
    request: HttpRequest, cycle: str | None, department: str | None
) -> tuple[User, InsightScope, Cycle | None, Department | None]:
    """The caller, their scope (PermissionDenied → 403), the cycle (Refused
    404) and the department (Refused 400)."""
    user = cast(User, request.user)
    scope = require_scope(user)
    try:
        chosen = chosen_cycle(user, cycle)
    except UnknownCycle:
        raise Refused(
            404,
            error_body(
                "No such review cycle.",
                [{"field": "cycle", "message": "cycle must be a review cycle you may see."}],
            ),
        ) from None
    try:
        place = chosen_department(department_choices(scope), department)
    except BadParam as problem:
        raise Refused(
            400,
            error_body("Invalid input.", [{"field": problem.field, "message": problem.message}]),
        ) from None
    return user, scope, chosen, place


@router.get(
    "/insights/health",
    response={200: HealthOut, **ERRORS},
    summary="Programme health of a review cycle",
)
def get_health(
    request: HttpRequest,
    cycle: str | None = None,
    department: str | None = None,
    refresh: bool = False,
) -> Any:
    """Completion and on-time rates per phase, department and manager; time
    to complete; review quality; the trend across cycles; goal coverage,
    check-ins, feedback and 1:1 adherence — over the people the caller's
    insights cover (HR admin: everyone; HRBP and executive: their
    departments; a manager: their reports). `cycle` defaults to the newest
    with results; `department` narrows to one department and those below
    it. Groups under the minimum size are null with `enough_data: false`.
    Figures are kept a few minutes (`as_of` says when they were computed);
    `refresh=true` recomputes them."""
    try:
        user, scope, chosen, place = api_filters(request, cycle, department)
    except Refused as refused:
        return Status(refused.status, refused.body)
    if chosen is None:
        return health_out(None, None, place, min_group_size())

    def compute() -> dict[str, Any]:
        # The page's kept figures serve the API too (and the other way round).
        health = kept_programme_health(user, scope, chosen, place, refresh=refresh)
        report, tables = health.value
        return health_out(
            report, chosen, place, min_group_size(), tables=tables, as_of=health.as_of
        )

    filters = (chosen.pk, place.pk if place else None)
    return kept("health-api", scope, filters, compute, refresh=refresh).value
