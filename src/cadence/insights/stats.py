"""The tests behind the fairness numbers, written out so that every step can
be read and checked (tests compare them with SciPy on generated data):

- the impact ratio of the four-fifths rule (29 CFR 1607.4(D)): a group's
  selection rate over the highest group's rate, kept as an exact fraction so
  that a ratio of exactly 4/5 is not "below 0.8" by a rounding error;
- the pooled two-proportion Z-test, two-sided;
- Fisher's exact test on the 2×2 table, two-sided, summing every table with
  the same margins that is no more likely than the one observed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.special import gammaln

FOUR_FIFTHS = Fraction(4, 5)
# Tables whose probability is within this relative distance of the observed
# one count as "as extreme" (the tolerance R and SciPy also use for ties).
_TIE_TOLERANCE = 1e-7


@dataclass(frozen=True)
class ZTest:
    z: float | None  # None when both groups have the same all-or-nothing rate
    p_value: float


def impact_ratio(selected: int, total: int, best_selected: int, best_total: int) -> Fraction | None:
    """(selected / total) / (best_selected / best_total), exactly; None when
    either group is empty or the best rate is zero (nobody was selected)."""
    if total <= 0 or best_total <= 0 or best_selected <= 0:
        return None
    return Fraction(selected * best_total, total * best_selected)


def two_proportion_z(s1: int, n1: int, s2: int, n2: int) -> ZTest:
    """Pooled two-proportion Z-test of rate 1 against rate 2: z > 0 when group
    1's rate is higher. The standard error uses the pooled rate, as under
    the hypothesis of no difference."""
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both groups need at least one person")
    pooled = (s1 + s2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return ZTest(z=None, p_value=1.0)
    z = (s1 / n1 - s2 / n2) / math.sqrt(variance)
    return ZTest(z=z, p_value=math.erfc(abs(z) / math.sqrt(2)))


def fisher_exact_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test for [[a, b], [c, d]]: the
    probability, with the margins fixed (hypergeometric), of a table no
    more likely than this one."""
    if min(a, b, c, d) < 0:
        raise ValueError("counts cannot be negative")
    row1, row2, col1 = a + b, c + d, a + c
    total = row1 + row2
    if row1 == 0 or row2 == 0 or col1 == 0 or col1 == total:
        return 1.0
    low, high = max(0, col1 - row2), min(row1, col1)
    cells = np.arange(low, high + 1, dtype=np.float64)
    # log P(X = x) for X ~ Hypergeometric(total, row1, col1), every x at once.
    log_pmf = (
        _log_choose(row1, cells)
        + _log_choose(row2, col1 - cells)
        - float(_log_choose(total, np.float64(col1)))
    )
    observed = log_pmf[a - low]
    as_extreme = log_pmf <= observed + math.log1p(_TIE_TOLERANCE)
    p = float(np.exp(log_pmf[as_extreme]).sum())
    return min(p, 1.0)


def _log_choose(n: int, k: np.ndarray | np.float64) -> np.ndarray:
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
