"""The people of a calibration session as a spreadsheet: the CSV export of
exactly the rows the viewer may see, and the import of moves from such a
file (CSV or XLSX).

The export has one row per person: employee number, name, department,
manager, the original, proposed and calibrated ratings, potential, the last
reason with who and when, the row's version, and an empty "reason" column.

The import reads "employee number", "calibrated" (a level value, label or
"value label" as exported; blank means no calibrated rating), optionally
"potential" (Low/Medium/High or 1–3, blank for none), "reason" and
"version". Each row states where the person should be: a row that says
where they already are is left alone; a row that changes a rating or a
potential needs a reason and is a move like any other (services_sessions:
same checks, a change row and an audit row each). Every row is checked
first and every problem reported as "line N, column X: why"; with any
problem nothing is saved. A "version" that is not the person's current one
means someone moved them since the export: that row is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.core import audit
from cadence.core.ids import parse_id
from cadence.core.models import User
from cadence.people.importing_files import (
    ImportFileError,
    ImportResult,
    RowError,
    parse_file,
    recognised_columns,
)
from cadence.reviews.models import RatingLevel
from cadence.talent import services_sessions as services
from cadence.talent.models import CalibrationEntry, CalibrationSession, Potential
from cadence.talent.selectors_sessions import EntryFilters, entries_for, scale_levels

EXPORT_HEADERS = [
    "employee_number",
    "name",
    "department",
    "manager",
    "original",
    "proposed",
    "calibrated",
    "potential",
    "last_reason",
    "changed_by",
    "changed_at",
    "version",
    "reason",
]
IMPORT_COLUMNS = ("employee_number", "calibrated", "potential", "reason", "version")
REQUIRED_COLUMNS = ("employee_number", "calibrated")
_SYNONYMS = {
    "employeenumber": "employee_number",
    "employeeno": "employee_number",
    "employeeid": "employee_number",
    "empno": "employee_number",
    "calibrated": "calibrated",
    "calibratedrating": "calibrated",
    "calibratedlevel": "calibrated",
    "potential": "potential",
    "reason": "reason",
    "version": "version",
}
MAX_REASON = 2000
_POTENTIALS = {label.casefold(): value for value, label in Potential.choices} | {
    str(value): value for value in Potential.values
}


def _level_text(level: RatingLevel | None) -> str:
    return "" if level is None else str(level)


def export_rows(
    user: User, session: CalibrationSession, filters: EntryFilters | None = None
) -> Iterator[list[Any]]:
    """The header, then one row per person `user` sees in the session."""
    yield list(EXPORT_HEADERS)
    for entry in entries_for(user, session, filters).iterator(chunk_size=1000):
        employee = entry.employee
        yield [
            employee.employee_number,
            employee.full_name,
            employee.department.name if employee.department else "",
            entry.manager.full_name if entry.manager else "",
            _level_text(entry.original_level),
            _level_text(entry.proposed_level),
            _level_text(entry.calibrated_level),
            entry.get_potential_display() if entry.potential else "",
            entry.reason,
            entry.changed_by.email if entry.changed_by else "",
            entry.changed_at.isoformat(timespec="seconds") if entry.changed_at else "",
            entry.version,
            "",
        ]


@dataclass(frozen=True)
class PlannedMove:
    """One row that moves someone, as the preview shows it."""

    line: int
    entry: CalibrationEntry
    level: RatingLevel | services.Unset | None
    potential: int | services.Unset | None
    reason: str

    @property
    def new_level(self) -> RatingLevel | None:
        return self.entry.calibrated_level if isinstance(self.level, services.Unset) else self.level

    @property
    def new_potential_label(self) -> str:
        value = (
            self.entry.potential if isinstance(self.potential, services.Unset) else self.potential
        )
        return Potential(value).label if value else "—"


@dataclass
class EntryImportResult(ImportResult):
    """An import's counts; `moves` are the rows that move someone."""

    unchanged: int = 0
    moves: list[PlannedMove] = field(default_factory=list)


class _Levels:
    def __init__(self, levels: list[RatingLevel]) -> None:
        self.by_value = {level.value: level for level in levels}
        self.by_label = {level.label.casefold(): level for level in levels}
        self.by_text = {str(level).casefold(): level for level in levels}
        self.listing = ", ".join(str(level) for level in levels)

    def find(self, text: str) -> RatingLevel | None:
        found = self.by_text.get(text.casefold()) or self.by_label.get(text.casefold())
        if found is not None:
            return found
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return self.by_value.get(number) if number.is_finite() else None


def import_entries(
    *,
    actor: User,
    session: CalibrationSession,
    fileobj: IO[bytes],
    filename: str,
    dry_run: bool = False,
) -> EntryImportResult:
    """Check every row of the file and, unless `dry_run` or any problem,
    make every move in it (one transaction: all or nothing). `session`
    must be one `actor` may see (it needs `session.cycle.template`)."""
    result = EntryImportResult(dry_run=dry_run)
    try:
        table = parse_file(fileobj, filename)
    except ImportFileError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    columns, missing = recognised_columns(table, _SYNONYMS, REQUIRED_COLUMNS)
    if missing:
        result.errors.extend(missing)
        return result
    result.rows = len(table.rows)
    with transaction.atomic():
        locked = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        try:
            services.check_open(locked)
        except ValidationError as exc:
            result.errors.append(RowError(0, "", " ".join(exc.messages)))
            return result
        entries = entries_for(actor, session).select_related("result")
        if not dry_run:
            entries = entries.select_for_update(of=("self",))
        by_number = {e.employee.employee_number: e for e in entries}
        powers = services.powers_in(actor, session)
        levels = _Levels(scale_levels(session))
        _check_rows(result, table, columns, by_number, powers, levels, session)
        if result.errors or dry_run or not result.moves:
            return result
        now = timezone.now()
        for move in result.moves:
            services.write_move(
                actor,
                move.entry,
                level=move.level,
                potential=move.potential,
                reason=move.reason,
                now=now,
            )
        result.updated = len(result.moves)
        audit.record(
            actor,
            "calibration_session.import",
            session,
            after={
                "file": filename[:200],
                "rows": result.rows,
                "moved": result.updated,
                "unchanged": result.unchanged,
            },
        )
    return result


def _check_rows(
    result: EntryImportResult,
    table: Any,
    columns: dict[str, int],
    by_number: dict[str, CalibrationEntry],
    powers: services.SessionPowers,
    levels: _Levels,
    session: CalibrationSession,
) -> None:
    headers = table.headers
    number_col, level_col = columns["employee_number"], columns["calibrated"]
    potential_col = columns.get("potential")
    reason_col, version_col = columns.get("reason"), columns.get("version")
    reason_header = headers[reason_col] if reason_col is not None else "reason"
    scale_id = session.cycle.template.rating_scale_id
    seen: dict[str, int] = {}
    for index, cells in enumerate(table.rows):
        line = table.line_of(index)
        errors: list[RowError] = []

        number = cells[number_col]
        entry = by_number.get(number)
        if not number:
            result.errors.append(RowError(line, headers[number_col], "Give the employee number."))
            continue
        if entry is None:
            # The same words whether the person is elsewhere or hidden.
            result.errors.append(
                RowError(line, headers[number_col], f'"{number}" is not someone in this session.')
            )
            continue
        if number in seen:
            result.errors.append(
                RowError(line, headers[number_col], f"Already on line {seen[number]}.")
            )
            continue
        seen[number] = line

        level: RatingLevel | services.Unset | None = None
        text = cells[level_col]
        if text:
            level = levels.find(text)
            if level is None:
                errors.append(
                    RowError(
                        line,
                        headers[level_col],
                        f'"{text}" is not a level of this cycle\'s scale ({levels.listing}).',
                    )
                )
        potential: int | services.Unset | None = services.UNSET
        if potential_col is not None:
            text = cells[potential_col]
            potential = _POTENTIALS.get(text.casefold()) if text else None
            if text and potential is None:
                errors.append(
                    RowError(line, headers[potential_col], "Write Low, Medium or High (or 1–3).")
                )
        reason = cells[reason_col] if reason_col is not None else ""
        if len(reason) > MAX_REASON:
            errors.append(RowError(line, reason_header, f"Keep to {MAX_REASON} characters."))
        text = cells[version_col] if version_col is not None else ""
        if text and parse_id(text) != entry.version:
            errors.append(
                RowError(
                    line,
                    headers[version_col] if version_col is not None else "version",
                    "This person was moved by someone else since the file was made; export again.",
                )
            )
        if errors:
            result.errors.extend(errors)
            continue

        assert not isinstance(level, services.Unset)
        level_id = level.pk if level is not None else None
        if level_id == entry.calibrated_level_id and (
            isinstance(potential, services.Unset) or potential == entry.potential
        ):
            result.unchanged += 1
            continue
        if not powers.may_move_entry(entry):
            result.errors.append(
                RowError(line, headers[number_col], "You may not move this person.")
            )
            continue
        problems = services.move_problems(
            entry, scale_id=scale_id, level=level, potential=potential, reason=reason
        )
        where = {
            "calibrated_level": headers[level_col],
            "potential": headers[potential_col] if potential_col is not None else "potential",
            "reason": reason_header,
        }
        for name, message in problems.items():
            result.errors.append(RowError(line, where.get(name, ""), message))
        if not problems:
            result.moves.append(PlannedMove(line, entry, level, potential, reason.strip()))
