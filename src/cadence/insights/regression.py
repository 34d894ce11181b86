"""Ordinary least squares, written out with NumPy so that every step can be
read and checked (the tests compare it with statsmodels on the same data):

- columns that add nothing (no variation, or an exact combination of the
  columns before them) are dropped, in order, and named with the reason —
  a rank-deficient design never crashes and never silently reshuffles;
- the fit is by a QR decomposition of the remaining columns;
- standard errors are the classical ones, sigma² (X'X)⁻¹ with
  sigma² = RSS / (n − p); t = b / se; two-sided p-values and intervals from
  Student's t with n − p degrees of freedom.

The first column is the intercept: it is never dropped, and R² is the
centred one (1 − RSS / TSS), as for any model with a constant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import linalg
from scipy import stats as scipy_stats

# A column is aliased when what is left of it after removing the columns
# before it is this small relative to its own length (exact collinearity
# in data made of dummies and years; rounding noise is ~1e-15).
ALIAS_TOLERANCE = 1e-9

NO_VARIATION = "no variation: everyone in the analysis has the same value"
ALIASED = "duplicates a combination of the other columns (aliased)"

Vector = NDArray[np.float64]


class NotEnoughData(ValueError):
    """Fewer people than parameters to estimate (no residual degrees of freedom)."""


@dataclass(frozen=True)
class Dropped:
    name: str
    reason: str


@dataclass(frozen=True)
class Fit:
    """The fitted model. Arrays follow `names` (the columns kept)."""

    names: tuple[str, ...]
    coef: Vector
    se: Vector
    t: Vector
    p_value: Vector
    ci_low: Vector
    ci_high: Vector
    n: int
    df_resid: int
    rss: float
    r_squared: float | None  # None when every y is the same
    adj_r_squared: float | None
    residual_se: float
    confidence: float
    dropped: tuple[Dropped, ...]

    def position(self, name: str) -> int | None:
        """Where `name` is among the kept columns, or None if it was dropped."""
        try:
            return self.names.index(name)
        except ValueError:
            return None


def independent_columns(
    x: NDArray[np.float64], names: Sequence[str]
) -> tuple[list[int], list[Dropped]]:
    """The columns to keep, in order, and the ones dropped with the reason.
    Gram–Schmidt, twice per column for stability: a column is kept when
    its part orthogonal to the kept columns is not negligible."""
    kept: list[int] = []
    dropped: list[Dropped] = []
    basis = np.zeros((x.shape[0], 0))
    for j in range(x.shape[1]):
        column = x[:, j].astype(np.float64)
        size = float(np.linalg.norm(column))
        residual = column.copy()
        for _ in range(2):
            residual -= basis @ (basis.T @ residual)
        left = float(np.linalg.norm(residual))
        if j > 0 and (size == 0.0 or left <= ALIAS_TOLERANCE * size):
            constant = size == 0.0 or bool(np.ptp(column) == 0.0)
            dropped.append(Dropped(names[j], NO_VARIATION if constant else ALIASED))
            continue
        if left == 0.0:  # only an all-zero intercept, i.e. no rows
            raise NotEnoughData("No one to analyse.")
        kept.append(j)
        basis = np.column_stack([basis, residual / left])
    return kept, dropped


def least_squares(
    y: NDArray[np.float64],
    x: NDArray[np.float64],
    names: Sequence[str],
    *,
    confidence: float = 0.95,
) -> Fit:
    """Regress `y` on the columns of `x` (the first is the intercept).
    Raises NotEnoughData when fewer rows than kept columns plus one."""
    n = int(x.shape[0])
    if n == 0 or x.shape[1] == 0:
        raise NotEnoughData("No one to analyse.")
    kept, dropped = independent_columns(x, names)
    design = x[:, kept].astype(np.float64)
    parameters = len(kept)
    df_resid = n - parameters
    if df_resid < 1:
        raise NotEnoughData(
            f"{n} people for {parameters} parameters: the model needs more people than parameters."
        )
    q, r = np.linalg.qr(design)
    coef = linalg.solve_triangular(r, q.T @ y)
    residuals = y - design @ coef
    rss = float(residuals @ residuals)
    sigma2 = rss / df_resid
    r_inverse = linalg.solve_triangular(r, np.eye(parameters))
    unscaled = r_inverse @ r_inverse.T  # (X'X)⁻¹
    se = np.sqrt(np.clip(np.diag(unscaled), 0.0, None) * sigma2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = coef / se
    p_value = 2.0 * scipy_stats.t.sf(np.abs(t), df_resid)
    margin = scipy_stats.t.ppf(0.5 + confidence / 2.0, df_resid) * se
    centred = y - y.mean()
    tss = float(centred @ centred)
    r_squared = None if tss == 0.0 else 1.0 - rss / tss
    adj = None if r_squared is None else 1.0 - (1.0 - r_squared) * (n - 1) / df_resid
    return Fit(
        names=tuple(names[j] for j in kept),
        coef=coef,
        se=se,
        t=t,
        p_value=p_value,
        ci_low=coef - margin,
        ci_high=coef + margin,
        n=n,
        df_resid=df_resid,
        rss=rss,
        r_squared=r_squared,
        adj_r_squared=adj,
        residual_se=float(np.sqrt(sigma2)),
        confidence=confidence,
        dropped=tuple(dropped),
    )
