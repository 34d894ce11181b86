from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cadence.core import logs
from cadence.core.forms import EmailAuthenticationForm
from cadence.core.models import AccessLogEntry, AuditEntry, User
from cadence.core.my_work import my_work


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """'My work': everything due for the signed-in person, block by block."""
    return render(request, "core/home.html", {"work": my_work(cast(User, request.user))})


def _csv_response(rows: Iterator[str], name: str) -> StreamingHttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cadence-{name}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _log_filters(
    request: HttpRequest, model: type[AuditEntry] | type[AccessLogEntry]
) -> tuple[logs.LogFilterForm, logs.LogFilters]:
    if not logs.can_read_logs(request.user):
        raise Http404
    form = logs.LogFilterForm(
        request.GET or None,
        object_types=logs.object_types(model),
        action_label="Action contains" if model is AuditEntry else "Context contains",
    )
    return form, logs.LogFilters.from_form(form) if request.GET else logs.LogFilters()


def _paged(request: HttpRequest, qs: QuerySet[Any]) -> Page[Any]:
    return Paginator(qs, logs.PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
@login_required
def audit_log(request: HttpRequest) -> HttpResponseBase:
    """The audit trail: every audited write, filterable, exportable as CSV."""
    form, filters = _log_filters(request, AuditEntry)
    user = cast(User, request.user)
    qs = logs.audit_entries(user, filters)
    if request.GET.get("format") == "csv":
        logs.record_export(user, AuditEntry, filters)
        return _csv_response(logs.audit_csv_rows(qs), "audit-log")
    page = _paged(request, qs)
    rows = [(entry, logs.changes(entry)) for entry in page.object_list]
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "rows": rows, "filtered": bool(filters.describe())},
    )


@require_safe
@login_required
def access_log(request: HttpRequest) -> HttpResponseBase:
    """Reads of sensitive fields (and log exports), filterable, exportable as CSV."""
    form, filters = _log_filters(request, AccessLogEntry)
    user = cast(User, request.user)
    qs = logs.access_entries(user, filters)
    if request.GET.get("format") == "csv":
        logs.record_export(user, AccessLogEntry, filters)
        return _csv_response(logs.access_csv_rows(qs), "access-log")
    page = _paged(request, qs)
    rows = [(entry, None) for entry in page.object_list]
    return render(
        request,
        "core/access_log.html",
        {"form": form, "page": page, "rows": rows, "filtered": bool(filters.describe())},
    )
