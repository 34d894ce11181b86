"""KPI measurements imported from a CSV or XLSX file: every row checked
first (with the same value and note checks as `kpis.record_measurements`),
every problem reported by file line, and nothing saved if there is any;
then one bulk write (shared with `record_measurements`) and one audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cadence.core import audit
from cadence.core.ids import parse_id
from cadence.core.models import User
from cadence.goals.kpis import (
    MeasurementRow,
    can_manage_any_kpi,
    can_manage_kpi,
    existing_measurements,
    note_problem,
    save_measurements,
    value_problem,
)
from cadence.goals.models import Kpi
from cadence.people.importing_files import (
    ImportFileError,
    ImportResult,
    RowError,
    Table,
    parse_file,
    recognised_columns,
)

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


def _columns(table: Table) -> tuple[dict[str, int], list[RowError]]:
    return recognised_columns(table, _COLUMN_SYNONYMS, REQUIRED_COLUMNS)


def _kpi_lookup(cells: Iterable[str]) -> tuple[dict[int, Kpi], dict[str, list[Kpi]]]:
    """The KPIs the file names, by id and by lower-cased name, in one query."""
    cells = list(cells)
    ids = {i for i in (parse_id(c) for c in cells) if i is not None}
    names = {c.lower() for c in cells if c and parse_id(c) is None}
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
) -> tuple[list[MeasurementRow], list[RowError]]:
    headers = table.headers
    kpi_col, date_col, value_col = columns["kpi"], columns["measured_on"], columns["value"]
    note_col = columns.get("note")
    by_id, by_name = _kpi_lookup(row[kpi_col] for row in table.rows)
    rows: list[MeasurementRow] = []
    errors: list[RowError] = []
    first_line: dict[tuple[int, dt.date], int] = {}
    for index, cells in enumerate(table.rows):
        line = table.line_of(index)
        row_errors: list[RowError] = []

        ref = cells[kpi_col]
        kpi: Kpi | None = None
        if not ref:
            row_errors.append(RowError(line, headers[kpi_col], "Name the KPI (its id or name)."))
        elif parse_id(ref) is not None:
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
        elif problem := value_problem(value):
            row_errors.append(RowError(line, headers[value_col], problem))
            value = None

        note = cells[note_col] if note_col is not None else ""
        if problem := note_problem(note):
            row_errors.append(RowError(line, headers[note_col or 0], problem))

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
            rows.append(MeasurementRow(kpi, measured_on, value, note))
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
        existing = existing_measurements(rows)
        result.updated = len(existing)
        result.created = len(rows) - result.updated
        if dry_run:
            return result
        save_measurements(actor=actor, rows=rows)
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
