"""The fairness statistics against independent computations: Fisher's exact
test against scipy.stats.fisher_exact and the two-proportion Z-test against
the pooled Z written out by hand (p from scipy.stats.norm), on many
generated 2×2 tables (random, with zeros, small and large counts), to 1e-9;
and the impact ratio's exactness at exactly four-fifths."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats as scipy_stats

from cadence.insights.stats import FOUR_FIFTHS, fisher_exact_p, impact_ratio, two_proportion_z

TOLERANCE = 1e-9


def _tables() -> list[tuple[int, int, int, int]]:
    """(s1, n1, s2, n2): selected and group size for two groups."""
    rng = np.random.default_rng(20240607)
    tables: list[tuple[int, int, int, int]] = []
    for high in (6, 30, 200, 3000):  # small to large groups
        for _ in range(60):
            n1, n2 = (int(x) for x in rng.integers(1, high, size=2))
            s1, s2 = int(rng.integers(0, n1 + 1)), int(rng.integers(0, n2 + 1))
            tables.append((s1, n1, s2, n2))
    # Zeros and all-or-nothing margins, and a few hand-picked shapes.
    tables += [
        (0, 10, 0, 12),
        (10, 10, 12, 12),
        (0, 10, 5, 10),
        (10, 10, 0, 10),
        (0, 1, 1, 1),
        (1, 1, 0, 5),
        (45, 100, 60, 100),
        (48, 100, 60, 100),
        (3, 4, 40, 50),
        (0, 500, 7, 800),
        (1200, 2500, 1400, 2500),
    ]
    return tables


TABLES = _tables()


def _hand_z(s1: int, n1: int, s2: int, n2: int) -> tuple[float | None, float]:
    """The pooled two-proportion Z, written out; p two-sided from the normal."""
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    standard_error = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if standard_error == 0:
        return None, 1.0
    z = (p1 - p2) / standard_error
    return z, float(2 * scipy_stats.norm.sf(abs(z)))


@pytest.mark.parametrize("table", TABLES, ids=lambda t: "-".join(map(str, t)))
def test_fisher_exact_matches_scipy(table: tuple[int, int, int, int]) -> None:
    s1, n1, s2, n2 = table
    ours = fisher_exact_p(s1, n1 - s1, s2, n2 - s2)
    theirs = scipy_stats.fisher_exact([[s1, n1 - s1], [s2, n2 - s2]], alternative="two-sided")
    assert ours == pytest.approx(float(theirs.pvalue), abs=TOLERANCE, rel=TOLERANCE)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: "-".join(map(str, t)))
def test_two_proportion_z_matches_the_hand_computation(table: tuple[int, int, int, int]) -> None:
    s1, n1, s2, n2 = table
    ours = two_proportion_z(s1, n1, s2, n2)
    z, p = _hand_z(s1, n1, s2, n2)
    if z is None:
        assert ours.z is None and ours.p_value == 1.0
        return
    assert ours.z is not None
    assert ours.z == pytest.approx(z, abs=TOLERANCE, rel=TOLERANCE)
    assert ours.p_value == pytest.approx(p, abs=TOLERANCE, rel=TOLERANCE)


def test_fisher_is_symmetric_in_the_outcome() -> None:
    """Testing the favourable or the adverse outcome gives the same p (the
    adverse-impact report relies on it for improvement plans)."""
    for s1, n1, s2, n2 in TABLES[:80]:
        assert fisher_exact_p(s1, n1 - s1, s2, n2 - s2) == pytest.approx(
            fisher_exact_p(n1 - s1, s1, n2 - s2, s2), abs=TOLERANCE
        )


def test_impact_ratio_is_exact_at_four_fifths() -> None:
    # 36% against 45%: exactly 4/5, though in floating point 0.36 / 0.45 < 0.8.
    ratio = impact_ratio(36, 100, 45, 100)
    assert ratio == Fraction(4, 5) == FOUR_FIFTHS
    assert not ratio < FOUR_FIFTHS
    assert (36 / 100) / (45 / 100) < 0.8  # why the ratio is a Fraction
    assert impact_ratio(48, 100, 60, 100) == FOUR_FIFTHS
    # Different group sizes, still exactly 4/5: 24/50 against 120/200.
    assert impact_ratio(24, 50, 120, 200) == FOUR_FIFTHS
    # One person fewer is below.
    below = impact_ratio(47, 100, 60, 100)
    assert below is not None and below < FOUR_FIFTHS


def test_impact_ratio_without_a_comparison() -> None:
    assert impact_ratio(3, 10, 0, 10) is None  # nobody selected in the best group
    assert impact_ratio(0, 0, 5, 10) is None
    assert impact_ratio(0, 10, 5, 10) == 0
