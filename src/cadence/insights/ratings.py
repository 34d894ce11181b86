"""Rating analytics for a cycle, for whoever has an insight scope:
distributions of the final rating per department, job level, location,
manager and across cycles; the calibration effect (before vs after);
movement between a previous cycle and this one; and rating against goal
attainment. `rating_analytics` reads (a fixed number of queries, all from
`ReviewResult.visible_to`); `Ratings.tables()` is what the page, its
exports, the API and the executive-summary PDF show. A group with fewer
than `min_group_size()` rated people is "not enough data"; so are the
whole-cycle tables (calibration, movement, attainment) when fewer people
than that are in them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from cadence.core.models import User
from cadence.insights import ratings_tables as t
from cadence.insights.access import InsightScope, min_group_size
from cadence.insights.cycles import UnknownCycle, chosen_cycle, insight_cycles
from cadence.insights.health_filters import BadParam, People
from cadence.insights.ratings_data import (
    GroupCounts,
    attainment_bucket,
    attainment_by_person,
    calibration_pairs,
    distribution_by,
    distribution_by_cycle,
    final_levels,
    levels_of_scales,
    movement_pairs,
    visible_results,
)
from cadence.insights.report_cache import Kept, kept
from cadence.insights.tables import Table
from cadence.people.models import Department
from cadence.reviews.models import Cycle, RatingLevel, ReviewResult

TREND_CYCLES = 8


def _with_results() -> Exists:
    return Exists(ReviewResult.objects.filter(cycle_id=OuterRef("pk")))


def scale_id(cycle: Cycle) -> int:
    return int(cycle.template.rating_scale_id)


def previous_cycle(user: User, cycle: Cycle, raw_compare: str | None) -> Cycle | None:
    """The cycle to compare with: ?compare=<id> (BadParam when unknown,
    the same cycle or on another scale), else the newest earlier cycle the
    viewer may see with results on the same scale (one query)."""
    if raw_compare:
        try:
            found = chosen_cycle(user, raw_compare)
        except UnknownCycle:
            raise BadParam("compare", "compare must be a cycle you may see.") from None
        if found is None or found.pk == cycle.pk:
            raise BadParam("compare", "compare must be another cycle than the one shown.")
        if scale_id(found) != scale_id(cycle):
            raise BadParam("compare", "compare must be a cycle rated on the same scale.")
        return found
    earlier = Q(created_at__lt=cycle.created_at) | Q(created_at=cycle.created_at, pk__lt=cycle.pk)
    return (
        insight_cycles(user)
        .filter(earlier, _with_results(), template__rating_scale_id=scale_id(cycle))
        .first()
    )


@dataclass(frozen=True)
class Ratings:
    cycle: Cycle
    previous: Cycle | None
    department: Department | None
    minimum: int
    levels: list[RatingLevel]  # the cycle's scale, lowest first
    departments: list[GroupCounts]
    job_levels: list[GroupCounts]
    locations: list[GroupCounts]
    managers: list[GroupCounts]
    cycles: list[GroupCounts]
    all_levels: dict[int, RatingLevel]  # every level of the scales shown
    calibration: dict[tuple[int, int], int]
    movement: dict[tuple[int, int], int] | None
    attainment: dict[tuple[int, str], int] = field(default_factory=dict)

    @property
    def rated(self) -> int:
        return sum(g.rated for g in self.departments)

    @property
    def enough(self) -> bool:
        return self.rated >= self.minimum

    def distribution(self) -> dict[int, int]:
        """Final level id → people, over everyone in view."""
        counts: dict[int, int] = defaultdict(int)
        for group in self.departments:
            for level, n in group.counts.items():
                counts[level] += n
        return dict(counts)

    def before_after(self) -> list[tuple[RatingLevel, int, int, int, int]]:
        """Per level: people before calibration, after, and of those before
        at this level how many moved up and down."""
        value = {level.pk: level.value for level in self.levels}
        before: dict[int, int] = defaultdict(int)
        up: dict[int, int] = defaultdict(int)
        down: dict[int, int] = defaultdict(int)
        for (b, f), n in self.calibration.items():
            before[b] += n
            if b in value and f in value and value[f] > value[b]:
                up[b] += n
            elif b in value and f in value and value[f] < value[b]:
                down[b] += n
        after = self.distribution()
        return [
            (level, before[level.pk], after.get(level.pk, 0), up[level.pk], down[level.pk])
            for level in self.levels
        ]

    def movement_summary(self) -> tuple[int, int, int] | None:
        """(up, same, down) between the previous cycle and this one."""
        if self.movement is None:
            return None
        value = {pk: level.value for pk, level in self.all_levels.items()}
        up = same = down = 0
        for (earlier, now), n in self.movement.items():
            a, b = value.get(earlier, Decimal(0)), value.get(now, Decimal(0))
            if b > a:
                up += n
            elif b < a:
                down += n
            else:
                same += n
        return up, same, down

    def tables(self) -> list[Table]:
        return [
            t.overall_table(self),
            t.calibration_table(self),
            t.distribution_table(self, self.departments, key="departments", title="department"),
            t.distribution_table(self, self.job_levels, key="job-levels", title="job level"),
            t.distribution_table(self, self.locations, key="locations", title="location"),
            t.distribution_table(self, self.managers, key="managers", title="manager", chart=False),
            t.cycles_table(self),
            t.movement_table(self),
            t.movement_summary_table(self),
            t.attainment_table(self),
        ]


def rating_analytics(
    user: User,
    scope: InsightScope,
    cycle: Cycle,
    *,
    department: Department | None = None,
    compare: str | None = None,
    previous: Cycle | None = None,
) -> Ratings:
    """Rating analytics of `cycle` over the people in `scope` (optionally
    one department and those below it). The previous cycle is `previous`,
    else ?compare (`compare`), else the newest earlier one on the same scale."""
    people = People(scope, department)
    results = visible_results(user, people)
    if previous is None:
        previous = previous_cycle(user, cycle, compare)
    recent = [c for c in insight_cycles(user).filter(_with_results())[:TREND_CYCLES]]
    if cycle.pk not in {c.pk for c in recent}:
        recent = [*recent[: TREND_CYCLES - 1], cycle]
    all_levels = levels_of_scales(sorted({scale_id(c) for c in recent} | {scale_id(cycle)}))
    levels = [level for level in all_levels if level.scale_id == scale_id(cycle)]
    by_person = final_levels(results, cycle) if cycle.goal_period_id else {}
    attainment: dict[tuple[int, str], int] = defaultdict(int)
    progress = attainment_by_person(cycle, people)
    for person, level in by_person.items():
        attainment[(level, attainment_bucket(progress.get(person)))] += 1
    return Ratings(
        cycle=cycle,
        previous=previous,
        department=department,
        minimum=min_group_size(),
        levels=levels,
        departments=distribution_by(
            results, cycle, key="employee__department_id", names=["employee__department__name"]
        ),
        job_levels=distribution_by(
            results,
            cycle,
            key="employee__job_profile__level_id",
            names=["employee__job_profile__level__name"],
            order=["employee__job_profile__level__rank"],
        ),
        locations=distribution_by(
            results, cycle, key="employee__location_id", names=["employee__location__name"]
        ),
        managers=distribution_by(
            results,
            cycle,
            key="employee__manager_id",
            names=["employee__manager__first_name", "employee__manager__last_name"],
        ),
        cycles=distribution_by_cycle(results, recent),
        all_levels={level.pk: level for level in all_levels},
        calibration=calibration_pairs(results, cycle),
        movement=movement_pairs(user, results, cycle, previous) if previous else None,
        attainment=dict(attainment),
    )


def kept_rating_analytics(
    user: User,
    scope: InsightScope,
    cycle: Cycle,
    *,
    department: Department | None,
    previous: Cycle | None,
    refresh: bool = False,
) -> Kept[tuple[Ratings, list[Table]]]:
    """The cycle's rating analytics and their tables, kept a few minutes
    (insights/report_cache.py)."""

    def compute() -> tuple[Ratings, list[Table]]:
        report = rating_analytics(user, scope, cycle, department=department, previous=previous)
        return report, report.tables()

    filters = (cycle.pk, department.pk if department else None, previous.pk if previous else None)
    return kept("ratings", scope, filters, compute, refresh=refresh)
