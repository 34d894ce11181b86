"""/api/v1/insights/pay-equity (HR admins only; anyone else gets the JSON
403). Thin: the same options, analysis, suppression and access-log row as
the page."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router

from cadence.api.errors import responses
from cadence.core.models import User
from cadence.insights.access import require_hr_admin
from cadence.insights.pay_equity import analyse
from cadence.insights.pay_equity_options import BadParameter, parse_options
from cadence.insights.schemas_pay import PayEquityOut, pay_equity_out
from cadence.insights.views_pay import log_read

router = Router(tags=["insights"])


@router.get(
    "/insights/pay-equity",
    response={200: PayEquityOut, **responses(401, 403, 422)},
    summary="Raw and adjusted pay gaps per group of a protected attribute",
)
def get_pay_equity(
    request: HttpRequest,
    attribute: str | None = None,
    currency: str | None = None,
    reference: str | None = None,
    control_rating: str | None = None,
    cycle: str | None = None,
) -> Any:
    """Least squares of log(salary) on job level, job family, location and
    tenure (and, with `control_rating=1`, the final rating of `cycle`, by
    default the newest with results) plus the groups of `attribute`
    (default `sex`), for active and on-leave employees paid in `currency`
    (default the most common). Per group: the raw gap and the adjusted gap
    (fractions: -0.05 is 5% less than the `reference` group, by default the
    largest with enough data) with its 95% interval and p-value. Groups
    under the minimum group size have `enough_data: false` and nulls.
    Controlling for ratings can hide bias when the ratings are biased: see
    `warnings`."""
    user = cast(User, request.user)
    scope = require_hr_admin(user)
    try:
        options = parse_options(
            user,
            attribute=attribute,
            currency=currency,
            reference=reference,
            control_rating=control_rating,
            cycle=cycle,
        )
        result = analyse(user, scope, options)
    except BadParameter as exc:
        raise ValidationError({exc.field: [exc.message]}) from None
    log_read(user, options, result)
    return pay_equity_out(result)
