"""The reads behind rating analytics: every one starts from
`ReviewResult.objects.visible_to(user)` (so an executive sees released
ratings only) narrowed to the people in view, and groups in SQL.

- Final rating: calibrated, else the manager's, else the computed level.
- Before calibration: the manager's, else the computed level.
- Goal attainment: the weighted mean (goal weights) of a person's personal
  goals in the cycle's goal period, each goal the weighted mean of its
  measurable key results (see goals.progress); goals without a measurable
  key result are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cadence.core.models import User
from cadence.goals.models import Direction, KeyResult, KeyResultType
from cadence.goals.progress import metric_progress, weighted_mean
from cadence.insights.health_activity import COUNTED_GOALS
from cadence.insights.health_filters import People
from cadence.reviews.models import Cycle, RatingLevel, ReviewResult

# Goal attainment buckets: [low, high) of progress 0..1; the last is "target met".
ATTAINMENT_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("0–25%", 0.0, 0.25),
    ("25–50%", 0.25, 0.5),
    ("50–75%", 0.5, 0.75),
    ("75–100%", 0.75, 1.0 - 1e-9),
    ("100%", 1.0 - 1e-9, float("inf")),
)
NO_GOALS = "No measurable goals"


def attainment_bucket(progress: float | None) -> str:
    if progress is None:
        return NO_GOALS
    for label, low, high in ATTAINMENT_BUCKETS:
        if low <= progress < high:
            return label
    return ATTAINMENT_BUCKETS[0][0]


def final_level() -> Coalesce:
    return Coalesce(F("calibrated_level_id"), F("manager_level_id"), F("computed_level_id"))


def level_before_calibration() -> Coalesce:
    return Coalesce(F("manager_level_id"), F("computed_level_id"))


def visible_results(user: User, people: People) -> QuerySet[ReviewResult]:
    """Results the viewer may see, about the people in view."""
    return ReviewResult.objects.visible_to(user).filter(people.q("employee__")).order_by()


@dataclass(frozen=True)
class GroupCounts:
    """A group (department, job level, location, manager or cycle) and how
    many of its people were rated at each level (level id → count)."""

    key: int | None
    label: str
    counts: dict[int, int]
    order: tuple[object, ...] = ()

    @property
    def rated(self) -> int:
        return sum(self.counts.values())


def distribution_by(
    results: QuerySet[ReviewResult],
    cycle: Cycle,
    *,
    key: str,
    names: Sequence[str],
    order: Sequence[str] = (),
) -> list[GroupCounts]:
    """Final-level counts per value of `key` in `cycle` (one query)."""
    groups: dict[int | None, GroupCounts] = {}
    rows = (
        results.filter(cycle_id=cycle.pk)
        .annotate(final=final_level())
        .filter(final__isnull=False)
        .values(key, *names, *order, "final")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        group = groups.get(row[key])
        if group is None:
            label = " ".join(str(row[n]) for n in names if row[n]) or "None"
            group = GroupCounts(row[key], label, {}, tuple((row[o] is None, row[o]) for o in order))
            groups[row[key]] = group
        group.counts[row["final"]] = row["n"]
    return sorted(
        groups.values(), key=lambda g: (g.key is None, g.order, g.label.lower(), g.key or 0)
    )


def distribution_by_cycle(
    results: QuerySet[ReviewResult], cycles: Sequence[Cycle]
) -> list[GroupCounts]:
    """Final-level counts per cycle, oldest first (one query)."""
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (
        results.filter(cycle_id__in=[c.pk for c in cycles])
        .annotate(final=final_level())
        .filter(final__isnull=False)
        .values("cycle_id", "final")
        .annotate(n=Count("pk"))
    ):
        counts[row["cycle_id"]][row["final"]] = row["n"]
    ordered = sorted(cycles, key=lambda c: (c.created_at, c.pk))
    return [GroupCounts(c.pk, c.name, dict(counts.get(c.pk, {}))) for c in ordered]


def levels_of_scales(scale_ids: Sequence[int]) -> list[RatingLevel]:
    """The levels of these scales, lowest first (one query)."""
    return list(RatingLevel.objects.filter(scale_id__in=list(scale_ids)).order_by("value", "pk"))


def calibration_pairs(results: QuerySet[ReviewResult], cycle: Cycle) -> dict[tuple[int, int], int]:
    """(level before calibration, final level) → people (one query); people
    without a level before calibration are left out."""
    return {
        (row["before"], row["final"]): row["n"]
        for row in results.filter(cycle_id=cycle.pk)
        .annotate(before=level_before_calibration(), final=final_level())
        .filter(before__isnull=False, final__isnull=False)
        .values("before", "final")
        .annotate(n=Count("pk"))
    }


def movement_pairs(
    user: User, results: QuerySet[ReviewResult], cycle: Cycle, previous: Cycle
) -> dict[tuple[int, int], int]:
    """(final level in `previous`, final level in `cycle`) → people rated
    in both that the viewer may see (one query)."""
    earlier = (
        ReviewResult.objects.visible_to(user)
        .filter(cycle_id=previous.pk, employee_id=OuterRef("employee_id"))
        .annotate(level=final_level())
        .values("level")[:1]
    )
    return {
        (row["earlier"], row["final"]): row["n"]
        for row in results.filter(cycle_id=cycle.pk)
        .annotate(final=final_level(), earlier=Subquery(earlier))
        .filter(final__isnull=False, earlier__isnull=False)
        .values("earlier", "final")
        .annotate(n=Count("pk"))
    }


def _key_result_progress(row: Mapping[str, Any]) -> float:
    if row["result_type"] == KeyResultType.MILESTONE:
        return 1.0 if row["done"] else 0.0
    return metric_progress(
        start=row["start_value"],
        target=row["target_value"],
        current=row["current_value"],
        increase=row["direction"] == Direction.INCREASE,
    )


def attainment_by_person(cycle: Cycle, people: People) -> dict[int, float]:
    """Each person's goal attainment (0..1) in the cycle's goal period, for
    people with at least one measurable key result (one query)."""
    if cycle.goal_period_id is None:
        return {}
    owner = "objective__owner_employee__"
    rows = (
        KeyResult.objects.filter(
            objective__period_id=cycle.goal_period_id, objective__status__in=COUNTED_GOALS
        )
        .filter(Q(result_type=KeyResultType.MILESTONE) | Q(target_value__isnull=False))
        .filter(people.q(owner))
        .order_by("objective_id", "pk")
        .values(
            "objective_id",
            "objective__owner_employee_id",
            "objective__weight",
            "result_type",
            "direction",
            "start_value",
            "target_value",
            "current_value",
            "done",
            "weight",
        )
    )
    goals: dict[int, list[tuple[float, float]]] = defaultdict(list)
    goal_of: dict[int, tuple[int, float]] = {}
    for row in rows:
        goals[row["objective_id"]].append((_key_result_progress(row), float(row["weight"])))
        goal_of[row["objective_id"]] = (
            row["objective__owner_employee_id"],
            float(row["objective__weight"]),
        )
    per_person: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for objective_id, pairs in goals.items():
        progress = weighted_mean(pairs)
        owner_id, weight = goal_of[objective_id]
        if progress is not None:
            per_person[owner_id].append((progress, weight))
    return {
        person: value
        for person, pairs in per_person.items()
        if (value := weighted_mean(pairs)) is not None
    }


def final_levels(results: QuerySet[ReviewResult], cycle: Cycle) -> dict[int, int]:
    """Employee id → final level id in `cycle` (one query)."""
    return dict(
        results.filter(cycle_id=cycle.pk)
        .annotate(final=final_level())
        .filter(final__isnull=False)
        .values_list("employee_id", "final")
    )
