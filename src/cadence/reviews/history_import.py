"""Historical review results imported from a CSV or XLSX file, so rating
trends start before Cadence (issue 4: "past cycles' final ratings").

The file has the columns cycle (its name), employee number, rating (a level
value or label of the scale HR chooses) and optionally date (YYYY-MM-DD,
when the rating was given) and comment. Every row is checked first and
every problem reported by file line and column; with any problem nothing is
saved. Then, in one transaction: a closed cycle per new cycle name (on one
minimal "Historical import" template per scale, created once), the results
in bulk (the rating as the manager's, hence the final rating, released on
the row's date) and one audit row with the counts.

Importing again is safe: a result already imported for that cycle and
employee is updated when the file says something else and left alone when
it says the same, so the same file twice creates nothing twice. A cycle
name that belongs to a cycle run in Cadence is refused, never mixed into.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.people.importing_files import (
    ImportFileError,
    ImportResult,
    RowError,
    Table,
    parse_file,
    recognised_columns,
)
from cadence.people.models import Employee
from cadence.reviews.access import can_manage_cycles
from cadence.reviews.models import (
    Cycle,
    RatingLevel,
    RatingScale,
    ReviewResult,
    ReviewTemplate,
    Stage,
)

# Historical cycles are told apart by their template (there is no field on
# Cycle for where it came from): one template per scale, named like this.
TEMPLATE_PREFIX = "Historical import"
TEMPLATE_DESCRIPTION = (
    "Holds the cycles imported from before Cadence (final ratings only). "
    "Archived: not for new cycles."
)
MAX_COMMENT = 2000
MAX_CYCLE_NAME = 150
BATCH = 1000

IMPORT_COLUMNS = ("cycle", "employee_number", "rating", "date", "comment")
REQUIRED_COLUMNS = ("cycle", "employee_number", "rating")
_COLUMN_SYNONYMS = {
    "cycle": "cycle",
    "cyclename": "cycle",
    "reviewcycle": "cycle",
    "employeenumber": "employee_number",
    "employeeno": "employee_number",
    "employeeid": "employee_number",
    "empno": "employee_number",
    "empid": "employee_number",
    "staffnumber": "employee_number",
    "rating": "rating",
    "finalrating": "rating",
    "level": "rating",
    "date": "date",
    "ratedon": "date",
    "releasedon": "date",
    "comment": "comment",
    "comments": "comment",
    "note": "comment",
    "notes": "comment",
}


@dataclass
class HistoryImportResult(ImportResult):
    """An import's counts, with the cycles it made or found and the results
    it left as they were."""

    cycles_created: int = 0
    cycles_existing: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class HistoryRow:
    """One checked row of the file."""

    line: int
    cycle_name: str
    employee: Employee
    level: RatingLevel
    on: dt.date | None
    comment: str


def template_name(scale: RatingScale) -> str:
    return f"{TEMPLATE_PREFIX} · {scale.name}"[:150]


def is_historical(cycle: Cycle) -> bool:
    """Whether `cycle` was made by this import (needs `cycle.template`)."""
    return cycle.template.name.startswith(TEMPLATE_PREFIX)


def _columns(table: Table) -> tuple[dict[str, int], list[RowError]]:
    return recognised_columns(table, _COLUMN_SYNONYMS, REQUIRED_COLUMNS)


def _level_finder(scale: RatingScale) -> tuple[dict[Decimal, RatingLevel], dict[str, RatingLevel]]:
    levels = list(RatingLevel.objects.filter(scale=scale))
    return {lv.value: lv for lv in levels}, {lv.label.casefold(): lv for lv in levels}


def _find_level(
    text: str, by_value: dict[Decimal, RatingLevel], by_label: dict[str, RatingLevel]
) -> RatingLevel | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return by_label.get(text.casefold())
    return by_value.get(number) if number.is_finite() else None


def _parse_rows(
    table: Table, columns: dict[str, int], scale: RatingScale
) -> tuple[list[HistoryRow], list[RowError]]:
    """Every row checked against the scale and the people (two queries)."""
    headers = table.headers
    cycle_col, number_col, rating_col = (
        columns["cycle"],
        columns["employee_number"],
        columns["rating"],
    )
    date_col, comment_col = columns.get("date"), columns.get("comment")
    numbers = {row[number_col] for row in table.rows if row[number_col]}
    people = {e.employee_number: e for e in Employee.objects.filter(employee_number__in=numbers)}
    by_value, by_label = _level_finder(scale)
    labels = ", ".join(f"{lv.value.normalize():f} {lv.label}" for lv in by_value.values())
    rows: list[HistoryRow] = []
    errors: list[RowError] = []
    first_line: dict[tuple[str, int], int] = {}
    today = timezone.localdate()
    for index, cells in enumerate(table.rows):
        line = table.line_of(index)
        row_errors: list[RowError] = []

        cycle_name = " ".join(cells[cycle_col].split())
        if not cycle_name:
            row_errors.append(RowError(line, headers[cycle_col], "Name the cycle."))
        elif len(cycle_name) > MAX_CYCLE_NAME:
            row_errors.append(
                RowError(line, headers[cycle_col], f"Keep to {MAX_CYCLE_NAME} characters.")
            )

        number = cells[number_col]
        employee = people.get(number)
        if not number:
            row_errors.append(RowError(line, headers[number_col], "Give the employee number."))
        elif employee is None:
            row_errors.append(
                RowError(line, headers[number_col], f'There is no employee number "{number}".')
            )

        text = cells[rating_col]
        level = _find_level(text, by_value, by_label) if text else None
        if level is None:
            message = (
                f'"{text}" is not a level of {scale.name} ({labels}).'
                if text
                else "Give the rating."
            )
            row_errors.append(RowError(line, headers[rating_col], message))

        on: dt.date | None = None
        if date_col is not None and (text := cells[date_col]):
            try:
                on = dt.date.fromisoformat(text) if len(text) == 10 else None
            except ValueError:
                on = None
            if on is None:
                row_errors.append(
                    RowError(line, headers[date_col], "Enter the date as YYYY-MM-DD.")
                )
            elif on > today:
                row_errors.append(RowError(line, headers[date_col], "The date is in the future."))
                on = None

        comment = cells[comment_col] if comment_col is not None else ""
        if len(comment) > MAX_COMMENT:
            row_errors.append(
                RowError(line, headers[comment_col or 0], f"Keep to {MAX_COMMENT} characters.")
            )

        if cycle_name and employee is not None:
            key = (cycle_name.casefold(), employee.pk)
            if key in first_line:
                row_errors.append(
                    RowError(
                        line,
                        headers[number_col],
                        f"{number} already has a rating in {cycle_name} on line {first_line[key]}.",
                    )
                )
            else:
                first_line[key] = line

        errors += row_errors
        if not row_errors and employee is not None and level is not None:
            rows.append(HistoryRow(line, cycle_name, employee, level, on, comment))
    return rows, errors


def _cycles(
    rows: list[HistoryRow], table: Table, columns: dict[str, int], scale: RatingScale
) -> tuple[dict[str, Cycle], list[RowError]]:
    """The existing cycles the file names (by name, case-insensitively), and
    a problem for each row naming a cycle that was not imported, or was on
    another scale. One query."""
    names = {r.cycle_name.casefold() for r in rows}
    existing = {
        c.name.casefold(): c
        for c in Cycle.objects.select_related("template").filter(
            name__in={r.cycle_name for r in rows}
        )
    }
    # Names differing only in case from a stored one: compared in Python
    # (SQLite's LOWER is ASCII-only), over the few cycles there are.
    if len(existing) < len(names):
        for stored in Cycle.objects.select_related("template"):
            if stored.name.casefold() in names:
                existing.setdefault(stored.name.casefold(), stored)
    errors: list[RowError] = []
    header = table.headers[columns["cycle"]]
    for row in rows:
        cycle = existing.get(row.cycle_name.casefold())
        if cycle is None:
            continue
        if not is_historical(cycle):
            errors.append(
                RowError(
                    row.line,
                    header,
                    f"“{cycle.name}” is a cycle run in Cadence; imported history "
                    "cannot be added to it. Use another name.",
                )
            )
        elif cycle.template.rating_scale_id != scale.pk:
            errors.append(
                RowError(
                    row.line,
                    header,
                    f"“{cycle.name}” was imported on another scale; import it on that scale.",
                )
            )
    return existing, errors


def _dates(
    rows: list[HistoryRow], existing: dict[str, Cycle], table: Table, columns: dict[str, int]
) -> tuple[dict[str, dt.date], list[RowError]]:
    """Each cycle's date, for its rows without one: the latest date given
    for it in the file, else (for a cycle imported before) its own."""
    latest: dict[str, dt.date] = {}
    for row in rows:
        key = row.cycle_name.casefold()
        if row.on is not None and (key not in latest or row.on > latest[key]):
            latest[key] = row.on
    for key, cycle in existing.items():
        if key not in latest and cycle.launched_at is not None:
            latest[key] = timezone.localdate(cycle.launched_at)
    header = table.headers[columns["date"]] if "date" in columns else "date"
    errors = [
        RowError(
            row.line,
            header,
            f"Give the date of {row.cycle_name} on at least one of its rows "
            "(rows without one take the cycle's).",
        )
        for row in rows
        if row.on is None and row.cycle_name.casefold() not in latest
    ]
    return latest, errors


def _moment(day: dt.date) -> dt.datetime:
    """Noon on `day`, so the date reads the same in every time zone nearby."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _template(scale: RatingScale) -> ReviewTemplate:
    """The scale's "Historical import" template, created on first use
    (archived: no new cycle may use it)."""
    template, _ = ReviewTemplate.objects.get_or_create(
        name=template_name(scale),
        defaults={"rating_scale": scale, "description": TEMPLATE_DESCRIPTION, "is_archived": True},
    )
    return template


def import_history(
    *,
    actor: User,
    fileobj: IO[bytes],
    filename: str,
    scale: RatingScale,
    dry_run: bool = False,
) -> HistoryImportResult:
    """Import past cycles' final ratings (see the module docstring). HR
    admins only. Every row is checked first; with any problem nothing is
    saved. A fixed number of queries plus one per thousand results."""
    if not can_manage_cycles(actor):
        raise PermissionDenied
    result = HistoryImportResult(dry_run=dry_run)
    try:
        table = parse_file(fileobj, filename)
    except ImportFileError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    columns, result.errors = _columns(table)
    if result.errors:
        return result
    rows, result.errors = _parse_rows(table, columns, scale)
    if not rows and not result.errors:
        result.errors.append(RowError(0, "", "The file has no ratings."))
    if result.errors:
        return result
    existing, cycle_errors = _cycles(rows, table, columns, scale)
    dates, date_errors = _dates(rows, existing, table, columns)
    result.errors = sorted([*cycle_errors, *date_errors], key=lambda e: e.line)
    if result.errors:
        return result
    result.rows = len(rows)
    with transaction.atomic():
        _apply(actor, rows, existing, dates, scale, result, filename)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _apply(
    actor: User,
    rows: list[HistoryRow],
    existing: dict[str, Cycle],
    dates: dict[str, dt.date],
    scale: RatingScale,
    result: HistoryImportResult,
    filename: str,
) -> None:
    """Write the checked rows (inside the caller's transaction; a dry run
    rolls it back, so its counts are exactly what saving would do)."""
    first_name: dict[str, str] = {}
    for row in rows:
        first_name.setdefault(row.cycle_name.casefold(), row.cycle_name)
    new_keys = [key for key in first_name if key not in existing]
    result.cycles_created = len(new_keys)
    result.cycles_existing = len(first_name) - len(new_keys)
    cycles = dict(existing)
    if new_keys:
        template = _template(scale)
        created = Cycle.objects.bulk_create(
            Cycle(
                name=first_name[key],
                template=template,
                stage=Stage.CLOSED,
                include_self=False,
                include_peer=False,
                include_upward=False,
                peers_min=0,
                peers_max=0,
                launched_at=_moment(dates[key]),
                created_by=actor,
            )
            for key in new_keys
        )
        cycles.update({c.name.casefold(): c for c in created})

    cycle_ids = [cycles[key].pk for key in first_name if key in existing]
    current = {
        (r.cycle_id, r.employee_id): r
        for r in ReviewResult.objects.filter(
            cycle_id__in=cycle_ids, employee_id__in={row.employee.pk for row in rows}
        )
    }
    now = timezone.now()
    to_create: list[ReviewResult] = []
    to_update: list[ReviewResult] = []
    changes: list[dict[str, object]] = []
    for row in rows:
        key = row.cycle_name.casefold()
        cycle = cycles[key]
        released_at = _moment(row.on or dates[key])
        found = current.get((cycle.pk, row.employee.pk))
        if found is None:
            to_create.append(
                ReviewResult(
                    cycle=cycle,
                    employee=row.employee,
                    manager_level=row.level,
                    override_reason=row.comment,
                    manager_rated_by=actor,
                    released_at=released_at,
                )
            )
            continue
        if (found.manager_level_id, found.override_reason, found.released_at) == (
            row.level.pk,
            row.comment,
            released_at,
        ):
            result.unchanged += 1
            continue
        changes.append(
            {
                "result": found.pk,
                "before": [found.manager_level_id, found.released_at],
                "after": [row.level.pk, released_at],
            }
        )
        found.manager_level = row.level
        found.override_reason = row.comment
        found.released_at = released_at
        found.version += 1
        found.updated_at = now
        to_update.append(found)
    ReviewResult.objects.bulk_create(to_create, batch_size=BATCH)
    ReviewResult.objects.bulk_update(
        to_update,
        ["manager_level", "override_reason", "released_at", "version", "updated_at"],
        batch_size=BATCH,
    )
    result.created, result.updated = len(to_create), len(to_update)
    # One audit row for the whole import, on its first cycle, with the counts
    # (and, for updated results, what each was and became).
    anchor = cycles[next(iter(first_name))]
    audit.record(
        actor,
        "review.history.import",
        anchor,
        after={
            "filename": filename[:200],
            "scale": scale.pk,
            "cycles": sorted(c.pk for c in cycles.values() if c.name.casefold() in first_name),
            "rows": result.rows,
            "cycles_created": result.cycles_created,
            "results_created": result.created,
            "results_updated": result.updated,
            "results_unchanged": result.unchanged,
            "updates": changes[:500],
        },
    )
