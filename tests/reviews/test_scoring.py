"""Score arithmetic: section means without unanswered or unable-to-rate
items, weighted means with renormalised weights, and mapping to the scale
(nearest level, ties to the lower, clamped) — checked against NumPy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cadence.reviews.scoring import computed_score, map_to_level, quantize_score, section_score


@dataclass(frozen=True)
class Level:
    value: Decimal
    label: str


FIVE = [Level(Decimal(v), label) for v, label in enumerate(["DNM", "PM", "M", "E", "FE"], 1)]


def label(score: object, levels: list[Level] = FIVE) -> str | None:
    level = map_to_level(score, levels)  # type: ignore[arg-type]
    return None if level is None else level.label


# --- section score ---------------------------------------------------------------


def test_section_score_is_the_mean_of_answered_ratings() -> None:
    assert section_score([Decimal(3), Decimal(4), Decimal(5)]) == Decimal(4)
    assert section_score([2, 3]) == Decimal("2.5")


def test_unanswered_and_unable_to_rate_are_left_out_not_counted_as_zero() -> None:
    # An unable-to-rate answer stores no rating: both come in as None.
    assert section_score([Decimal(4), None, Decimal(2), None]) == Decimal(3)


def test_section_without_answered_ratings_has_no_score() -> None:
    assert section_score([]) is None
    assert section_score([None, None]) is None


# --- computed score ----------------------------------------------------------------


def test_weighted_mean_over_sections() -> None:
    # Goals weigh 2, competencies 1, questions 1: (2*4 + 3 + 1*2) / 4 = 3.25
    assert computed_score([(2, Decimal(4)), (1, Decimal(3)), (1, Decimal(2))]) == Decimal("3.25")


def test_a_section_without_a_score_drops_out_and_weights_renormalise() -> None:
    # Without the goals section, competencies and questions share the weight.
    assert computed_score([(2, None), (1, Decimal(3)), (1, Decimal(2))]) == Decimal("2.5")
    # Renormalising means the same as if the section were not in the template.
    assert computed_score([(3, Decimal(5)), (7, None)]) == Decimal(5)


def test_no_score_when_nothing_is_rated_or_rated_sections_weigh_nothing() -> None:
    assert computed_score([]) is None
    assert computed_score([(1, None), (2, None)]) is None
    assert computed_score([(0, Decimal(4)), (2, None)]) is None


def test_zero_weight_section_counts_for_nothing() -> None:
    assert computed_score([(0, Decimal(1)), (1, Decimal(5))]) == Decimal(5)


def test_negative_weights_are_refused() -> None:
    with pytest.raises(ValueError):
        computed_score([(-1, Decimal(3)), (1, Decimal(4))])


def test_decimal_weights_are_exact() -> None:
    # 0.1 and 0.2 as decimals, not binary floats: (0.1*1 + 0.2*4) / 0.3 = 3
    assert computed_score([(Decimal("0.1"), 1), (Decimal("0.2"), 4)]) == Decimal(3)
    assert computed_score([(0.1, 1), (0.2, 4)]) == Decimal(3)


# --- mapping to the scale -----------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("1", "DNM"),
        ("2.49", "PM"),
        ("2.51", "M"),
        ("3", "M"),
        ("4.75", "FE"),
        ("4.499", "E"),
    ],
)
def test_nearest_level(score: str, expected: str) -> None:
    assert label(Decimal(score)) == expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [("1.5", "DNM"), ("2.5", "PM"), ("3.5", "M"), ("4.5", "E")],
)
def test_ties_go_to_the_lower_level(score: str, expected: str) -> None:
    assert label(Decimal(score)) == expected


def test_ties_go_lower_whatever_order_the_levels_come_in() -> None:
    assert label(Decimal("3.5"), list(reversed(FIVE))) == "M"


@pytest.mark.parametrize(("score", "expected"), [("0", "DNM"), ("-3", "DNM"), ("9.9", "FE")])
def test_scores_outside_the_scale_clamp(score: str, expected: str) -> None:
    assert label(Decimal(score)) == expected


def test_uneven_scale() -> None:
    levels = [Level(Decimal(v), str(v)) for v in (0, 1, 4, 10)]
    assert label(Decimal("2.5"), levels) == "1"  # tie between 1 and 4
    assert label(Decimal("2.6"), levels) == "4"
    assert label(Decimal("7"), levels) == "4"  # tie between 4 and 10


def test_no_score_or_no_levels_maps_to_nothing() -> None:
    assert map_to_level(None, FIVE) is None
    assert map_to_level(Decimal(3), []) is None


def test_quantize_half_even_to_three_places() -> None:
    assert quantize_score(Decimal("3.0005")) == Decimal("3.000")
    assert quantize_score(Decimal("3.0015")) == Decimal("3.002")
    assert quantize_score(Decimal(10) / 3) == Decimal("3.333")


# --- against NumPy -------------------------------------------------------------------

ratings = st.lists(st.one_of(st.none(), st.integers(1, 5)), max_size=12)
weights = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
scores = st.one_of(st.none(), st.decimals(min_value=1, max_value=5, places=3, allow_nan=False))


@given(ratings)
def test_section_score_matches_numpy_mean(values: list[int | None]) -> None:
    answered = [v for v in values if v is not None]
    got = section_score(values)
    if not answered:
        assert got is None
    else:
        assert got is not None
        assert float(got) == pytest.approx(float(np.mean(answered)))


@given(st.lists(st.tuples(weights, scores), max_size=8))
def test_computed_score_matches_numpy_average(
    sections: list[tuple[Decimal, Decimal | None]],
) -> None:
    rated = [(w, s) for w, s in sections if s is not None]
    got = computed_score(sections)
    if not rated or sum(w for w, _ in rated) == 0:
        assert got is None
        return
    expected = np.average([float(s) for _, s in rated], weights=[float(w) for w, _ in rated])
    assert got is not None
    assert float(got) == pytest.approx(float(expected), rel=1e-9)
    # A weighted mean stays within the scores it averages.
    assert min(s for _, s in rated) <= got <= max(s for _, s in rated)


@given(
    st.lists(st.tuples(weights, scores), min_size=1, max_size=8),
    st.decimals(min_value=Decimal("0.01"), max_value=50, places=2, allow_nan=False),
)
def test_scaling_every_weight_changes_nothing(
    sections: list[tuple[Decimal, Decimal | None]], factor: Decimal
) -> None:
    scaled = [(w * factor, s) for w, s in sections]
    assert computed_score(sections) == pytest.approx(computed_score(scaled))


@given(st.decimals(min_value=-10, max_value=20, places=3, allow_nan=False))
def test_mapping_matches_numpy_nearest_with_lower_tie(score: Decimal) -> None:
    values = np.array([float(level.value) for level in FIVE])
    distances = np.abs(values - float(score))
    # argmin returns the first (lowest) index among equal distances.
    expected = FIVE[int(np.argmin(distances))]
    assume(np.sum(np.isclose(distances, distances.min())) == np.sum(distances == distances.min()))
    assert map_to_level(score, FIVE) == expected
