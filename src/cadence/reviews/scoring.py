"""Score arithmetic for reviews, as pure functions (no database): a
section's score from its ratings, the weighted score over sections, and the
scale level a score maps to. Everything is exact decimal arithmetic, so the
same answers always give the same number on every database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Protocol, TypeVar

Number = Decimal | int | float

# The precision ReviewResult.computed_score stores (decimal_places=3).
SCORE_PLACES = Decimal("0.001")


class HasValue(Protocol):
    """A scale level, as far as mapping a score needs it."""

    @property
    def value(self) -> Decimal: ...


L = TypeVar("L", bound=HasValue)


def _decimal(value: Number) -> Decimal:
    # str() first, so 0.1 becomes Decimal("0.1"), not its binary expansion.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def quantize_score(score: Decimal) -> Decimal:
    """A score at the precision it is stored and shown with."""
    return score.quantize(SCORE_PLACES, rounding=ROUND_HALF_EVEN)


def section_score(ratings: Iterable[Number | None]) -> Decimal | None:
    """The mean of the answered ratings of one section, or None when none
    was answered. An unanswered item and an "unable to rate" answer both
    come in as None (an unable-to-rate answer stores no rating) and are
    left out rather than counted as zero: not knowing is not a low score."""
    answered = [_decimal(r) for r in ratings if r is not None]
    if not answered:
        return None
    return sum(answered, Decimal(0)) / len(answered)


def computed_score(sections: Iterable[tuple[Number, Number | None]]) -> Decimal | None:
    """The weighted mean of the section scores, over the sections that have
    a score: a section nobody could rate drops out and the weights of the
    others are renormalised (so a review without goals is not dragged
    towards zero). None when no section has a score, or when every rated
    section weighs 0. Weights must not be negative."""
    total_weight = Decimal(0)
    weighted = Decimal(0)
    for raw_weight, raw_score in sections:
        weight = _decimal(raw_weight)
        if weight < 0:
            raise ValueError("Section weights cannot be negative.")
        if raw_score is None:
            continue
        total_weight += weight
        weighted += weight * _decimal(raw_score)
    if total_weight == 0:
        return None
    return weighted / total_weight


def map_to_level(score: Number | None, levels: Sequence[L]) -> L | None:
    """The level whose value is nearest to `score`; None without a score or
    levels. A score below the lowest level or above the highest maps to
    that end of the scale.

    A score exactly half-way between two levels maps to the LOWER one. A
    rating is a judgement someone must stand behind: rounding up would hand
    out "Exceeds" on arithmetic alone, and a manager who thinks the higher
    level is deserved can propose it with a reason, which is then on record.
    """
    if score is None or not levels:
        return None
    target = _decimal(score)
    ordered = sorted(levels, key=lambda level: level.value)
    best = ordered[0]
    best_distance = abs(_decimal(best.value) - target)
    for level in ordered[1:]:
        distance = abs(_decimal(level.value) - target)
        # Strictly nearer only: on a tie the lower level (seen first) stays.
        if distance < best_distance:
            best, best_distance = level, distance
    return best
