"""Progress arithmetic: direction, clamping, weights, milestones, roll-up
through three levels, and the colour bands."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.goals.models import Direction, KeyResult, KeyResultType
from cadence.goals.progress import (
    Band,
    KeyResultFacts,
    band,
    metric_progress,
    rollup,
    weighted_mean,
)


@pytest.mark.parametrize(
    ("start", "target", "current", "increase", "expected"),
    [
        (0, 100, 25, True, 0.25),
        (10, 20, 15, True, 0.5),
        (0, 100, 150, True, 1.0),  # clamped above
        (0, 100, -5, True, 0.0),  # clamped below
        (100, 40, 70, False, 0.5),  # decrease: 100 → 40, now 70
        (100, 40, 20, False, 1.0),
        (100, 40, 120, False, 0.0),
        (5, 5, 5, True, 1.0),  # target equals start: reached or not
        (5, 5, 4, True, 0.0),
        (5, 5, 4, False, 1.0),
        (0, 100, None, True, 0.0),
    ],
)
def test_metric_progress(start, target, current, increase, expected) -> None:  # type: ignore[no-untyped-def]
    assert metric_progress(
        start=start, target=target, current=current, increase=increase
    ) == pytest.approx(expected)


@given(
    st.floats(-1e6, 1e6),
    st.floats(-1e6, 1e6),
    st.floats(-1e6, 1e6),
    st.booleans(),
)
def test_metric_progress_is_always_between_zero_and_one(start, target, current, increase) -> None:  # type: ignore[no-untyped-def]
    value = metric_progress(start=start, target=target, current=current, increase=increase)
    assert 0.0 <= value <= 1.0


def test_key_result_model_uses_direction_and_milestones() -> None:
    kr = KeyResult(
        start_value=Decimal(50),
        target_value=Decimal(10),
        current_value=Decimal(30),
        direction=Direction.DECREASE,
    )
    assert kr.progress == pytest.approx(0.5)
    assert KeyResult(result_type=KeyResultType.MILESTONE, done=True).progress == 1.0
    assert KeyResult(result_type=KeyResultType.MILESTONE, done=False).progress == 0.0


def test_weighted_mean_ignores_zero_weights_and_empty() -> None:
    assert weighted_mean([(1.0, 3), (0.0, 1)]) == pytest.approx(0.75)
    assert weighted_mean([]) is None
    assert weighted_mean([(1.0, 0)]) is None


def test_rollup_through_three_levels_with_weights() -> None:
    # company(1) ← dept(2, weight 1) and dept(3, weight 3); dept 2 ← person 4 and 5.
    key_results = {
        4: [KeyResultFacts(1, 1.0), KeyResultFacts(1, 0.5)],  # 0.75
        5: [KeyResultFacts(2, 0.0), KeyResultFacts(2, 0.5)],  # 0.25
        3: [KeyResultFacts(1, 0.9)],
    }
    children = {1: [(2, 1.0), (3, 3.0)], 2: [(4, 1.0), (5, 1.0)]}
    got = rollup([1, 2, 3, 4, 5], key_results, children)
    assert got[2] == pytest.approx(0.5)
    assert got[1] == pytest.approx((0.5 * 1 + 0.9 * 3) / 4)


def test_own_key_results_take_precedence_over_children() -> None:
    got = rollup(
        [1, 2], {1: [KeyResultFacts(1, 0.2)], 2: [KeyResultFacts(1, 1.0)]}, {1: [(2, 1.0)]}
    )
    assert got[1] == pytest.approx(0.2)


def test_goal_with_neither_key_results_nor_children_has_no_progress() -> None:
    assert rollup([7], {}, {})[7] is None


@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0.01, 10)), min_size=1, max_size=8))
def test_rollup_of_one_parent_equals_numpy_weighted_average(children) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    kr = {i + 2: [KeyResultFacts(1, p)] for i, (p, _) in enumerate(children)}
    links = {1: [(i + 2, w) for i, (_, w) in enumerate(children)]}
    got = rollup([1], kr, links)[1]
    expected = np.average([p for p, _ in children], weights=[w for _, w in children])
    assert got == pytest.approx(float(expected))


@pytest.mark.parametrize(
    ("progress", "aspirational", "expected"),
    [
        (0.7, True, Band.GREEN),
        (0.69, True, Band.AMBER),
        (0.39, True, Band.RED),
        (1.0, False, Band.GREEN),
        (0.9, False, Band.AMBER),
        (0.69, False, Band.RED),
        (None, False, Band.NONE),
    ],
)
def test_bands(progress, aspirational, expected) -> None:  # type: ignore[no-untyped-def]
    assert band(progress, aspirational=aspirational) == expected
