"""A cycle's results as rows for a CSV or XLSX export (HR admin, and HRBPs
for their departments). Only the results the user may see
(`ReviewResult.objects.visible_to`), each read through
`disclosure.summarise`, so a peer or upward average below the cycle's
minimum group size is a blank cell with a "not enough answers" note here
as everywhere. A fixed number of queries per chunk of results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.reviews.disclosure import Average, GroupStatus, LevelRef, summarise
from cadence.reviews.models import Cycle, ReviewerKind
from cadence.reviews.selectors_results import cycle_results

SHEET = "Results"
CHUNK = 500
NOT_ENOUGH = "not enough answers"
HEADERS = (
    "Employee number",
    "Name",
    "Department",
    "Manager",
    "Computed score",
    "Computed level",
    "Manager level",
    "Override reason",
    "Calibrated level",
    "Final level",
    "Released",
    "Acknowledged",
    "Acknowledgement comment",
    "Peer average",
    "Peer average note",
    "Upward average",
    "Upward average note",
)


def may_export(user: User) -> bool:
    """HR admins, and HRBPs (for the departments they look after)."""
    return viewer_for(user).is_hr


def _level(level: LevelRef | None) -> str:
    return "" if level is None else f"{level.value.normalize():f} {level.label}"


def _average_cells(average: Average | None) -> list[Any]:
    if average is not None and average.shown:
        return [average.value, ""]
    if average is not None and average.status == GroupStatus.NOT_ENOUGH:
        return [None, NOT_ENOUGH]
    return [None, ""]


def export_rows(user: User, cycle: Cycle) -> Iterator[list[Any]]:
    """The header, then one row per result of `cycle` the user may see, by name."""
    yield list(HEADERS)
    if not may_export(user):
        return
    ids = list(cycle_results(user, cycle).values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        results = list(cycle_results(user, cycle).filter(pk__in=chunk))
        for view in summarise(results, user, with_averages=True):
            yield [
                view.employee_number,
                view.employee.name,
                view.department or "",
                view.manager.name if view.manager else "",
                view.computed_score,
                _level(view.computed_level),
                _level(view.manager_level),
                view.override_reason,
                _level(view.calibrated_level),
                _level(view.final_level),
                view.released_at.date() if view.released_at else None,
                view.acknowledged_at.date() if view.acknowledged_at else None,
                view.acknowledgement_comment,
                *_average_cells(view.averages.get(ReviewerKind.PEER)),
                *_average_cells(view.averages.get(ReviewerKind.UPWARD)),
            ]
