"""Insights page: pay equity (HR admins only), and the CSV/XLSX download of
each of its tables (?table=…&format=…). Every view and download reads
salaries and a protected attribute in aggregate, so each writes one
access-log row."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cadence.core.models import User
from cadence.insights.access import log_aggregate_read, min_group_size, require_hr_admin
from cadence.insights.attributes import ATTRIBUTES, DEFAULT_ATTRIBUTE, UNDISCLOSED
from cadence.insights.cycles import insight_cycles
from cadence.insights.pay_equity import PayEquity, analyse
from cadence.insights.pay_equity_options import (
    RATING_WARNING,
    SCREENING_NOTE,
    BadParameter,
    Options,
    parse_options,
)
from cadence.insights.pay_equity_tables import pay_equity_tables
from cadence.insights.tables import page_or_export

TEMPLATE = "insights/pay_equity.html"


def access_label(options: Options, currency: str | None) -> str:
    """What the access-log row says was analysed."""
    rating = (
        f", controlling for ratings of {options.cycle.name}"
        if options.control_rating and options.cycle
        else ""
    )
    return f"Pay equity by {options.attribute.label} ({currency or 'no salaries'}){rating}"


def log_read(user: User, options: Options, result: PayEquity) -> None:
    log_aggregate_read(
        user,
        label=access_label(options, result.currency),
        fields=["salary", options.attribute.key],
        context="insights.pay_equity",
    )


def _form(request: HttpRequest, user: User, attribute_key: str) -> dict[str, Any]:
    attribute = ATTRIBUTES.get(attribute_key) or ATTRIBUTES[DEFAULT_ATTRIBUTE]
    return {
        "attributes": list(ATTRIBUTES.values()),
        "reference_choices": [
            (g, attribute.group_label(g)) for g in attribute.groups() if g != UNDISCLOSED
        ],
        "cycles": list(insight_cycles(user)[:50]),
        "chosen": {
            name: request.GET.get(name, "")
            for name in ("attribute", "currency", "reference", "control_rating", "cycle")
        },
        "rating_warning": RATING_WARNING,
        "screening_note": SCREENING_NOTE,
        "min_group_size": min_group_size(),
    }


@login_required
@require_GET
def pay_equity(request: HttpRequest) -> HttpResponseBase:
    """Raw and adjusted pay gaps per group of a protected attribute, with
    what the model controls for and who was left out."""
    user = cast(User, request.user)
    scope = require_hr_admin(user)
    query = request.GET
    try:
        options = parse_options(
            user,
            attribute=query.get("attribute"),
            currency=query.get("currency"),
            reference=query.get("reference"),
            control_rating=query.get("control_rating"),
            cycle=query.get("cycle"),
        )
        result = analyse(user, scope, options)
    except BadParameter as exc:
        failed = {
            "scope": scope,
            "error": exc.message,
            "error_field": exc.field,
            **_form(request, user, query.get("attribute") or DEFAULT_ATTRIBUTE),
        }
        return render(request, TEMPLATE, failed, status=400)
    log_read(user, options, result)
    context: dict[str, Any] = {"scope": scope, "result": result, "options": options}
    if "table" not in query:  # the form's choices are for the page only
        context.update(_form(request, user, options.attribute.key))
    return page_or_export(
        request,
        TEMPLATE,
        context,
        tables=pay_equity_tables(result),
        basename=f"pay-equity-{result.options.attribute.key}",
    )
