"""/api/v1 endpoints for KPIs and their measurements. Thin: visibility from
`Kpi.objects.visible_to`, rules (who manages a KPI, threshold order, the
all-or-nothing batch of measurements) from `goals.kpis`. A KPI the caller
may not see answers 404; one they may see but not manage, 403."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404, HttpRequest
from ninja import Body, Query, Router, Status

from cadence.api.errors import (
    DETAIL_ERRORS,
    READ_ERRORS,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    responses,
)
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.api.related import resolve_related
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.goals import kpis
from cadence.goals.models import Kpi
from cadence.goals.schemas_kpis import (
    KpiCreate,
    KpiFilters,
    KpiOut,
    KpiPatch,
    MeasurementFilters,
    MeasurementOut,
    MeasurementsIn,
    MeasurementsRecordedOut,
    kpi_out,
    measurement_out,
)
from cadence.jobs.models import JobProfile
from cadence.people.models import Department

router = Router(tags=["kpis"])

# Writes under a KPI that exists: 404 when it is not visible, 403 when it is
# visible but not the caller's to manage.
MEASUREMENT_WRITE_ERRORS = responses(400, 401, 403, 404, 422)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _related(user: User, values: dict[str, Any]) -> dict[str, Any]:
    """Job profile and department ids as the records. An unknown id is an
    error on that field; null stays null (it detaches)."""
    in_org = viewer_for(user).in_organisation
    sources: dict[str, models.QuerySet[Any]] = {
        "job_profile": JobProfile.objects.all() if in_org else JobProfile.objects.none(),
        "department": Department.objects.all() if in_org else Department.objects.none(),
    }
    return resolve_related(values, sources)


def _visible_kpi(request: HttpRequest, kpi_id: int) -> Kpi:
    """The KPI with its job profile and department, or 404 when the caller
    may not see it."""
    if not 0 < kpi_id <= MAX_ID:
        raise Http404
    kpi = kpis.kpis_for(_user(request)).filter(pk=kpi_id).first()
    if kpi is None:
        raise Http404
    return kpi


def _kpi_json(kpi: Kpi) -> dict[str, Any]:
    return kpi_out(kpis.summaries([kpi])[0])


# --- KPIs --------------------------------------------------------------------


@router.get(
    "/kpis",
    response={200: Page[KpiOut], **READ_ERRORS},
    summary="List KPIs",
    exclude_unset=True,
)
def list_kpis(request: HttpRequest, filters: Query[KpiFilters], page: Query[PageParams]) -> Any:
    """The KPIs, by name, each with its latest measurement, status and trend.
    `status` filters on the status of the latest measurement."""
    queryset = kpis.kpis_for(
        _user(request),
        kpis.KpiFilters(
            job_profile=filters.job_profile,
            department=filters.department,
            active=filters.active,
            status=filters.status,
            q=filters.q,
        ),
    )
    count, items = paginate(queryset, page)
    return {"count": count, "items": [kpi_out(s) for s in kpis.summaries(items)]}


@router.post(
    "/kpis",
    response={201: KpiOut, **WRITE_ERRORS},
    summary="Define a KPI",
    exclude_unset=True,
)
def create_kpi(request: HttpRequest, payload: KpiCreate) -> Any:
    """For a job profile (HR admins) or a department (HR admins, or the HRBP
    for it)."""
    user = _user(request)
    kpi = kpis.create_kpi(actor=user, **_related(user, payload.dict()))
    # Read back, so numbers come out as every other read gives them.
    return Status(201, _kpi_json(_visible_kpi(request, kpi.pk)))


@router.get(
    "/kpis/{kpi_id}",
    response={200: KpiOut, **DETAIL_ERRORS},
    summary="Read a KPI",
    exclude_unset=True,
)
def get_kpi(request: HttpRequest, kpi_id: int) -> Any:
    return _kpi_json(_visible_kpi(request, kpi_id))


@router.patch(
    "/kpis/{kpi_id}",
    response={200: KpiOut, **UPDATE_ERRORS},
    summary="Change a KPI",
    exclude_unset=True,
)
def update_kpi(request: HttpRequest, kpi_id: int, payload: KpiPatch) -> Any:
    """Change only the fields sent. Send the `version` you read to be told
    (409) when someone else changed the KPI in the meantime."""
    user = _user(request)
    kpi = _visible_kpi(request, kpi_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    kpis.update_kpi(actor=user, kpi=kpi, expected_version=version, **_related(user, changes))
    return _kpi_json(_visible_kpi(request, kpi_id))


# --- measurements ------------------------------------------------------------


@router.get(
    "/kpis/{kpi_id}/measurements",
    response={200: Page[MeasurementOut], **DETAIL_ERRORS},
    summary="List a KPI's measurements",
)
def list_measurements(
    request: HttpRequest,
    kpi_id: int,
    filters: Query[MeasurementFilters],
    page: Query[PageParams],
) -> Any:
    """Newest first, each with its status."""
    kpi = _visible_kpi(request, kpi_id)
    queryset = kpis.measurements_of(kpi, since=filters.since, until=filters.until)
    count, items = paginate(queryset, page)
    return {"count": count, "items": [measurement_out(kpi, m) for m in items]}


@router.post(
    "/kpis/{kpi_id}/measurements",
    response={201: MeasurementsRecordedOut, **MEASUREMENT_WRITE_ERRORS},
    summary="Record measurements",
)
def record_measurements(
    request: HttpRequest, kpi_id: int, measurements: Body[MeasurementsIn]
) -> Any:
    """One measurement object, or a list of up to 1,000. All or nothing:
    every item is checked and every problem reported, named by the item's
    position ("3.value"; a single object is item 0), and nothing is saved
    if any item is wrong. A day given twice is an error on the later item;
    a day that already has a value is replaced. Whoever may manage the KPI."""
    kpi = _visible_kpi(request, kpi_id)
    result = kpis.record_measurements(
        actor=_user(request), kpi=kpi, items=[m.to_new() for m in measurements]
    )
    return Status(
        201,
        {
            "created": result.created,
            "updated": result.updated,
            "items": [measurement_out(kpi, m) for m in result.measurements],
        },
    )
