"""KPIs: who may define and measure them, the status and trend of a
measurement, recording measurements (one, or a batch all-or-nothing), and
the reads the pages and the API list them with. The file import is in
`kpi_import.py` and shares the checks and the bulk write below.

Writes follow the goals services: keyword-only, the actor first, one
transaction, the audit row inside it. A KPI is managed by HR admin, or by
the HRBP whose scope holds the KPI's department; job-profile KPIs are
organisation-wide, so only HR admin manages them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import RowNumber

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.core.services import assign_fields
from cadence.goals.models import Direction, Kpi, KpiMeasurement

Status = Literal["green", "amber", "red"]
Trend = Literal["up", "down", "flat"]

KPI_FIELDS = (
    "name",
    "description",
    "unit",
    "direction",
    "frequency",
    "target",
    "amber_threshold",
    "red_threshold",
    "job_profile",
    "department",
    "is_active",
)
MEASUREMENT_FIELDS = ("kpi", "measured_on", "value", "note")
STALE_MESSAGE = "This KPI was changed by someone else. Reload it and try again."
# A relative change smaller than this, over the trend window, counts as flat.
FLAT_TOLERANCE = Decimal("0.005")
# The most measurements one call of record_measurements takes (the API's bulk limit).
MAX_MEASUREMENTS_PER_CALL = 1000
# KpiMeasurement.value is DecimalField(max_digits=14, decimal_places=4).
_MAX_ABS_VALUE = Decimal("1e10")
_VALUE_STEP = Decimal("0.0001")
NOTE_MAX = KpiMeasurement._meta.get_field("note").max_length or 300


# --- status and trend ------------------------------------------------------------------


def kpi_status(kpi: Kpi, value: Decimal | int | float) -> Status:
    """Green, amber or red for a measured value (see the Kpi docstring).
    Increase: red at or below red, amber below amber, green otherwise.
    Decrease mirrors it: red at or above red, amber above amber.
    `with_latest_status` is the same rule in SQL: change both together."""
    v = Decimal(str(value))
    if kpi.direction == Direction.DECREASE:
        if v >= kpi.red_threshold:
            return "red"
        if v > kpi.amber_threshold:
            return "amber"
        return "green"
    if v <= kpi.red_threshold:
        return "red"
    if v < kpi.amber_threshold:
        return "amber"
    return "green"


def trend(values: Sequence[Decimal | int | float]) -> Trend:
    """Which way the measurements (oldest first) are moving: the least-squares
    slope of the last three, or last against previous when there are only
    two. A move under 0.5% of the largest value in the window is flat. This
    is the direction of the number, not whether it is good."""
    window = [Decimal(str(v)) for v in values[-3:]]
    if len(window) < 2:
        return "flat"
    # For x = 0, 1, 2 the least-squares slope is (last - first) / 2; for two
    # points it is their difference. Either way the sign is last - first.
    change = (window[-1] - window[0]) / (len(window) - 1)
    tolerance = FLAT_TOLERANCE * max(abs(v) for v in window)
    if abs(change) <= tolerance:
        return "flat"
    return "up" if change > 0 else "down"


# --- permissions -------------------------------------------------------------------------


def can_manage_kpi(user: User, kpi: Kpi) -> bool:
    """HR admin; or the HRBP for a department KPI within their scope."""
    viewer = viewer_for(user)
    if viewer.is_hr_admin:
        return True
    return kpi.department_id is not None and kpi.department_id in viewer.hrbp_department_ids


def can_manage_any_kpi(user: User) -> bool:
    """Whether the login may manage some KPI (shows the import and the forms)."""
    return viewer_for(user).is_hr


# --- KPI definitions ------------------------------------------------------------------


def _validate_kpi(kpi: Kpi) -> None:
    # Said in words before full_clean, which would only name the constraint.
    if kpi.job_profile_id is not None and kpi.department_id is not None:
        raise ValidationError(
            {"department": "A KPI belongs to a job profile or a department, not both."}
        )
    if kpi.job_profile_id is None and kpi.department_id is None:
        raise ValidationError(
            {NON_FIELD_ERRORS: "Attach the KPI to a job profile or a department."}
        )
    kpi.full_clean()
    if kpi.direction == Direction.DECREASE:
        if kpi.red_threshold < kpi.amber_threshold:
            raise ValidationError(
                {
                    "red_threshold": "For a KPI where lower is better, the red threshold "
                    "must be at or above the amber threshold."
                }
            )
    elif kpi.red_threshold > kpi.amber_threshold:
        raise ValidationError(
            {
                "red_threshold": "For a KPI where higher is better, the red threshold "
                "must be at or below the amber threshold."
            }
        )


@transaction.atomic
def create_kpi(*, actor: User, **values: Any) -> Kpi:
    """Define a KPI for a job profile (HR admin) or a department (HR admin,
    or the HRBP for it)."""
    kpi = Kpi()
    assign_fields(kpi, values, KPI_FIELDS)
    if not can_manage_kpi(actor, kpi):
        raise PermissionDenied
    _validate_kpi(kpi)
    kpi.save()
    audit.record(actor, "kpi.create", kpi, after=audit.snapshot(kpi, KPI_FIELDS))
    return kpi


@transaction.atomic
def update_kpi(*, actor: User, kpi: Kpi, expected_version: int | None = None, **values: Any) -> Kpi:
    """Change a KPI's definition. With `expected_version`, a concurrent edit
    is refused."""
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk)
    if not can_manage_kpi(actor, kpi):
        raise PermissionDenied
    if expected_version is not None and expected_version != kpi.version:
        raise ValidationError({"version": STALE_MESSAGE})
    before = audit.snapshot(kpi, KPI_FIELDS)
    assign_fields(kpi, values, KPI_FIELDS)
    if not can_manage_kpi(actor, kpi):  # e.g. moving it to a department out of scope
        raise PermissionDenied
    _validate_kpi(kpi)
    old, new = audit.changed(before, audit.snapshot(kpi, KPI_FIELDS))
    if not new:
        return kpi
    kpi.version += 1
    kpi.save()
    audit.record(actor, "kpi.update", kpi, before=old, after=new)
    return kpi


# --- measurements: checks and the bulk write shared with the import ------------------------


@dataclass(frozen=True)
class NewMeasurement:
    """One value to record for a KPI: the day, the value, an optional note."""

    measured_on: dt.date
    value: Decimal
    note: str = ""


@dataclass(frozen=True)
class MeasurementRow:
    """A checked measurement of a given KPI, ready for `save_measurements`."""

    kpi: Kpi
    measured_on: dt.date
    value: Decimal
    note: str = ""


def value_problem(value: Decimal) -> str | None:
    """Why `value` cannot be stored as a measurement, or None when it can."""
    if not value.is_finite():
        return "The value must be a number."
    if abs(value) >= _MAX_ABS_VALUE or value != value.quantize(_VALUE_STEP):
        return "The value must be below 10,000,000,000 with at most 4 decimal places."
    return None


def note_problem(note: str) -> str | None:
    """Why `note` cannot be stored with a measurement, or None when it can."""
    if len(note) > NOTE_MAX:
        return f"Keep the note to at most {NOTE_MAX} characters."
    if "\x00" in note:
        return "The note may not contain NUL characters."
    return None


def _problems(item: NewMeasurement) -> dict[str, str]:
    """{field: message} for whatever is wrong with one measurement."""
    problems = {"value": value_problem(item.value), "note": note_problem(item.note)}
    return {name: message for name, message in problems.items() if message}


def existing_measurements(
    rows: Sequence[MeasurementRow],
) -> dict[tuple[int, dt.date], KpiMeasurement]:
    """The stored measurements the rows would replace, by (KPI id, day), in
    one query."""
    if not rows:
        return {}
    found = KpiMeasurement.objects.filter(
        kpi_id__in={r.kpi.pk for r in rows},
        measured_on__in={r.measured_on for r in rows},
    ).only("kpi_id", "measured_on", "value", "note")
    keys = {(r.kpi.pk, r.measured_on) for r in rows}
    return {(m.kpi_id, m.measured_on): m for m in found if (m.kpi_id, m.measured_on) in keys}


def save_measurements(*, actor: User, rows: Sequence[MeasurementRow]) -> list[KpiMeasurement]:
    """Insert the rows, replacing the value and note of a day that already
    has one, in one statement per thousand rows. The rows must be checked
    and the caller's transaction open: this is the shared bulk write of
    `record_measurements` and the import, not a service."""
    return KpiMeasurement.objects.bulk_create(
        [
            KpiMeasurement(
                kpi=r.kpi,
                measured_on=r.measured_on,
                value=r.value.quantize(_VALUE_STEP),
                note=r.note,
                entered_by=actor,
            )
            for r in rows
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["kpi", "measured_on"],
        update_fields=["value", "note", "entered_by"],
    )


# --- measurements: services --------------------------------------------------------------


@transaction.atomic
def record_measurement(
    *, actor: User, kpi: Kpi, measured_on: dt.date, value: Decimal, note: str = ""
) -> KpiMeasurement:
    """Record a KPI's value on a day; a second value for the same day
    replaces the first (the audit keeps the old one)."""
    if not can_manage_kpi(actor, kpi):
        raise PermissionDenied
    problems = _problems(NewMeasurement(measured_on, value, note))
    if problems:
        raise ValidationError(problems)
    measurement = (
        KpiMeasurement.objects.select_for_update().filter(kpi=kpi, measured_on=measured_on).first()
    )
    creating = measurement is None
    if measurement is None:
        measurement = KpiMeasurement(kpi=kpi, measured_on=measured_on)
        before: dict[str, Any] = {}
    else:
        before = audit.snapshot(measurement, ("value", "note"))
    measurement.value = value.quantize(_VALUE_STEP)
    measurement.note = note
    measurement.entered_by = actor
    measurement.save()
    old, new = audit.changed(before, audit.snapshot(measurement, MEASUREMENT_FIELDS))
    audit.record(
        actor,
        "kpi.measurement.create" if creating else "kpi.measurement.update",
        kpi,
        before=old,
        after=new,
    )
    return measurement


def _by_day(measurements: Iterable[KpiMeasurement]) -> dict[str, dict[str, Any]]:
    """Measurements as {day: {value, note}} for an audit row."""
    return {m.measured_on.isoformat(): {"value": m.value, "note": m.note} for m in measurements}


@dataclass(frozen=True)
class RecordedMeasurements:
    """What `record_measurements` saved, in the order given."""

    created: int
    updated: int
    measurements: list[KpiMeasurement]


@transaction.atomic
def record_measurements(
    *, actor: User, kpi: Kpi, items: Sequence[NewMeasurement]
) -> RecordedMeasurements:
    """Record several values of one KPI, all or nothing: every item is
    checked first and every problem reported, keyed by the item's position
    ("3.value"); a day given twice is an error on the later item. A day
    that already has a value is replaced. One audit row for the batch, with
    the replaced values as `before`."""
    if not can_manage_kpi(actor, kpi):
        raise PermissionDenied
    if not items:
        raise ValidationError("Send at least one measurement.")
    if len(items) > MAX_MEASUREMENTS_PER_CALL:
        raise ValidationError(
            f"Send at most {MAX_MEASUREMENTS_PER_CALL:,} measurements at a time "
            f"(this request has {len(items):,})."
        )
    errors: dict[str, str] = {}
    first_index: dict[dt.date, int] = {}
    for index, item in enumerate(items):
        for name, message in _problems(item).items():
            errors[f"{index}.{name}"] = message
        if item.measured_on in first_index:
            errors[f"{index}.measured_on"] = (
                f"Item {first_index[item.measured_on]} already gives a value for "
                f"{item.measured_on.isoformat()}."
            )
        else:
            first_index[item.measured_on] = index
    if errors:
        raise ValidationError(errors)

    # Concurrent batches for one KPI take turns, so the counts and the
    # audit's "before" are exact.
    list(Kpi.objects.select_for_update().filter(pk=kpi.pk).values_list("pk", flat=True))
    rows = [MeasurementRow(kpi, i.measured_on, i.value, i.note) for i in items]
    replaced = existing_measurements(rows)
    saved = save_measurements(actor=actor, rows=rows)
    result = RecordedMeasurements(
        created=len(rows) - len(replaced), updated=len(replaced), measurements=saved
    )
    audit.record(
        actor,
        "kpi.measurement.record",
        kpi,
        before={"values": _by_day(sorted(replaced.values(), key=lambda m: m.measured_on))},
        after={"created": result.created, "updated": result.updated, "values": _by_day(saved)},
    )
    return result


# --- reads -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiFilters:
    """How a KPI list may be narrowed; None (or "") leaves a filter off."""

    job_profile: int | None = None
    department: int | None = None
    active: bool | None = None
    status: Status | None = None
    q: str = ""


def with_latest_status(queryset: models.QuerySet[Kpi]) -> models.QuerySet[Kpi]:
    """The KPIs annotated with `latest_value` and `latest_status` (null when
    never measured): `kpi_status` in SQL, so a list can be filtered by
    status and still paginated by the database. Tests check the two agree
    at every threshold."""
    latest = (
        KpiMeasurement.objects.filter(kpi=OuterRef("pk")).order_by("-measured_on").values("value")
    )
    decrease = Q(direction=Direction.DECREASE)
    return queryset.annotate(
        latest_value=Subquery(
            latest[:1], output_field=models.DecimalField(max_digits=14, decimal_places=4)
        )
    ).annotate(
        latest_status=Case(
            When(latest_value__isnull=True, then=Value(None)),
            When(decrease & Q(latest_value__gte=F("red_threshold")), then=Value("red")),
            When(decrease & Q(latest_value__gt=F("amber_threshold")), then=Value("amber")),
            When(decrease, then=Value("green")),
            When(latest_value__lte=F("red_threshold"), then=Value("red")),
            When(latest_value__lt=F("amber_threshold"), then=Value("amber")),
            default=Value("green"),
            output_field=models.CharField(null=True),
        )
    )


def kpis_for(user: User, filters: KpiFilters | None = None) -> models.QuerySet[Kpi]:
    """The KPIs `user` may see, filtered, by name, with their job profile and
    department (one query for a page)."""
    f = filters or KpiFilters()
    queryset: models.QuerySet[Kpi] = Kpi.objects.visible_to(user).select_related(
        "job_profile", "department"
    )
    if f.job_profile is not None:
        queryset = queryset.filter(job_profile_id=f.job_profile)
    if f.department is not None:
        queryset = queryset.filter(department_id=f.department)
    if f.active is not None:
        queryset = queryset.filter(is_active=f.active)
    if f.q:
        queryset = queryset.filter(name__icontains=f.q)
    if f.status is not None:
        # A Q, because the annotation is made in another function.
        queryset = with_latest_status(queryset).filter(Q(latest_status=f.status))
    return queryset.order_by("name", "id")


def measurements_of(
    kpi: Kpi, *, since: dt.date | None = None, until: dt.date | None = None
) -> models.QuerySet[KpiMeasurement]:
    """A KPI's measurements between two days (both included), newest first."""
    queryset = KpiMeasurement.objects.filter(kpi=kpi)
    if since is not None:
        queryset = queryset.filter(measured_on__gte=since)
    if until is not None:
        queryset = queryset.filter(measured_on__lte=until)
    return queryset.order_by("-measured_on", "-id")


@dataclass(frozen=True)
class KpiSummary:
    """A KPI's latest value with its status, and the trend of its values."""

    kpi: Kpi
    latest: KpiMeasurement | None
    status: Status | None
    trend: Trend


def summaries(kpis: Iterable[Kpi], *, history: int = 3) -> list[KpiSummary]:
    """Latest value, status and trend for each KPI, in one query for the
    measurements whatever the number of KPIs. Only the last `history`
    measurements of each KPI leave the database."""
    kpi_list = list(kpis)
    recent: dict[int, list[KpiMeasurement]] = {k.pk: [] for k in kpi_list}
    if kpi_list:
        ranked = (
            KpiMeasurement.objects.filter(kpi_id__in=list(recent))
            .annotate(
                recency=Window(
                    RowNumber(), partition_by=[F("kpi_id")], order_by=F("measured_on").desc()
                )
            )
            .filter(recency__lte=history)
            .order_by("kpi_id", "-measured_on")
        )
        for m in ranked:
            recent[m.kpi_id].append(m)
    result = []
    for kpi in kpi_list:
        values = list(reversed(recent[kpi.pk]))
        latest = values[-1] if values else None
        result.append(
            KpiSummary(
                kpi=kpi,
                latest=latest,
                status=kpi_status(kpi, latest.value) if latest else None,
                trend=trend([m.value for m in values]),
            )
        )
    return result
