"""KPIs: who may define and measure them, the status and trend of a
measurement, and measurements imported from a CSV or XLSX file.

Writes follow the goals services: keyword-only, the actor first, one
transaction, the audit row inside it. A KPI is managed by HR admin, or by
the HRBP whose scope holds the KPI's department; job-profile KPIs are
organisation-wide, so only HR admin manages them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.goals.models import Direction, Kpi, KpiMeasurement
from cadence.people.importing_files import ImportFileError, RowError, Table, parse_file

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
# KpiMeasurement.value is DecimalField(max_digits=14, decimal_places=4).
_MAX_ABS_VALUE = Decimal("1e10")
_NOTE_MAX = KpiMeasurement._meta.get_field("note").max_length or 300


# --- status and trend ------------------------------------------------------------------


def kpi_status(kpi: Kpi, value: Decimal | int | float) -> Status:
    """Green, amber or red for a measured value (see the Kpi docstring).
    Increase: red at or below red, amber below amber, green otherwise.
    Decrease mirrors it: red at or above red, amber above amber."""
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


def _assign(obj: Any, values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    for name, value in values.items():
        setattr(obj, name, value)


def _validate_kpi(kpi: Kpi) -> None:
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
    _assign(kpi, values, KPI_FIELDS)
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
    _assign(kpi, values, KPI_FIELDS)
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


# --- measurements ----------------------------------------------------------------------


@transaction.atomic
def record_measurement(
    *, actor: User, kpi: Kpi, measured_on: dt.date, value: Decimal, note: str = ""
) -> KpiMeasurement:
    """Record a KPI's value on a day; a second value for the same day
    replaces the first (the audit keeps the old one)."""
    if not can_manage_kpi(actor, kpi):
        raise PermissionDenied
    measurement = (
        KpiMeasurement.objects.select_for_update().filter(kpi=kpi, measured_on=measured_on).first()
    )
    creating = measurement is None
    if measurement is None:
        measurement = KpiMeasurement(kpi=kpi, measured_on=measured_on)
        before: dict[str, Any] = {}
    else:
        before = audit.snapshot(measurement, ("value", "note"))
    measurement.value = value
    measurement.note = note
    measurement.entered_by = actor
    measurement.full_clean(exclude=["kpi", "entered_by"])
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


# --- measurement import -------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do). With any error,
    nothing was saved."""

    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run and self.rows > 0


IMPORT_COLUMNS = ("kpi", "measured_on", "value", "note")
REQUIRED_COLUMNS = ("kpi", "measured_on", "value")
_COLUMN_SYNONYMS = {
    "kpi": "kpi",
    "kpiid": "kpi",
    "kpiname": "kpi",
    "measuredon": "measured_on",
    "date": "measured_on",
    "value": "value",
    "note": "note",
    "notes": "note",
    "comment": "note",
}


@dataclass(frozen=True)
class _Row:
    line: int
    kpi: Kpi
    measured_on: dt.date
    value: Decimal
    note: str


def _columns(table: Table) -> tuple[dict[str, int], list[RowError]]:
    """{field: column index} for the recognised headers, and the missing ones."""
    found: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        name = _COLUMN_SYNONYMS.get(re.sub(r"[^a-z0-9]", "", header.lower()))
        if name and name not in found:
            found[name] = index
    errors = [
        RowError(1, name, f'The file needs a "{name}" column.')
        for name in REQUIRED_COLUMNS
        if name not in found
    ]
    return found, errors


def _kpi_lookup(cells: Iterable[str]) -> tuple[dict[int, Kpi], dict[str, list[Kpi]]]:
    """The KPIs the file names, by id and by lower-cased name, in one query."""
    cells = list(cells)
    ids = {int(c) for c in cells if c.isdigit()}
    names = {c.lower() for c in cells if c and not c.isdigit()}
    by_id: dict[int, Kpi] = {}
    by_name: dict[str, list[Kpi]] = {}
    if not ids and not names:
        return by_id, by_name
    # Names are compared case-insensitively in Python: SQLite's LOWER is ASCII-only.
    for kpi in Kpi.objects.all():
        if kpi.pk in ids:
            by_id[kpi.pk] = kpi
        if kpi.name.lower() in names:
            by_name.setdefault(kpi.name.lower(), []).append(kpi)
    return by_id, by_name


def _parse_rows(
    actor: User, table: Table, columns: dict[str, int]
) -> tuple[list[_Row], list[RowError]]:
    headers = table.headers
    kpi_col, date_col, value_col = columns["kpi"], columns["measured_on"], columns["value"]
    note_col = columns.get("note")
    by_id, by_name = _kpi_lookup(row[kpi_col] for row in table.rows)
    rows: list[_Row] = []
    errors: list[RowError] = []
    first_line: dict[tuple[int, dt.date], int] = {}
    for index, cells in enumerate(table.rows):
        line = table.line_of(index)
        row_errors: list[RowError] = []

        ref = cells[kpi_col]
        kpi: Kpi | None = None
        if not ref:
            row_errors.append(RowError(line, headers[kpi_col], "Name the KPI (its id or name)."))
        elif ref.isdigit():
            kpi = by_id.get(int(ref))
            if kpi is None:
                row_errors.append(RowError(line, headers[kpi_col], f"There is no KPI {ref}."))
        else:
            matches = by_name.get(ref.lower(), [])
            if not matches:
                row_errors.append(
                    RowError(line, headers[kpi_col], f'There is no KPI called "{ref}".')
                )
            elif len(matches) > 1:
                row_errors.append(
                    RowError(
                        line,
                        headers[kpi_col],
                        f'Several KPIs are called "{ref}"; use the id of the one you mean.',
                    )
                )
            else:
                kpi = matches[0]
        if kpi is not None and not can_manage_kpi(actor, kpi):
            row_errors.append(
                RowError(line, headers[kpi_col], "You may not record measurements for this KPI.")
            )
            kpi = None

        measured_on: dt.date | None = None
        text = cells[date_col]
        try:
            measured_on = dt.date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            measured_on = None
        if measured_on is None:
            message = "Enter the date as YYYY-MM-DD." if text else "Enter the date measured."
            row_errors.append(RowError(line, headers[date_col], message))

        value: Decimal | None = None
        text = cells[value_col]
        try:
            value = Decimal(text) if text else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            message = f'"{text}" is not a number.' if text else "Enter the value."
            row_errors.append(RowError(line, headers[value_col], message))
            value = None
        elif abs(value) >= _MAX_ABS_VALUE or value != value.quantize(Decimal("0.0001")):
            row_errors.append(
                RowError(
                    line,
                    headers[value_col],
                    "The value must be below 10,000,000,000 with at most 4 decimal places.",
                )
            )
            value = None

        note = cells[note_col] if note_col is not None else ""
        if len(note) > _NOTE_MAX:
            row_errors.append(
                RowError(
                    line, headers[note_col or 0], f"Keep the note under {_NOTE_MAX} characters."
                )
            )

        if kpi is not None and measured_on is not None:
            key = (kpi.pk, measured_on)
            if key in first_line:
                row_errors.append(
                    RowError(
                        line,
                        headers[date_col],
                        f"{kpi.name} already has a value for {measured_on.isoformat()} "
                        f"on line {first_line[key]}.",
                    )
                )
            else:
                first_line[key] = line

        errors += row_errors
        if not row_errors and kpi is not None and measured_on is not None and value is not None:
            rows.append(_Row(line, kpi, measured_on, value, note))
    return rows, errors


def import_measurements(
    *, actor: User, fileobj: IO[bytes], filename: str, dry_run: bool = False
) -> ImportResult:
    """Import KPI measurements from a CSV or XLSX file with the columns kpi
    (id or name), measured_on (YYYY-MM-DD), value and note. Every row is
    checked first and every problem reported; if there is any, nothing is
    saved. A row for a day that already has a value replaces it. One audit
    row per import."""
    if not can_manage_any_kpi(actor):
        raise PermissionDenied
    result = ImportResult(dry_run=dry_run)
    try:
        table = parse_file(fileobj, filename)
    except ImportFileError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    columns, result.errors = _columns(table)
    if result.errors:
        return result
    rows, result.errors = _parse_rows(actor, table, columns)
    if result.errors:
        return result
    result.rows = len(rows)
    if not rows:
        result.errors.append(RowError(0, "", "The file has no measurements."))
        return result
    with transaction.atomic():
        existing = set(
            KpiMeasurement.objects.filter(
                kpi_id__in={r.kpi.pk for r in rows},
                measured_on__in={r.measured_on for r in rows},
            ).values_list("kpi_id", "measured_on")
        )
        result.updated = sum((r.kpi.pk, r.measured_on) in existing for r in rows)
        result.created = len(rows) - result.updated
        if dry_run:
            return result
        KpiMeasurement.objects.bulk_create(
            [
                KpiMeasurement(
                    kpi=r.kpi,
                    measured_on=r.measured_on,
                    value=r.value,
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
        kpi_ids = sorted({r.kpi.pk for r in rows})
        # The audit row hangs off the first KPI in the file and lists them all.
        audit.record(
            actor,
            "kpi.measurement.import",
            rows[0].kpi,
            after={
                "filename": filename[:200],
                "kpis": kpi_ids,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
            },
        )
    return result


# --- reads -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiSummary:
    """A KPI's latest value with its status, and the trend of its values."""

    kpi: Kpi
    latest: KpiMeasurement | None
    status: Status | None
    trend: Trend


def summaries(kpis: Iterable[Kpi], *, history: int = 3) -> list[KpiSummary]:
    """Latest value, status and trend for each KPI, in one query for the
    measurements whatever the number of KPIs."""
    kpi_list = list(kpis)
    recent: dict[int, list[KpiMeasurement]] = {k.pk: [] for k in kpi_list}
    for m in KpiMeasurement.objects.filter(kpi__in=kpi_list).order_by("kpi_id", "-measured_on"):
        bucket = recent[m.kpi_id]
        if len(bucket) < history:
            bucket.append(m)
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
