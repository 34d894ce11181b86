"""Rater severity / leniency: a one-way random-effects model fitted by REML.

Each manager (the *rater*) gives one rating to each member of their team (the
*ratees*).  Ratings differ between managers partly because teams differ and
partly because managers use the scale differently.  We estimate the second
part with a random effect per rater, so that a manager with a small team is
pulled ("shrunk") toward the organisation's average instead of being branded
lenient or severe on the strength of two or three ratings (partial pooling).

Model
-----
For rater ``i = 1..k`` with ``n_i`` ratings ``y_ij`` (``N = Σ n_i``)::

    y_ij = μ + b_i + e_ij,    b_i ~ N(0, τ²),    e_ij ~ N(0, σ²), independent.

Fit (variance components)
-------------------------
Write ``λ = τ²/σ²``, ``ȳ_i`` for rater *i*'s mean, ``SSW = Σ_i Σ_j (y_ij − ȳ_i)²``
and ``w_i = n_i / (1 + λ n_i)``.  For the one-way model everything has a closed
form given ``λ`` (Searle, Casella & McCulloch, *Variance Components*, 1992,
ch. 3 and 6; Harville, JASA 72 (1977) 320–340):

* ``μ̂(λ) = Σ w_i ȳ_i / Σ w_i``  (generalised least squares),
* ``Q(λ) = SSW + Σ w_i (ȳ_i − μ̂)²``  (``= σ²·(y − μ̂)ᵀ V⁻¹ (y − μ̂)``),
* ``σ̂²(λ) = Q / (N − p)`` with ``p = 1`` for REML, ``p = 0`` for ML,

and, up to constants, minus twice the profiled (restricted) log-likelihood is

* REML: ``(N − 1)·log Q + Σ log(1 + λ n_i) + log Σ w_i``,
* ML:   ``N·log Q + Σ log(1 + λ n_i)``,

with derivative in ``λ`` (using ``dw_i/dλ = −w_i²`` and, because ``μ̂`` minimises
``Q``, ``dQ/dλ = −Σ w_i² (ȳ_i − μ̂)²``)::

    REML: Σ w_i − Σ w_i²/Σ w_i − (N − 1)·Σ w_i²(ȳ_i − μ̂)²/Q
    ML:   Σ w_i − N·Σ w_i²(ȳ_i − μ̂)²/Q

The one-dimensional profile is evaluated on a log-spaced grid of ``λ`` (plus
``λ = 0``) to find the global minimum's neighbourhood, then the score equation
is solved there with ``scipy.optimize.brentq`` to near machine precision.  If
the derivative at ``λ = 0`` is non-negative and the grid minimum is at 0, the
estimate is on the boundary, ``τ̂² = 0`` (as lme4 and statsmodels report it).
For balanced data REML reproduces the ANOVA estimator
``τ̂² = (MSB − MSW)/n, σ̂² = MSW`` whenever that is positive.

Rater effects (BLUP / empirical Bayes)
---------------------------------------
``shrinkage_i = τ²/(τ² + σ²/n_i) = λ n_i/(1 + λ n_i)`` and
``b̂_i = shrinkage_i · (ȳ_i − μ̂)``.

**Sign convention: a positive estimate means the rater is lenient** — after
shrinkage they rate higher than the pooled mean; a negative estimate means
severe.  The unit is rating points on the cycle's scale.

Standard errors
---------------
We report the prediction-error variance (Henderson 1975, Biometrics 31,
423–447; the ``C²²`` block of the mixed-model equations)::

    Var(b̂_i − b_i) = (1 − shrinkage_i)·τ² + shrinkage_i² · Var(μ̂),
    Var(μ̂) = σ² / Σ w_i = 1 / Σ_j 1/(τ² + σ²/n_j).

The first term alone is the *conditional* variance of ``b_i`` given the data
with ``μ`` treated as known, which is what ``statsmodels``'
``MixedLMResults.random_effects_cov`` and lme4's ``condVar`` report; the second
term adds the uncertainty of the estimated mean (the two parts are
uncorrelated because the error of a best linear predictor is uncorrelated
with the data).  As in both packages, the uncertainty of ``τ̂²`` and ``σ̂²``
themselves is not propagated (no Kackar–Harville correction), so intervals
are slightly optimistic for very few raters.  The interval is
``b̂_i ± z_{1−α/2}·SE`` with ``z`` from the standard normal.

Degenerate data (reported in ``ModelSummary.note``)
---------------------------------------------------
* All ratings equal: ``τ̂² = σ̂² = 0``, every estimate 0 with SE 0, ICC ``None``.
* One rater: ``τ²`` is not identifiable; ``τ̂² = 0`` and every rater is "not
  enough data" (a severity relative to colleagues needs colleagues).
* Every rater has a single rating (``N = k``): the likelihood is flat in
  ``λ``; by convention ``τ̂² = 0`` (no rater effect is claimed).
* No variation inside any team but differences between teams (and ``N > k``):
  the likelihood increases without bound as ``σ² → 0``; we report the limit
  ``σ̂² = 0``, ``shrinkage = 1``, ``μ̂`` = unweighted mean of rater means and
  ``τ̂² = Σ (ȳ_i − μ̂)² / (N − p)``.

Raters with fewer than ``min_team_size`` ratings are used in the fit (they
inform ``μ``, ``τ²`` and ``σ²``) but are reported with ``enough_data=False`` and
``None`` for estimate, SE, interval and shrinkage — shown as "not enough data".

Input is validated: ratings must be finite real numbers (int, float, Decimal,
Fraction, NumPy scalars; ``None``, NaN, ±inf, booleans and strings raise
``ValueError``), rater and ratee ids must not be ``None``, and a ratee may be
rated only once.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real
from typing import Generic, Literal, TypeVar

import numpy as np
import numpy.typing as npt
from scipy import optimize, stats

__all__ = [
    "DEFAULT_MIN_TEAM_SIZE",
    "ModelSummary",
    "RaterEffect",
    "RaterEffectsResult",
    "estimate_rater_effects",
]

DEFAULT_MIN_TEAM_SIZE = 3

R = TypeVar("R", bound=Hashable)
Method = Literal["REML", "ML"]
FloatArray = npt.NDArray[np.float64]

# Grid for the variance ratio λ = τ²/σ²: 0 plus 10^-8 … 10^8 in steps of 0.1
# decade; ICC = λ/(1+λ) so this spans ICC 1e-8 … 1 − 1e-8.
_LAMBDA_GRID = np.concatenate(([0.0], np.logspace(-8.0, 8.0, 161)))
_LAMBDA_MAX = 1e16


@dataclass(frozen=True, slots=True)
class RaterEffect(Generic[R]):
    """One rater's severity (negative) or leniency (positive) estimate.

    ``estimate`` is the shrunken deviation of the rater's ratings from the
    pooled mean, in rating points: positive = lenient (rates higher than the
    pooled mean), negative = severe.  ``estimate``, ``se``, ``ci_low``,
    ``ci_high`` and ``shrinkage`` are ``None`` when ``enough_data`` is false.
    """

    rater_id: R
    n: int
    mean_rating: float
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    shrinkage: float | None
    enough_data: bool


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """The fitted variance components.

    ``icc`` = τ²/(τ² + σ²), the share of rating variance due to the rater;
    ``None`` when both components are 0 (all ratings equal).
    """

    mu: float
    mu_se: float
    tau2: float
    sigma2: float
    icc: float | None
    n_raters: int
    n_ratings: int
    method: Method
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RaterEffectsResult(Generic[R]):
    """Per-rater effects (in order of each rater's first rating) and the model."""

    raters: tuple[RaterEffect[R], ...]
    model: ModelSummary
    min_team_size: int
    confidence: float


@dataclass(frozen=True, slots=True)
class _Fit:
    lam: float  # τ²/σ²; math.inf when σ² = 0 with τ² > 0
    mu: float  # in centred units
    tau2: float
    sigma2: float
    var_mu: float
    note: str | None


def _validate(
    observations: Iterable[tuple[R, Hashable, float | int | Decimal | None]],
) -> tuple[list[R], npt.NDArray[np.intp], FloatArray]:
    rater_ids: list[R] = []
    index_of: dict[R, int] = {}
    seen_ratees: set[Hashable] = set()
    groups: list[int] = []
    values: list[float] = []
    for position, observation in enumerate(observations):
        try:
            rater_id, ratee_id, rating = observation
        except (TypeError, ValueError):
            raise ValueError(
                f"observation {position}: expected (rater_id, ratee_id, rating), "
                f"got {observation!r}"
            ) from None
        if rater_id is None:
            raise ValueError(f"observation {position}: rater_id is None")
        if ratee_id is None:
            raise ValueError(f"observation {position}: ratee_id is None")
        if rating is None:
            raise ValueError(
                f"observation {position} (rater {rater_id!r}, ratee {ratee_id!r}): "
                "rating is missing (None)"
            )
        if isinstance(rating, bool | np.bool_) or not isinstance(rating, Real | Decimal):
            raise ValueError(
                f"observation {position} (rater {rater_id!r}, ratee {ratee_id!r}): "
                f"rating must be a real number, got {type(rating).__name__} {rating!r}"
            )
        value = float(rating)
        if not math.isfinite(value):
            raise ValueError(
                f"observation {position} (rater {rater_id!r}, ratee {ratee_id!r}): "
                f"rating must be finite, got {value!r}"
            )
        if ratee_id in seen_ratees:
            raise ValueError(
                f"observation {position}: ratee {ratee_id!r} is rated more than once; "
                "give one (the manager's) rating per ratee"
            )
        seen_ratees.add(ratee_id)
        index = index_of.get(rater_id)
        if index is None:
            index = index_of[rater_id] = len(rater_ids)
            rater_ids.append(rater_id)
        groups.append(index)
        values.append(value)
    if not values:
        raise ValueError("no ratings: at least one observation is needed")
    return rater_ids, np.asarray(groups, dtype=np.intp), np.asarray(values, dtype=np.float64)


def _profile(
    lam: FloatArray,
    n: FloatArray,
    means: FloatArray,
    ssw: float,
    n_total: int,
    p: int,
) -> tuple[FloatArray, FloatArray]:
    """Profiled −2·log-likelihood (up to constants) and its derivative in λ.

    ``lam`` has shape (G,); returns arrays of shape (G,).
    """
    lam2 = lam[:, None]
    w = n / (1.0 + lam2 * n)  # (G, k)
    sw = w.sum(axis=1)
    mu = (w * means).sum(axis=1) / sw
    r = means - mu[:, None]
    q = ssw + (w * r * r).sum(axis=1)
    log_det = np.log1p(lam2 * n).sum(axis=1)
    w2 = w * w
    dq = -(w2 * r * r).sum(axis=1)
    dof = n_total - p
    value = dof * np.log(q) + log_det
    grad = sw + dof * dq / q
    if p == 1:
        value = value + np.log(sw)
        grad = grad - w2.sum(axis=1) / sw
    return value, grad


def _fit(
    n: FloatArray,
    means: FloatArray,
    ssw: float,
    n_total: int,
    p: int,
) -> _Fit:
    k = n.shape[0]
    dof = n_total - p

    def gls(lam: float) -> tuple[float, float, float]:
        w = n / (1.0 + lam * n)
        sw = float(w.sum())
        mu = float((w * means).sum() / sw)
        q = ssw + float((w * (means - mu) ** 2).sum())
        return mu, q, sw

    if k == 1 or n_total == k:
        # τ² not identifiable: a single rater, or a single rating per rater
        # (flat likelihood in λ).  Convention: τ̂² = 0.
        mu, q, sw = gls(0.0)
        sigma2 = q / dof if dof > 0 else 0.0
        note = (
            "one rater: rater variance not identifiable"
            if k == 1
            else "one rating per rater: rater and residual variance not separable"
        )
        return _Fit(0.0, mu, 0.0, sigma2, sigma2 / sw, note)

    if ssw == 0.0:
        # No variation inside any team, N > k: likelihood unbounded as σ² → 0.
        mu = float(means.mean())
        tau2 = float(((means - mu) ** 2).sum()) / dof
        return _Fit(
            math.inf,
            mu,
            tau2,
            0.0,
            tau2 / k,
            "no variation within any rater's ratings: residual variance is 0",
        )

    def grad(lam: float) -> float:
        return float(_profile(np.array([lam]), n, means, ssw, n_total, p)[1][0])

    values, _ = _profile(_LAMBDA_GRID, n, means, ssw, n_total, p)
    m = int(np.argmin(values))
    last = len(_LAMBDA_GRID) - 1
    lam_hat: float
    if m == 0 and grad(0.0) >= 0.0:
        lam_hat = 0.0
    else:
        lo = float(_LAMBDA_GRID[max(m - 1, 0)])
        hi = float(_LAMBDA_GRID[min(m + 1, last)])
        while m == last and grad(hi) < 0.0 and hi < _LAMBDA_MAX:
            lo, hi = hi, hi * 10.0
        g_lo, g_hi = grad(lo), grad(hi)
        if g_lo < 0.0 < g_hi:
            root = optimize.brentq(grad, lo, hi, xtol=1e-300, rtol=8 * np.finfo(float).eps)
            lam_hat = float(root)
        elif g_hi <= 0.0 and hi >= _LAMBDA_MAX:
            lam_hat = hi
        else:  # no sign change in the bracket (flat stretch): minimise directly

            def objective(lam: float) -> float:
                return float(_profile(np.array([lam]), n, means, ssw, n_total, p)[0][0])

            found = optimize.minimize_scalar(
                objective, bounds=(lo, hi), method="bounded", options={"xatol": 1e-14}
            )
            lam_hat = float(found.x)

    mu, q, sw = gls(lam_hat)
    sigma2 = q / dof
    tau2 = lam_hat * sigma2
    boundary = None if lam_hat > 0.0 else "rater variance estimated as 0: no rater effects detected"
    return _Fit(lam_hat, mu, tau2, sigma2, sigma2 / sw, boundary)


def estimate_rater_effects(
    observations: Iterable[tuple[R, Hashable, float | int | Decimal | None]],
    *,
    min_team_size: int = DEFAULT_MIN_TEAM_SIZE,
    confidence: float = 0.95,
    method: Method = "REML",
) -> RaterEffectsResult[R]:
    """Estimate each rater's severity/leniency with partial pooling.

    ``observations``: ``(rater_id, ratee_id, rating)`` triples, one per ratee.
    ``min_team_size``: raters with fewer ratings are fitted but reported as
    "not enough data".  ``confidence``: level of the normal interval.
    ``method``: ``"REML"`` (default) or ``"ML"``.  See the module docstring for
    the formulas.
    """
    if isinstance(min_team_size, bool) or not isinstance(min_team_size, int) or min_team_size < 1:
        raise ValueError(f"min_team_size must be an integer ≥ 1, got {min_team_size!r}")
    if not (isinstance(confidence, Real) and 0.0 < float(confidence) < 1.0):
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    if method not in ("REML", "ML"):
        raise ValueError(f"method must be 'REML' or 'ML', got {method!r}")
    p = 1 if method == "REML" else 0

    rater_ids, groups, y = _validate(observations)
    k = len(rater_ids)
    n_total = int(y.shape[0])

    all_equal = float(y.max()) == float(y.min())
    # Centre on the grand mean to limit cancellation; μ is added back at the end.
    shift = float(y[0]) if all_equal else float(y.mean())
    yc = y - shift
    counts = np.bincount(groups, minlength=k)
    n = counts.astype(np.float64)
    means = np.bincount(groups, weights=yc, minlength=k) / n
    dev = yc - means[groups]
    ssw_by_rater = np.bincount(groups, weights=dev * dev, minlength=k)
    # A team whose ratings are all identical has exactly zero within-variation,
    # whatever rounding left in ``dev``.
    highest = np.full(k, -np.inf)
    lowest = np.full(k, np.inf)
    np.maximum.at(highest, groups, y)
    np.minimum.at(lowest, groups, y)
    ssw_by_rater[highest == lowest] = 0.0
    ssw = float(ssw_by_rater.sum())

    if all_equal:
        fit = _Fit(0.0, 0.0, 0.0, 0.0, 0.0, "all ratings are equal")
    else:
        fit = _fit(n, means, ssw, n_total, p)

    shrink = np.ones(k) if math.isinf(fit.lam) else fit.lam * n / (1.0 + fit.lam * n)
    resid = means - fit.mu
    estimates = shrink * resid
    pev = (1.0 - shrink) * fit.tau2 + shrink * shrink * fit.var_mu
    ses = np.sqrt(np.maximum(pev, 0.0))
    z = float(stats.norm.ppf(0.5 + float(confidence) / 2.0))

    enough_raters = k >= 2
    effects: list[RaterEffect[R]] = []
    for i, rater_id in enumerate(rater_ids):
        count = int(counts[i])
        mean_rating = float(means[i] + shift)
        if enough_raters and count >= min_team_size:
            est = float(estimates[i])
            se = float(ses[i])
            effects.append(
                RaterEffect(
                    rater_id=rater_id,
                    n=count,
                    mean_rating=mean_rating,
                    estimate=est,
                    se=se,
                    ci_low=est - z * se,
                    ci_high=est + z * se,
                    shrinkage=float(shrink[i]),
                    enough_data=True,
                )
            )
        else:
            effects.append(
                RaterEffect(
                    rater_id=rater_id,
                    n=count,
                    mean_rating=mean_rating,
                    estimate=None,
                    se=None,
                    ci_low=None,
                    ci_high=None,
                    shrinkage=None,
                    enough_data=False,
                )
            )

    total = fit.tau2 + fit.sigma2
    model = ModelSummary(
        mu=fit.mu + shift,
        mu_se=math.sqrt(fit.var_mu),
        tau2=fit.tau2,
        sigma2=fit.sigma2,
        icc=fit.tau2 / total if total > 0.0 else None,
        n_raters=k,
        n_ratings=n_total,
        method=method,
        note=fit.note,
    )
    return RaterEffectsResult(
        raters=tuple(effects),
        model=model,
        min_team_size=min_team_size,
        confidence=float(confidence),
    )
