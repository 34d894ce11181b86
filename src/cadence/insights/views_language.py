"""Insights page: review language (HR admins only). A GET form chooses the
cycle, the protected attribute and the kind of review; the page shows the
personality criticism received per group (with the significance tests and
a chart), each reviewer's shares, and the cycle's totals. Counts and
shares only: no review text is ever shown here or in the downloads. An
unknown attribute or kind is a 400 page saying which; a cycle the viewer
may not see is a 404. Each view or download is one access-log row."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cadence.core.models import User
from cadence.insights.access import log_aggregate_read, min_group_size, require_hr_admin
from cadence.insights.attributes import ATTRIBUTES, DEFAULT_ATTRIBUTE, attribute_named
from cadence.insights.cycles import insight_cycles, requested_cycle
from cadence.insights.language_report import (
    KINDS,
    LanguageReport,
    UnknownKind,
    kind_named,
    language_report,
    language_tables,
)
from cadence.insights.report_cache import kept, page_context, wants_refresh
from cadence.insights.tables import Table, page_or_export

TEMPLATE = "insights/language.html"


@login_required
@require_GET
def language(request: HttpRequest) -> HttpResponseBase:
    user = cast(User, request.user)
    scope = require_hr_admin(user)
    cycle = requested_cycle(user, request)
    raw_attribute = request.GET.get("attribute", "")
    raw_kind = request.GET.get("kind", "")
    context: dict[str, Any] = {
        "scope": scope,
        "cycles": list(insight_cycles(user)[:200]),
        "cycle": cycle,
        "attributes": ATTRIBUTES,
        "kinds": {key: label for key, (label, _) in KINDS.items()},
        "chosen": {"attribute": raw_attribute or DEFAULT_ATTRIBUTE, "kind": raw_kind},
        "min_group_size": min_group_size(),
        "report": None,
    }
    attribute = attribute_named(raw_attribute)
    try:
        if attribute is None:
            raise UnknownKind(f"attribute must be one of: {', '.join(ATTRIBUTES)}")
        kind = kind_named(raw_kind)
    except UnknownKind as problem:
        return render(
            request, TEMPLATE, {**context, "error": str(problem), "tables": []}, status=400
        )
    tables: list[Table] = []
    if cycle is not None:
        chosen_cycle, chosen_attribute = cycle, attribute

        def compute() -> tuple[LanguageReport, list[Table]]:
            report = language_report(
                user, cycle=chosen_cycle, attribute=chosen_attribute, kind=kind
            )
            return report, language_tables(report)

        checked = kept(
            "language",
            scope,
            (cycle.pk, attribute.key, kind),
            compute,
            refresh=wants_refresh(request),
        )
        report, tables = checked.value
        context.update(report=report, **page_context(checked))
        log_aggregate_read(
            user,
            label=(
                f"Review language by {attribute.label} ({KINDS[kind][0].lower()}) in {cycle.name}"
            ),
            fields=[attribute.key],
            context=f"insights.language cycle={cycle.pk}",
        )
    return page_or_export(
        request,
        TEMPLATE,
        context,
        tables=tables,
        basename=f"review-language-{cycle.pk}" if cycle else "review-language",
    )
