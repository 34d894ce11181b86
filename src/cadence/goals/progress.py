"""Progress arithmetic for key results and objectives, as pure functions so
the pages, the API, the tree and exports all compute it the same way.

- A metric key result: (current − start) / (target − start), clamped to 0..1;
  for a "decrease" key result the same measured downwards.
- A milestone: 1 when done, else 0.
- An objective: the weighted mean of its key results, or, when it has none,
  of its aligned children's progress (recursively); None when it has neither.
- Bands: aspirational OKRs expect 0.7, committed ones 1.0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Band(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"


def clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def metric_progress(
    *,
    start: Decimal | float,
    target: Decimal | float,
    current: Decimal | float | None,
    increase: bool = True,
) -> float:
    """Direction-aware progress of a metric from start towards target."""
    if current is None:
        return 0.0
    start_f, target_f, current_f = float(start), float(target), float(current)
    if target_f == start_f:
        reached = current_f >= target_f if increase else current_f <= target_f
        return 1.0 if reached else 0.0
    if increase:
        return clamp((current_f - start_f) / (target_f - start_f))
    return clamp((start_f - current_f) / (start_f - target_f))


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Mean of (value, weight) pairs; None when there is no positive weight."""
    total = 0.0
    weight_sum = 0.0
    for value, weight in pairs:
        if weight > 0:
            total += value * weight
            weight_sum += weight
    return total / weight_sum if weight_sum else None


@dataclass(frozen=True)
class KeyResultFacts:
    weight: float
    progress: float


def rollup(
    objective_ids: Sequence[int],
    key_results: Mapping[int, list[KeyResultFacts]],
    children: Mapping[int, list[tuple[int, float]]],
) -> dict[int, float | None]:
    """Progress of every objective in `objective_ids`, given each one's key
    results and its aligned children as (child id, child weight). Children
    are resolved first; a child outside the mapping counts as no data."""
    result: dict[int, float | None] = {}

    def progress_of(oid: int, trail: frozenset[int]) -> float | None:
        if oid in result:
            return result[oid]
        if oid in trail:  # defensive: alignment cycles are refused on write
            return None
        own = key_results.get(oid, [])
        if own:
            value = weighted_mean((kr.progress, kr.weight) for kr in own)
        else:
            pairs = []
            for child_id, weight in children.get(oid, []):
                child = progress_of(child_id, trail | {oid})
                if child is not None:
                    pairs.append((child, weight))
            value = weighted_mean(pairs)
        result[oid] = value
        return value

    for oid in objective_ids:
        progress_of(oid, frozenset())
    return result


def band(progress: float | None, *, aspirational: bool) -> Band:
    """The colour band of a score: aspirational OKRs are on track at 0.7,
    committed ones only at 1.0."""
    if progress is None:
        return Band.NONE
    green, amber = (0.7, 0.4) if aspirational else (1.0, 0.7)
    if progress >= green - 1e-9:
        return Band.GREEN
    if progress >= amber - 1e-9:
        return Band.AMBER
    return Band.RED
