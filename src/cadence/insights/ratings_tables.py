"""The tables of rating analytics (page, exports, API and PDF), built from a
`Ratings`. Shares are percentages of the group's rated people; a group
with fewer rated people than the minimum shows "not enough data"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cadence.insights.access import NOT_ENOUGH
from cadence.insights.ratings_data import ATTAINMENT_BUCKETS, NO_GOALS, GroupCounts
from cadence.insights.tables import Chart, Series, Table, rounded, suppressed
from cadence.reviews.models import RatingLevel

if TYPE_CHECKING:
    from cadence.insights.ratings import Ratings

Row = list[Any]


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _share(n: int, total: int) -> float | None:
    return rounded(100 * n / total) if total else None


def _levels_by_label(levels: Sequence[RatingLevel]) -> list[str]:
    """Level labels, lowest value first, each once (scales may share labels)."""
    seen: list[str] = []
    for level in sorted(levels, key=lambda lv: (lv.value, lv.pk)):
        if level.label not in seen:
            seen.append(level.label)
    return seen


def _count_header(labels: Sequence[str]) -> list[str]:
    header: list[str] = []
    for label in labels:
        header += [label, f"{label} (%)"]
    return header


def _group_row(
    group: GroupCounts, labels: Sequence[str], label_of: dict[int, str], minimum: int
) -> tuple[Row, list[float | None]]:
    by_label: dict[str, int] = {}
    for level_id, n in group.counts.items():
        name = label_of.get(level_id, "?")
        by_label[name] = by_label.get(name, 0) + n
    rated = group.rated
    row: Row = [group.label, rated]
    shares: list[float | None] = []
    for label in labels:
        n = by_label.get(label, 0)
        share = _share(n, rated)
        row += [suppressed(n, rated, minimum), suppressed(share, rated, minimum)]
        shares.append(share if rated >= minimum else None)
    return row, shares


def distribution_table(
    ratings: Ratings,
    groups: Sequence[GroupCounts],
    *,
    key: str,
    title: str,
    chart: bool = True,
) -> Table:
    labels = [level.label for level in ratings.levels]
    label_of = {level.pk: level.label for level in ratings.levels}
    rows: list[Row] = []
    series: list[list[float | None]] = [[] for _ in labels]
    for group in groups:
        row, shares = _group_row(group, labels, label_of, ratings.minimum)
        rows.append(row)
        for index, share in enumerate(shares):
            series[index].append(share)
    return Table(
        key=key,
        title=f"Ratings by {title}",
        header=[title.capitalize(), "People rated", *_count_header(labels)],
        rows=rows,
        note="Final rating: calibrated, else the manager's, else the computed one.",
        chart=Chart(
            "stacked",
            [r[0] for r in rows],
            [Series(label, data) for label, data in zip(labels, series, strict=True)],
            y_title="% of people rated",
        )
        if chart
        else None,
        empty="No ratings in this cycle for the people in view.",
    )


def overall_table(ratings: Ratings) -> Table:
    counts = ratings.distribution()
    total = ratings.rated
    m = ratings.minimum
    rows: list[Row] = [
        [
            level.label,
            suppressed(counts.get(level.pk, 0), total, m),
            suppressed(_share(counts.get(level.pk, 0), total), total, m),
        ]
        for level in ratings.levels
    ]
    if total:
        rows.append(["All rated", total, suppressed(100.0, total, m)])
    return Table(
        key="distribution",
        title="Rating distribution",
        header=["Level", "People", "Share (%)"],
        rows=rows if total else [],
        note="Final rating of everyone in view.",
        chart=Chart(
            "bar",
            [r[0] for r in rows[:-1]],
            [Series("Share (%)", [_number(r[2]) for r in rows[:-1]])],
            y_title="% of people rated",
        ),
        empty="No ratings in this cycle for the people in view.",
    )


def calibration_table(ratings: Ratings) -> Table:
    m = ratings.minimum
    total = ratings.rated
    rows: list[Row] = []
    for level, before, after, up, down in ratings.before_after():
        rows.append(
            [
                level.label,
                *(suppressed(v, total, m) for v in (before, after, after - before, up, down)),
            ]
        )
    return Table(
        key="calibration",
        title="Calibration effect",
        header=[
            "Level",
            "Before calibration",
            "After calibration",
            "Change",
            "Moved up from this level",
            "Moved down from this level",
        ],
        rows=rows if total else [],
        note=(
            "Before: the manager's rating, else the computed one. After: the final rating. "
            "Moved up or down: people at this level before calibration whose final rating "
            "is higher or lower."
        ),
        chart=Chart(
            "bar",
            [r[0] for r in rows],
            [
                Series("Before calibration", [_number(r[1]) for r in rows]),
                Series("After calibration", [_number(r[2]) for r in rows]),
            ],
            y_title="People",
        ),
        empty="No ratings in this cycle for the people in view.",
    )


def cycles_table(ratings: Ratings) -> Table:
    levels = list(ratings.all_levels.values())
    labels = _levels_by_label(levels)
    label_of = {level.pk: level.label for level in levels}
    rows: list[Row] = []
    series: list[list[float | None]] = [[] for _ in labels]
    for group in ratings.cycles:
        row, shares = _group_row(group, labels, label_of, ratings.minimum)
        rows.append(row)
        for index, share in enumerate(shares):
            series[index].append(share)
    return Table(
        key="cycles",
        title="Ratings across cycles",
        header=["Cycle", "People rated", *_count_header(labels)],
        rows=rows,
        note="The last cycles with results, oldest first; people currently in view.",
        chart=Chart(
            "stacked",
            [r[0] for r in rows],
            [Series(label, data) for label, data in zip(labels, series, strict=True)],
            y_title="% of people rated",
        ),
    )


def _heat_rows(
    row_levels: Sequence[RatingLevel],
    columns: Sequence[Any],
    counts: dict[tuple[int, Any], int],
    enough: bool,
) -> list[Row]:
    rows: list[Row] = []
    for level in row_levels:
        values = [counts.get((level.pk, column), 0) for column in columns]
        rows.append([level.label, *(v if enough else NOT_ENOUGH for v in values)])
    return rows


def movement_table(ratings: Ratings) -> Table:
    previous = ratings.previous
    levels = ratings.levels
    movement = ratings.movement or {}
    total = sum(movement.values())
    enough = total >= ratings.minimum
    before_levels = sorted(
        [lv for lv in ratings.all_levels.values() if lv.scale_id == levels[0].scale_id]
        if levels
        else [],
        key=lambda lv: (lv.value, lv.pk),
    )
    rows = _heat_rows(before_levels, [lv.pk for lv in levels], movement, enough) if total else []
    name = previous.name if previous else "the previous cycle"
    return Table(
        key="movement",
        title="Movement between cycles",
        header=[f"In {name} ↓ / now →", *[lv.label for lv in levels]],
        rows=rows,
        note=(
            f"People rated in both {name} and {ratings.cycle.name}: rows are their final "
            "rating then, columns now."
        ),
        heat=True,
        empty=(
            "No earlier cycle with results on the same scale."
            if previous is None
            else "Nobody in view was rated in both cycles."
        ),
    )


def movement_summary_table(ratings: Ratings) -> Table:
    summary = ratings.movement_summary()
    rows: list[Row] = []
    total = summary[0] + summary[1] + summary[2] if summary is not None else 0
    if summary is not None and total:
        m = ratings.minimum
        for label, n in zip(("Moved up", "Same", "Moved down"), summary, strict=True):
            rows.append([label, suppressed(n, total, m), suppressed(_share(n, total), total, m)])
    return Table(
        key="movement-summary",
        title="Up, same or down",
        header=["Movement", "People", "Share (%)"],
        rows=rows,
        note=(
            f"Compared with {ratings.previous.name}."
            if ratings.previous
            else "No earlier cycle with results on the same scale."
        ),
        chart=Chart(
            "bar",
            [r[0] for r in rows],
            [Series("People", [_number(r[1]) for r in rows])],
            y_title="People",
        ),
        empty="Nobody in view was rated in both cycles.",
    )


def attainment_table(ratings: Ratings) -> Table:
    columns = [label for label, _, _ in ATTAINMENT_BUCKETS] + [NO_GOALS]
    total = sum(ratings.attainment.values())
    enough = total >= ratings.minimum
    rows = _heat_rows(ratings.levels, columns, ratings.attainment, enough) if total else []
    return Table(
        key="attainment",
        title="Rating against goal attainment",
        header=["Final rating ↓ / goal attainment →", *columns],
        rows=rows,
        note=(
            "Goal attainment: the weighted progress of a person's goals in the cycle's goal "
            "period (goals without a measurable key result left out)."
        ),
        heat=True,
        empty=(
            "This cycle has no goal period."
            if ratings.cycle.goal_period_id is None
            else "No ratings in this cycle for the people in view."
        ),
    )
