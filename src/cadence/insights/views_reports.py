"""Reports: the executive summary PDF of a cycle and one workbook with
every insights table, for the viewer's scope. Thin: the numbers come from
the same functions as the pages (summary.py)."""

from __future__ import annotations

import tempfile
from typing import IO, cast

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from cadence.core.exports import CONTENT_TYPES, dated_filename, write_workbook
from cadence.core.models import User
from cadence.core.pdf import pdf_attachment
from cadence.insights.access import require_scope
from cadence.insights.cycles import insight_cycles, requested_cycle
from cadence.insights.summary import (
    every_table,
    executive_summary,
    render_summary_html,
    summary_filename,
)

PDF_UNAVAILABLE = (
    "The PDF cannot be made on this server (WeasyPrint or its Pango library is "
    "missing). Every table is still available as CSV or XLSX."
)


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    scope = require_scope(user)
    cycle = requested_cycle(user, request)
    context = {"scope": scope, "cycle": cycle, "cycles": list(insight_cycles(user)[:50])}
    return render(request, "insights/reports.html", context)


@login_required
@require_GET
def summary_pdf(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    scope = require_scope(user)
    cycle = requested_cycle(user, request)
    if cycle is None:
        raise Http404("There is no cycle to summarise yet.")
    summary = executive_summary(user, scope, cycle)
    return pdf_attachment(
        render_summary_html(summary), summary_filename(cycle), unavailable=PDF_UNAVAILABLE
    )


@login_required
@require_GET
def workbook(request: HttpRequest) -> HttpResponseBase:
    """Every table the viewer may see for the cycle, one sheet each."""
    user = cast(User, request.user)
    scope = require_scope(user)
    cycle = requested_cycle(user, request)
    if cycle is None:
        raise Http404("There is no cycle to export yet.")
    sheets = [
        (f"{page} - {table.title}", table.lines())
        for page, table in every_table(user, scope, cycle)
    ]
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write_workbook(sheets, spool)
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=dated_filename(f"insights-{slugify(cycle.name) or cycle.pk}", "xlsx"),
        content_type=CONTENT_TYPES["xlsx"],
    )
    response["Cache-Control"] = "no-store"
    return response
