"""Reads for calibration sessions: the sessions a login may see, the
entries (people) in one of them they may see, filtered, a person's history
of changes, and the grid. Everything starts from `visible_to` (access.py);
every read here runs a fixed number of queries whatever the session's size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Q, QuerySet
from django.db.models.functions import Coalesce

from cadence.core.models import User
from cadence.people.models import Department, Employee
from cadence.reviews.models import RatingLevel
from cadence.talent.grid import Box, ScaleBands, grid_rows
from cadence.talent.models import (
    CalibrationChange,
    CalibrationEntry,
    CalibrationSession,
    Potential,
    SessionParticipant,
)

ENTRY_RELATED = (
    "employee__department",
    "manager",
    "original_level",
    "proposed_level",
    "calibrated_level",
    "changed_by",
)


@dataclass(frozen=True)
class SessionFilters:
    cycle: int | None = None
    state: str = ""
    q: str = ""


def sessions_for(user: User, filters: SessionFilters | None = None) -> QuerySet[CalibrationSession]:
    """The sessions `user` may see, newest first, with how many people each holds."""
    filters = filters or SessionFilters()
    sessions = (
        CalibrationSession.objects.visible_to(user)
        .select_related("cycle", "facilitator", "department", "job_level")
        .annotate(people=Count("entries", distinct=True))
    )
    if filters.cycle:
        sessions = sessions.filter(cycle_id=filters.cycle)
    if filters.state:
        sessions = sessions.filter(state=filters.state)
    if filters.q:
        sessions = sessions.filter(name__icontains=filters.q)
    return sessions.order_by("-created_at", "-id")


def visible_session(user: User, pk: int) -> CalibrationSession:
    """One session `user` may see (raises CalibrationSession.DoesNotExist)."""
    return (
        CalibrationSession.objects.visible_to(user)
        .select_related("cycle__template", "facilitator", "department", "job_level")
        .get(pk=pk)
    )


def participants_of(session: CalibrationSession) -> list[Employee]:
    """The managers taking part, by name (one query)."""
    ids = SessionParticipant.objects.filter(session=session).values("employee_id")
    return list(Employee.objects.filter(pk__in=ids).select_related("department"))


@dataclass(frozen=True)
class EntryFilters:
    manager: int | None = None
    department: int | None = None
    level: int | None = None
    changed: bool = False
    q: str = ""

    @property
    def active(self) -> bool:
        return self != EntryFilters()


def entries_for(
    user: User, session: CalibrationSession, filters: EntryFilters | None = None
) -> QuerySet[CalibrationEntry]:
    """The people in the session `user` may see, by name, with what a row
    shows joined. `level` filters on where they sit now (calibrated, else
    proposed, else original)."""
    filters = filters or EntryFilters()
    entries = (
        CalibrationEntry.objects.visible_to(user)
        .filter(session=session)
        .select_related(*ENTRY_RELATED)
    )
    if filters.manager:
        entries = entries.filter(manager_id=filters.manager)
    if filters.department:
        entries = entries.filter(employee__department_id=filters.department)
    if filters.level:
        entries = entries.annotate(
            level_now=Coalesce(
                "calibrated_level", "proposed_level", "original_level", output_field=IntegerField()
            )
        ).filter(level_now=filters.level)
    if filters.changed:
        entries = entries.filter(changed_at__isnull=False)
    if filters.q:
        words = filters.q.split()
        for word in words[:5]:
            entries = entries.filter(
                Q(employee__first_name__icontains=word)
                | Q(employee__last_name__icontains=word)
                | Q(employee__preferred_name__icontains=word)
                | Q(employee__employee_number__iexact=word)
            )
    return entries.order_by("employee__last_name", "employee__first_name", "employee_id")


def visible_entry(user: User, session: CalibrationSession, pk: int) -> CalibrationEntry:
    """One person in the session `user` may see (raises CalibrationEntry.DoesNotExist)."""
    return (
        CalibrationEntry.objects.visible_to(user)
        .select_related(*ENTRY_RELATED, "result")
        .get(session=session, pk=pk)
    )


def entry_changes(entry: CalibrationEntry) -> list[CalibrationChange]:
    """Every move of one person, oldest first, with who made it (one query).
    Each has `from_potential_label` and `to_potential_label` for display."""
    changes = list(
        CalibrationChange.objects.filter(entry=entry)
        .select_related("from_level", "to_level", "changed_by")
        .order_by("changed_at", "id")
    )
    for change in changes:
        change.from_potential_label = potential_label(change.from_potential)  # type: ignore[attr-defined]
        change.to_potential_label = potential_label(change.to_potential)  # type: ignore[attr-defined]
    return changes


def potential_label(value: int | None) -> str:
    return Potential(value).label if value in Potential.values else "—"


def scale_levels(session: CalibrationSession) -> list[RatingLevel]:
    """The levels of the session's cycle's rating scale, lowest first (needs
    `session.cycle.template`)."""
    return list(
        RatingLevel.objects.filter(scale_id=session.cycle.template.rating_scale_id).order_by(
            "value"
        )
    )


def filter_choices(
    user: User, session: CalibrationSession
) -> tuple[list[Employee], list[Department]]:
    """The managers and departments of the people `user` sees in the
    session, for the list's filters (two queries)."""
    visible = CalibrationEntry.objects.visible_to(user).filter(session=session)
    managers = list(
        Employee.objects.filter(pk__in=visible.values("manager_id")).order_by(
            "last_name", "first_name", "id"
        )
    )
    departments = list(
        Department.objects.filter(pk__in=visible.values("employee__department_id")).order_by(
            "name", "id"
        )
    )
    return managers, departments


# --- the grid ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridCard:
    """What a grid card shows, as plain text worked out once in Python: a
    page of thousands of cards renders several times faster than with
    dotted lookups and number localisation per card."""

    pk: str
    version: str
    name: str
    department: str
    manager: str
    level: str
    potential: str
    moved: bool
    calibrated: str
    was: str
    movable: bool


def _card(entry: CalibrationEntry, movable: bool) -> GridCard:
    employee = entry.employee
    calibrated = entry.calibrated_level
    before = entry.proposed_level or entry.original_level
    now = calibrated or before
    return GridCard(
        pk=str(entry.pk),
        version=str(entry.version),
        name=employee.full_name,
        department=employee.department.name if employee.department else "",
        manager=entry.manager.full_name if entry.manager else "",
        level=str(now) if now else "not rated",
        potential=potential_label(entry.potential) if entry.potential else "",
        moved=entry.changed_at is not None,
        calibrated=str(calibrated) if calibrated else "",
        was=str(before) if before and calibrated and before.pk != calibrated.pk else "",
        movable=movable,
    )


@dataclass
class GridBox:
    """A box of the grid, or (box None) the people not placed yet; `row`
    and `column` place it on the page's CSS grid (row 1 and column 1 hold
    the axis labels)."""

    box: Box | None
    row: int
    column: int
    cards: list[GridCard] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.box.key if self.box else ""


@dataclass
class Grid:
    """The nine boxes (rows potential high → low, columns performance low →
    high) and the people not placed yet (no rating or no potential)."""

    bands: ScaleBands
    rows: list[list[GridBox]]
    unplaced: GridBox

    @property
    def cells(self) -> list[GridBox]:
        """Every box, then the unplaced, so a page renders cards in one loop."""
        return [*(cell for row in self.rows for cell in row), self.unplaced]

    @property
    def total(self) -> int:
        return sum(len(cell.cards) for cell in self.cells)


def build_grid(
    levels: Sequence[RatingLevel],
    entries: Sequence[CalibrationEntry],
    may_move: Callable[[CalibrationEntry], bool] = lambda entry: False,
) -> Grid:
    """Place each entry by where it sits now (no queries; needs the entries'
    ENTRY_RELATED). `may_move` says whose card gets a Move control."""
    bands = ScaleBands(levels)
    rows = [
        [GridBox(box, row=r + 2, column=c + 2) for c, box in enumerate(boxes)]
        for r, boxes in enumerate(grid_rows())
    ]
    by_key = {cell.key: cell for row in rows for cell in row}
    unplaced = GridBox(None, row=len(rows) + 2, column=1)
    for entry in entries:
        box = bands.box(entry.current_level_id, entry.potential)
        cell = unplaced if box is None else by_key[box.key]
        cell.cards.append(_card(entry, may_move(entry)))
    return Grid(bands=bands, rows=rows, unplaced=unplaced)
