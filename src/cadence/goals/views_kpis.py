"""The KPI pages: the list with status and trend, one KPI with its chart and
measurements, the definition form, hand entry of a measurement and the
measurement import (upload → dry run → save). Each view parses input, calls
`cadence.goals.kpis` and renders; visibility is `Kpi.objects.visible_to`,
write rules are `can_manage_kpi` / `can_manage_any_kpi` in the services.

Between the import's dry run and its save, the uploaded bytes are kept on
disk under VAR_DIR/kpi-imports, named by a random token and bound to the
uploader, as the employee import does (see the note on `_stash_upload`)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.models import User
from cadence.core.numbers import plain_number
from cadence.goals.forms_kpis import (
    KpiFilterForm,
    KpiForm,
    MeasurementForm,
    MeasurementUploadForm,
    apply_service_errors,
)
from cadence.goals.kpi_import import IMPORT_COLUMNS, ImportResult, import_measurements
from cadence.goals.kpis import (
    KpiFilters,
    KpiSummary,
    Status,
    can_manage_any_kpi,
    can_manage_kpi,
    create_kpi,
    kpi_status,
    kpis_for,
    measurements_of,
    record_measurement,
    summaries,
    update_kpi,
)
from cadence.goals.models import Kpi, KpiMeasurement

View = Callable[..., HttpResponse]

MEASUREMENTS_PER_PAGE = 20
# The chart shows at most this many of the latest measurements: a year of
# daily values, or seven of weekly ones.
CHART_POINTS = 366
MAX_ERRORS_SHOWN = 1000
SAMPLE_CSV = (
    "kpi,measured_on,value,note\r\n"
    "Deploys per week,2025-01-31,18,\r\n"
    "Deploys per week,2025-02-28,21.5,Release freeze lifted\r\n"
    "42,2025-02-28,3.25,KPI given by its id\r\n"
)
OUT_OF_SCOPE = "You may define KPIs only for the departments you look after."


def _user(request: HttpRequest) -> User:
    """The signed-in user (login_required has checked there is one)."""
    return cast(User, request.user)


def kpi_managers_only(view: View) -> View:
    """Signed in and allowed to manage some KPI; anyone else gets a 404,
    as for the other write-only pages (jobs, the employee import)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_any_kpi(_user(request)):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _visible_kpi(request: HttpRequest, pk: int) -> Kpi:
    return get_object_or_404(
        Kpi.objects.visible_to(_user(request)).select_related("job_profile", "department"),
        pk=pk,
    )


def _manageable_kpi(request: HttpRequest, pk: int) -> Kpi:
    """A KPI the viewer may manage; anyone else gets a 404."""
    kpi = _visible_kpi(request, pk)
    if not can_manage_kpi(_user(request), kpi):
        raise Http404("No such KPI.")
    return kpi


# --- the list ------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiRow:
    """One line of the list: a KPI with its latest value ready to show."""

    kpi: Kpi
    latest_value: str
    latest_on: dt.date | None
    status: Status | None
    trend: str


def _row(summary: KpiSummary) -> KpiRow:
    latest = summary.latest
    return KpiRow(
        kpi=summary.kpi,
        latest_value=plain_number(latest.value) if latest else "",
        latest_on=latest.measured_on if latest else None,
        status=summary.status,
        trend=summary.trend,
    )


@login_required
@require_GET
def kpi_list(request: HttpRequest) -> HttpResponse:
    """Every KPI the viewer may see, with its latest value, status and trend."""
    user = _user(request)
    form = KpiFilterForm(request.GET or None, user=user)
    filters = form.filters()
    page = Paginator(kpis_for(user, filters), settings.CADENCE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Status and trend for this page's KPIs only: one query whatever the page size.
    rows = [_row(summary) for summary in summaries(page.object_list)]
    context = {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "filtered": filters != KpiFilters(),
        "can_manage": can_manage_any_kpi(user),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        return render(request, "goals/kpis/list.html#results", context)
    return render(request, "goals/kpis/list.html", context)


# --- one KPI -------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasurementRow:
    measurement: KpiMeasurement
    value: str
    status: Status


def _detail_context(
    request: HttpRequest, kpi: Kpi, form: MeasurementForm | None = None
) -> dict[str, Any]:
    user = _user(request)
    summary = summaries([kpi])[0]
    can_manage = can_manage_kpi(user, kpi)
    newest_first = measurements_of(kpi)
    points = list(newest_first.values_list("measured_on", "value")[:CHART_POINTS])
    points.reverse()
    page = Paginator(newest_first.select_related("entered_by"), MEASUREMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    history = [
        MeasurementRow(measurement=m, value=plain_number(m.value), status=kpi_status(kpi, m.value))
        for m in page.object_list
    ]
    chart = {
        "unit": kpi.unit,
        "target": float(kpi.target),
        "amber": float(kpi.amber_threshold),
        "red": float(kpi.red_threshold),
        "points": [{"date": day.isoformat(), "value": float(value)} for day, value in points],
    }
    if form is None and can_manage:
        form = MeasurementForm(kpi=kpi)
    return {
        "kpi": kpi,
        "summary": _row(summary),
        "numbers": {
            "target": plain_number(kpi.target),
            "amber": plain_number(kpi.amber_threshold),
            "red": plain_number(kpi.red_threshold),
        },
        "chart_data": chart,
        "chart_is_partial": page.paginator.count > CHART_POINTS,
        "chart_points": CHART_POINTS,
        "page_obj": page,
        "history": history,
        "form": form,
        "can_manage": can_manage,
    }


@login_required
@require_GET
def kpi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One KPI: its definition, status, chart against target and measurements."""
    kpi = _visible_kpi(request, pk)
    return render(request, "goals/kpis/detail.html", _detail_context(request, kpi))


@login_required
@require_POST
def kpi_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a measurement by hand; a second value for a day replaces the first."""
    kpi = _manageable_kpi(request, pk)
    form = MeasurementForm(request.POST, kpi=kpi)
    if form.is_valid():
        values = form.values()
        # Only for the message: the service itself decides insert or replace.
        replacing = kpi.measurements.filter(measured_on=values["measured_on"]).exists()
        try:
            record_measurement(actor=_user(request), kpi=kpi, **values)
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            raise Http404("No such KPI.") from None
        else:
            day = f"{values['measured_on']:%-d %b %Y}"
            shown = f"{plain_number(values['value'])}{' ' + kpi.unit if kpi.unit else ''}"
            if replacing:
                messages.success(request, f"Replaced the value for {day} with {shown}.")
            else:
                messages.success(request, f"Recorded {shown} for {day}.")
            return redirect("goals:kpi_detail", pk=kpi.pk)
    return render(
        request, "goals/kpis/detail.html", _detail_context(request, kpi, form), status=400
    )


# --- define and change KPIs ----------------------------------------------------------------


@kpi_managers_only
@require_http_methods(["GET", "POST"])
def kpi_create(request: HttpRequest) -> HttpResponse:
    """Define a KPI. The page is for those who may manage some KPI (404 for
    anyone else); a refusal for the chosen attachment is a field error, since
    choosing another one fixes it."""
    user = _user(request)
    form = KpiForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            kpi = create_kpi(actor=user, **form.values())
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            form.add_error("department", OUT_OF_SCOPE)
        else:
            messages.success(request, f"KPI “{kpi.name}” defined. Record its first measurement.")
            return redirect("goals:kpi_detail", pk=kpi.pk)
    return render(request, "goals/kpis/form.html", {"form": form, "kpi": None})


@login_required
@require_http_methods(["GET", "POST"])
def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a KPI's definition; a concurrent change is reported, not overwritten."""
    user = _user(request)
    kpi = _manageable_kpi(request, pk)
    form = KpiForm(request.POST or None, user=user, instance=kpi, initial={"version": kpi.version})
    if request.method == "POST" and form.is_valid():
        try:
            update_kpi(
                actor=user,
                kpi=kpi,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            form.add_error("department", OUT_OF_SCOPE)
        else:
            messages.success(request, f"Saved “{form.cleaned_data['name']}”.")
            return redirect("goals:kpi_detail", pk=kpi.pk)
    return render(request, "goals/kpis/form.html", {"form": form, "kpi": kpi})


# --- the upload kept between the dry run and the save --------------------------------------
#
# The employee import keeps its parsed table the same way (people/views_transfer.py), but its
# helpers are private to that module and store a parsed table, while `import_measurements`
# reads the file itself; these keep the bytes. Both could share one helper in core.

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")
STASH_SECONDS = 24 * 3600


def _stash_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "kpi-imports"
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _stash_path(token: str) -> Path:
    if not TOKEN_RE.match(token):
        raise Http404
    return _stash_dir() / f"{token}.json"


def _sweep_old_stashes() -> None:
    cutoff = time.time() - STASH_SECONDS
    for path in _stash_dir().glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _stash_upload(user: User, filename: str, data: bytes) -> str:
    """Keep an uploaded file for its uploader; returns the token naming it."""
    _sweep_old_stashes()
    token = secrets.token_urlsafe(16)
    path = _stash_path(token)
    temporary = path.with_suffix(".tmp")
    stash = {
        "user_id": user.pk,
        "filename": Path(filename).name[:200],
        "data": base64.b64encode(data).decode("ascii"),
    }
    temporary.write_text(json.dumps(stash), encoding="utf-8")
    temporary.replace(path)
    return token


def _stashed_upload(request: HttpRequest, token: str) -> tuple[str, bytes]:
    """The file kept under `token`: (filename, bytes). 404 when it is gone or
    was uploaded by someone else."""
    try:
        stash = json.loads(_stash_path(token).read_text(encoding="utf-8"))
        if stash.get("user_id") != request.user.pk:
            raise Http404
        return str(stash["filename"]), base64.b64decode(stash["data"], validate=True)
    except (OSError, ValueError, KeyError, TypeError, binascii.Error):
        raise Http404 from None


def _forget_upload(token: str) -> None:
    _stash_path(token).unlink(missing_ok=True)


# --- measurement import ----------------------------------------------------------------------


def _import(user: User, filename: str, data: bytes, *, dry_run: bool) -> ImportResult:
    return import_measurements(
        actor=user, fileobj=io.BytesIO(data), filename=filename, dry_run=dry_run
    )


def _errors_context(result: ImportResult) -> dict[str, Any]:
    return {
        "errors": result.errors[:MAX_ERRORS_SHOWN],
        "error_count": len(result.errors),
        "error_lines": len({e.line for e in result.errors if e.line}),
        "more_errors": max(len(result.errors) - MAX_ERRORS_SHOWN, 0),
    }


@kpi_managers_only
@require_http_methods(["GET", "POST"])
def kpi_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a file; it is checked at once (a dry run, nothing saved).
    A file with any bad row is reported here; a good one goes to the preview."""
    user = _user(request)
    form = MeasurementUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "columns": IMPORT_COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        filename = upload.name or "upload.csv"
        result = _import(user, filename, data, dry_run=True)
        if result.ok:
            token = _stash_upload(user, filename, data)
            return redirect("goals:kpi_upload_preview", token=token)
        context |= {"filename": filename, **_errors_context(result)}
    return render(request, "goals/kpis/upload.html", context)


@kpi_managers_only
@require_GET
def kpi_upload_sample(request: HttpRequest) -> HttpResponse:
    """An example file with the columns the import reads."""
    response = HttpResponse(SAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kpi-measurements-sample.csv"'
    return response


def _preview(request: HttpRequest, token: str, filename: str, result: ImportResult) -> HttpResponse:
    context = {"token": token, "filename": filename, "result": result, **_errors_context(result)}
    return render(request, "goals/kpis/upload_preview.html", context)


@kpi_managers_only
@require_GET
def kpi_upload_preview(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: what saving the file would do (checked again, nothing saved)."""
    filename, data = _stashed_upload(request, token)
    return _preview(request, token, filename, _import(_user(request), filename, data, dry_run=True))


@kpi_managers_only
@require_POST
def kpi_upload_apply(request: HttpRequest, token: str) -> HttpResponse:
    """Step 3: save every row of the file, or nothing."""
    filename, data = _stashed_upload(request, token)
    result = _import(_user(request), filename, data, dry_run=False)
    if not result.ok:
        # Something changed since the preview (a KPI renamed, a scope taken away).
        return _preview(request, token, filename, result)
    _forget_upload(token)
    messages.success(
        request,
        f"Saved {result.rows} measurement{'s' if result.rows != 1 else ''} from {filename}: "
        f"{result.created} new, {result.updated} replacing existing values.",
    )
    return redirect("goals:kpi_list")
