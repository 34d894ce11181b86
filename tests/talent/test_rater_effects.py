"""Rater severity/leniency (issue 6): checked against statsmodels MixedLM, against
hand-computed closed forms, and on simulated organisations with planted lenient
and severe managers.  No database is needed."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from cadence.talent.rater_effects import (
    RaterEffect,
    RaterEffectsResult,
    estimate_rater_effects,
)

from .rater_simulation import simulate_organisation

Observation = tuple[Any, Any, Any]


def _by_rater(result: RaterEffectsResult[Any]) -> dict[Any, RaterEffect[Any]]:
    return {effect.rater_id: effect for effect in result.raters}


def _estimate(effect: RaterEffect[Any]) -> float:
    assert effect.estimate is not None
    return effect.estimate


def _se(effect: RaterEffect[Any]) -> float:
    assert effect.se is not None
    return effect.se


def _from_teams(teams: Mapping[str, Sequence[float]]) -> list[Observation]:
    observations: list[Observation] = []
    for rater, ratings in teams.items():
        for rating in ratings:
            observations.append((rater, f"{rater}-{len(observations)}", rating))
    return observations


def _unbalanced(seed: int) -> list[Observation]:
    """Raters with 1–14 ratings each, random τ and σ: unbalanced on purpose."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(5, 40))
    sizes = rng.integers(1, 15, size=k)
    tau = rng.uniform(0.0, 0.8)
    sigma = rng.uniform(0.3, 1.2)
    observations: list[Observation] = []
    for rater, size in enumerate(sizes):
        effect = rng.normal(0.0, tau)
        for rating in 3.0 + effect + rng.normal(0.0, sigma, size=int(size)):
            observations.append((rater, len(observations), float(rating)))
    return observations


def _no_rater_effect(seed: int) -> list[Observation]:
    """Pure noise: REML puts τ̂² on the boundary 0 for these seeds."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 10, size=int(rng.integers(5, 20)))
    observations: list[Observation] = []
    for rater, size in enumerate(sizes):
        for rating in 3.0 + rng.normal(0.0, 1.0, size=int(size)):
            observations.append((rater, len(observations), float(rating)))
    return observations


# --- 1. Against an independent fit: statsmodels MixedLM -------------------------

STATSMODELS_CASES = [
    pytest.param(_unbalanced(seed), method, id=f"unbalanced-{seed}-{method}")
    for seed in (0, 3, 4, 14, 34, 39)
    for method in ("REML", "ML")
] + [
    pytest.param(_no_rater_effect(1001), "REML", id="boundary-tau0-1001"),
    pytest.param(_no_rater_effect(1016), "REML", id="boundary-tau0-1016"),
]


@pytest.mark.parametrize(("observations", "method"), STATSMODELS_CASES)
def test_agrees_with_statsmodels_mixedlm(observations: list[Observation], method: str) -> None:
    # Imported here, not skipped: statsmodels is a dev dependency, so a missing
    # install must fail these tests rather than silently pass them.
    import pandas as pd
    import statsmodels.formula.api as smf
    from statsmodels.regression.mixed_linear_model import MixedLMParams

    reml = method == "REML"
    ours = estimate_rater_effects(observations, min_team_size=1, method=method)  # type: ignore[arg-type]
    frame = pd.DataFrame(observations, columns=["rater", "ratee", "rating"])
    model = smf.mixedlm("rating ~ 1", frame, groups=frame["rater"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on boundary fits
        # statsmodels' default gradient optimisers sometimes stop early (seeds 0
        # and 3 here: τ² off by 2 % and 14 % at a lower likelihood, and slowly);
        # Powell reaches the optimum reliably, so parameters are compared with it.
        fit = model.fit(reml=reml, method="powell")

    # Our estimate is the maximiser: statsmodels' own (restricted) log-likelihood
    # at our parameters is at least as high as at its fit.
    model.reml = reml
    ours_params = MixedLMParams.from_components(
        np.array([ours.model.mu]),
        cov_re=np.array([[ours.model.tau2 / ours.model.sigma2]]),
    )
    ours_llf = model.loglike(ours_params, profile_fe=False)
    assert ours_llf >= fit.llf - 1e-9

    # Tolerances: Powell stops at scipy's default xtol = ftol = 1e-4 on its
    # internal (Cholesky-factor) parameters, and the likelihood is flat at the
    # optimum, so statsmodels' parameters are only good to about 1e-4.  Over 40
    # seeds the largest differences measured were |Δμ| 6e-6, |Δτ²| 4e-5,
    # |Δσ²| 9e-6, |Δb| 3e-5, |Δ cond. var| 1e-5 (values are O(0.1–1)); 2e-4 leaves
    # a 5× margin while catching any formula error (ML vs REML alone moves τ² by
    # 5–10 %).
    atol = 2e-4
    assert ours.model.mu == pytest.approx(float(fit.fe_params.iloc[0]), abs=atol)
    assert ours.model.tau2 == pytest.approx(float(fit.cov_re.iloc[0, 0]), abs=atol)
    assert ours.model.sigma2 == pytest.approx(float(fit.scale), abs=atol)
    assert ours.model.n_raters == len(fit.random_effects)
    assert ours.model.n_ratings == len(observations)
    for effect in ours.raters:
        assert effect.enough_data
        assert effect.shrinkage is not None
        assert _estimate(effect) == pytest.approx(
            float(fit.random_effects[effect.rater_id].iloc[0]), abs=atol
        )
        # statsmodels' random_effects_cov is the conditional variance with μ
        # known, (1 − shrinkage)·τ²: the first part of our prediction error.
        conditional = float(fit.random_effects_cov[effect.rater_id].iloc[0, 0])
        assert (1.0 - effect.shrinkage) * ours.model.tau2 == pytest.approx(conditional, abs=atol)


@pytest.mark.parametrize("seed", [0, 4, 39])
def test_standard_errors_match_hendersons_mixed_model_equations(seed: int) -> None:
    """The closed-form SEs equal the diagonal of the inverted mixed-model
    equations (Henderson 1975), built here as dense matrices, at the fitted τ²
    and σ²; the SE of μ̂ equals (Xᵀ V⁻¹ X)^(-1/2) with V built explicitly."""
    observations = _unbalanced(seed)
    result = estimate_rater_effects(observations, min_team_size=1)
    tau2, sigma2 = result.model.tau2, result.model.sigma2
    raters = [effect.rater_id for effect in result.raters]
    column = {rater: index for index, rater in enumerate(raters)}
    y = np.array([rating for _, _, rating in observations])
    x = np.ones((len(y), 1))
    z = np.zeros((len(y), len(raters)))
    for row, (rater, _, _) in enumerate(observations):
        z[row, column[rater]] = 1.0

    lhs = np.block(
        [
            [x.T @ x / sigma2, x.T @ z / sigma2],
            [z.T @ x / sigma2, z.T @ z / sigma2 + np.eye(len(raters)) / tau2],
        ]
    )
    rhs = np.concatenate([x.T @ y, z.T @ y]) / sigma2
    solution = np.linalg.solve(lhs, rhs)
    c = np.linalg.inv(lhs)
    v = sigma2 * np.eye(len(y)) + tau2 * z @ z.T
    var_mu = 1.0 / float((x.T @ np.linalg.solve(v, x))[0, 0])

    assert result.model.mu == pytest.approx(solution[0], rel=1e-10)
    assert result.model.mu_se == pytest.approx(math.sqrt(var_mu), rel=1e-10)
    for index, effect in enumerate(result.raters):
        assert _estimate(effect) == pytest.approx(solution[1 + index], abs=1e-10)
        assert _se(effect) == pytest.approx(math.sqrt(c[1 + index, 1 + index]), rel=1e-9)
        assert effect.ci_low is not None and effect.ci_high is not None
        assert effect.ci_low == pytest.approx(_estimate(effect) - 1.959963984540054 * _se(effect))
        assert effect.ci_high == pytest.approx(_estimate(effect) + 1.959963984540054 * _se(effect))


# --- 2. Known answers computed by hand ------------------------------------------

# Three raters, four ratings each (balanced):
#   A: 2 3 3 4 (mean 3)   B: 3 4 4 5 (mean 4)   C: 1 2 2 3 (mean 2)
# grand mean 3; SSW = 2 + 2 + 2 = 6 on k(n−1) = 9 df → MSW = 2/3;
# SSB = 4·(0 + 1 + 1) = 8 on 2 df → MSB = 4.
# REML = ANOVA when positive: σ² = MSW = 2/3, τ² = (MSB − MSW)/n = 5/6.
# λ = τ²/σ² = 5/4, shrinkage = λn/(1 + λn) = 5/6 → b̂ = (0, +5/6, −5/6).
# Var(μ̂) = (τ² + σ²/n)/k = (5/6 + 1/6)/3 = 1/3.
# PEV = (1 − s)τ² + s²·Var(μ̂) = (1/6)(5/6) + (25/36)(1/3) = 10/27.
# ICC = (5/6)/(5/6 + 2/3) = 5/9.
# ML (Searle et al. 1992, §3.7): σ² = MSW = 2/3, τ² = ((1 − 1/k)MSB − MSW)/n = 1/2.
BALANCED = {"A": [2, 3, 3, 4], "B": [3, 4, 4, 5], "C": [1, 2, 2, 3]}


def test_balanced_reml_matches_the_anova_closed_form() -> None:
    result = estimate_rater_effects(_from_teams(BALANCED))
    model = result.model
    assert model.method == "REML"
    assert model.mu == pytest.approx(3.0, abs=1e-12)
    assert model.sigma2 == pytest.approx(2 / 3, rel=1e-10)
    assert model.tau2 == pytest.approx(5 / 6, rel=1e-10)
    assert model.icc == pytest.approx(5 / 9, rel=1e-10)
    assert model.mu_se == pytest.approx(math.sqrt(1 / 3), rel=1e-10)
    assert model.note is None
    effects = _by_rater(result)
    for rater, expected in {"A": 0.0, "B": 5 / 6, "C": -5 / 6}.items():
        effect = effects[rater]
        assert effect.n == 4
        assert effect.enough_data
        assert effect.shrinkage == pytest.approx(5 / 6, rel=1e-10)
        assert _estimate(effect) == pytest.approx(expected, abs=1e-10)
        assert _se(effect) == pytest.approx(math.sqrt(10 / 27), rel=1e-10)
    # Positive = lenient: B rates above the pooled mean, C below.
    assert effects["B"].mean_rating == pytest.approx(4.0)
    assert effects["C"].mean_rating == pytest.approx(2.0)


def test_balanced_ml_matches_its_closed_form() -> None:
    result = estimate_rater_effects(_from_teams(BALANCED), method="ML")
    assert result.model.method == "ML"
    assert result.model.sigma2 == pytest.approx(2 / 3, rel=1e-10)
    assert result.model.tau2 == pytest.approx(1 / 2, rel=1e-10)
    # shrinkage = τ²/(τ² + σ²/n) = (1/2)/(1/2 + 1/6) = 3/4
    assert _estimate(_by_rater(result)["B"]) == pytest.approx(3 / 4, rel=1e-10)


def test_confidence_level_scales_the_interval() -> None:
    effect = _by_rater(estimate_rater_effects(_from_teams(BALANCED), confidence=0.90))["B"]
    z90 = 1.6448536269514722
    assert effect.ci_low == pytest.approx(5 / 6 - z90 * math.sqrt(10 / 27), rel=1e-10)
    assert effect.ci_high == pytest.approx(5 / 6 + z90 * math.sqrt(10 / 27), rel=1e-10)


def test_estimates_move_with_the_scale_not_its_location() -> None:
    base = estimate_rater_effects(_unbalanced(4))
    shifted = estimate_rater_effects([(r, e, 10 * y + 7) for r, e, y in _unbalanced(4)])
    assert shifted.model.mu == pytest.approx(10 * base.model.mu + 7, rel=1e-10)
    assert shifted.model.tau2 == pytest.approx(100 * base.model.tau2, rel=1e-8)
    assert shifted.model.icc == pytest.approx(base.model.icc, rel=1e-8)
    for a, b in zip(base.raters, shifted.raters, strict=True):
        assert a.rater_id == b.rater_id
        if a.enough_data:
            assert _estimate(b) == pytest.approx(10 * _estimate(a), rel=1e-7, abs=1e-10)
            assert _se(b) == pytest.approx(10 * _se(a), rel=1e-7)


def test_small_teams_are_shrunk_more_than_large_ones() -> None:
    # Same raw deviation (+1) from the pooled mean; the bigger team keeps more.
    teams = {
        "small": [3, 4, 5],
        "large": [3, 4, 5, 3, 4, 5, 3, 4, 5],
        **{f"o{i}": [2, 3, 4] for i in range(6)},
    }
    effects = _by_rater(estimate_rater_effects(_from_teams(teams)))
    small, large = effects["small"], effects["large"]
    assert small.shrinkage is not None and large.shrinkage is not None
    assert 0 < small.shrinkage < large.shrinkage < 1
    assert 0 < _estimate(small) < _estimate(large)
    assert _se(large) < _se(small)


# --- 3. Simulated organisations: planted lenient and severe managers -----------

SEEDS = range(20)


def test_planted_lenient_and_severe_managers_are_recovered() -> None:
    ordinary_excluding_zero = 0
    ordinary_total = 0
    for seed in SEEDS:
        org = simulate_organisation(seed)
        result = estimate_rater_effects(org.observations)
        effects = _by_rater(result)
        assert result.model.n_raters == 60
        # Team sizes 3–12 with min_team_size 3: every manager has an estimate.
        assert all(effect.enough_data for effect in result.raters)

        ranked = sorted(result.raters, key=_estimate)
        assert {e.rater_id for e in ranked[:3]} == org.severe, f"seed {seed}"
        assert {e.rater_id for e in ranked[-3:]} == org.lenient, f"seed {seed}"
        for manager in org.lenient:
            low = effects[manager].ci_low
            assert low is not None and low > 0, f"seed {seed}: lenient {manager}"
        for manager in org.severe:
            high = effects[manager].ci_high
            assert high is not None and high < 0, f"seed {seed}: severe {manager}"

        excluding = [
            manager
            for manager in org.ordinary
            if not (effects[manager].ci_low or 0.0) <= 0.0 <= (effects[manager].ci_high or 0.0)
        ]
        # Each ordinary manager (true effect 0) has at most a 5 % chance of an
        # interval without zero (less after shrinkage).  If that chance were a
        # full 5 %, P(9 or more of 54) = 0.13 % (binomial), so ≤ 8 per
        # organisation only fails if intervals are too narrow.  (Seeds 0–999:
        # at most 7, average 1.6.)
        assert len(excluding) <= 8, f"seed {seed}: {sorted(excluding)}"
        ordinary_excluding_zero += len(excluding)
        ordinary_total += len(org.ordinary)

    # Pooled over the 20 organisations (1,080 ordinary managers) the rate must
    # not exceed the nominal 5 %: measured 3.2 % here (35 of 1,080) and 3.0 %
    # over seeds 0–999; at a true 3 % P(> 54) is 0.01 %.
    assert ordinary_total == 20 * 54
    assert ordinary_excluding_zero <= 0.05 * ordinary_total


def test_the_planted_managers_have_the_expected_sign_and_size() -> None:
    org = simulate_organisation(0)
    result = estimate_rater_effects(org.observations)
    effects = _by_rater(result)
    for manager in org.lenient:
        assert 0.3 < _estimate(effects[manager]) < 1.0
    for manager in org.severe:
        assert -1.0 < _estimate(effects[manager]) < -0.3
    assert 0.1 < (result.model.icc or 0.0) < 0.6


# --- 4. Edge cases, "not enough data", validation -------------------------------


def test_raters_below_min_team_size_are_fitted_but_not_reported() -> None:
    teams = {**BALANCED, "D": [5, 5], "E": [1]}
    observations = _from_teams(teams)
    shown = estimate_rater_effects(observations)  # default min_team_size = 3
    everyone = estimate_rater_effects(observations, min_team_size=1)
    # The same model either way: small teams still inform μ, τ² and σ².
    assert shown.model == everyone.model
    assert shown.min_team_size == 3
    effects = _by_rater(shown)
    for rater in ("D", "E"):
        effect = effects[rater]
        assert not effect.enough_data
        assert effect.estimate is None
        assert effect.se is None
        assert effect.ci_low is None
        assert effect.ci_high is None
        assert effect.shrinkage is None
        assert effect.n == len(teams[rater])
    assert effects["D"].mean_rating == 5.0
    all_effects = _by_rater(everyone)
    assert all_effects["D"].enough_data and _estimate(all_effects["D"]) > 0
    for rater in ("A", "B", "C"):
        assert effects[rater].enough_data
        assert effects[rater] == all_effects[rater]

    stricter = _by_rater(estimate_rater_effects(observations, min_team_size=5))
    assert not any(effect.enough_data for effect in stricter.values())


def test_rater_order_is_first_appearance_and_results_are_deterministic() -> None:
    observations = _unbalanced(14)
    first = estimate_rater_effects(observations)
    again = estimate_rater_effects(list(observations))
    assert first == again
    expected_order = list(dict.fromkeys(rater for rater, _, _ in observations))
    assert [effect.rater_id for effect in first.raters] == expected_order


def test_rater_variance_on_the_boundary_shrinks_everyone_to_zero() -> None:
    # Equal rater means: MSB = 0 < MSW, so τ̂² = 0 and σ̂² = SST/(N − 1) = 10/5.
    result = estimate_rater_effects(_from_teams({"A": [1, 3, 5], "B": [2, 3, 4]}))
    assert result.model.tau2 == 0.0
    assert result.model.sigma2 == pytest.approx(2.0)
    assert result.model.icc == 0.0
    assert result.model.note is not None and "0" in result.model.note
    assert result.model.mu_se == pytest.approx(math.sqrt(2.0 / 6))
    for effect in result.raters:
        assert effect.enough_data
        assert effect.shrinkage == 0.0
        assert effect.estimate == 0.0
        assert effect.se == 0.0
        assert effect.ci_low == 0.0 and effect.ci_high == 0.0


def test_all_ratings_equal() -> None:
    result = estimate_rater_effects(_from_teams({"A": [3, 3, 3], "B": [3, 3, 3, 3]}))
    assert result.model.mu == 3.0
    assert result.model.tau2 == 0.0
    assert result.model.sigma2 == 0.0
    assert result.model.mu_se == 0.0
    assert result.model.icc is None
    assert result.model.note == "all ratings are equal"
    for effect in result.raters:
        assert effect.mean_rating == 3.0
        assert effect.estimate == 0.0 and effect.se == 0.0
        assert effect.ci_low == 0.0 and effect.ci_high == 0.0


def test_a_single_rater_is_not_enough_data() -> None:
    result = estimate_rater_effects(_from_teams({"A": [1, 2, 3, 4, 5]}))
    assert result.model.n_raters == 1
    assert result.model.tau2 == 0.0
    assert result.model.sigma2 == pytest.approx(2.5)  # sample variance of 1..5
    assert result.model.mu == pytest.approx(3.0)
    assert result.model.note is not None and "one rater" in result.model.note
    (effect,) = result.raters
    assert not effect.enough_data
    assert effect.estimate is None and effect.se is None
    assert effect.mean_rating == pytest.approx(3.0)


def test_a_single_rating_is_accepted() -> None:
    result = estimate_rater_effects([("A", "x", 4)])
    assert result.model.mu == 4.0
    assert not result.raters[0].enough_data


def test_one_rating_per_rater_cannot_separate_the_variances() -> None:
    result = estimate_rater_effects(_from_teams({"A": [1], "B": [3], "C": [5]}), min_team_size=1)
    assert result.model.tau2 == 0.0
    assert result.model.sigma2 == pytest.approx(4.0)
    assert result.model.note is not None and "one rating per rater" in result.model.note
    assert all(effect.estimate == 0.0 for effect in result.raters)


def test_no_variation_within_teams() -> None:
    # σ̂² → 0, shrinkage 1, μ̂ = mean of rater means = 3,
    # τ̂² = Σ(ȳ_i − μ̂)²/(N − 1) = 2/8, Var(μ̂) = τ̂²/k.
    teams = {"A": [2, 2, 2], "B": [4, 4, 4], "C": [3, 3, 3]}
    result = estimate_rater_effects(_from_teams(teams))
    assert result.model.sigma2 == 0.0
    assert result.model.tau2 == pytest.approx(0.25)
    assert result.model.icc == 1.0
    assert result.model.note is not None and "within" in result.model.note
    effects = _by_rater(result)
    for rater, expected in {"A": -1.0, "B": 1.0, "C": 0.0}.items():
        assert effects[rater].shrinkage == 1.0
        assert _estimate(effects[rater]) == pytest.approx(expected)
        assert _se(effects[rater]) == pytest.approx(math.sqrt(0.25 / 3))


def test_identical_ratings_in_a_team_have_exactly_zero_spread() -> None:
    # With these decimals the centred team means carry rounding error (a naive
    # within-team sum of squares is ~3e-31, not 0); it must still be read as
    # "no variation within teams", not as a tiny σ² with a huge variance ratio.
    teams = {"A": [1.1] * 3, "B": [2.7] * 3, "C": [3.9] * 3}
    result = estimate_rater_effects(_from_teams(teams))
    assert result.model.sigma2 == 0.0
    assert result.model.note is not None and "within" in result.model.note
    assert all(effect.shrinkage == 1.0 for effect in result.raters)


def test_numeric_types_are_accepted() -> None:
    as_floats = estimate_rater_effects(_from_teams(BALANCED))
    mixed = [
        (rater, ratee, kind(rating))
        for (rater, ratee, rating), kind in zip(
            _from_teams(BALANCED),
            [int, float, Decimal, Fraction, np.float64, np.int64] * 2,
            strict=True,
        )
    ]
    assert estimate_rater_effects(mixed).model == as_floats.model


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (None, r"rating is missing \(None\)"),
        (float("nan"), "rating must be finite"),
        (float("inf"), "rating must be finite"),
        (Decimal("NaN"), "rating must be finite"),
        ("3", "rating must be a real number, got str"),
        (True, "rating must be a real number, got bool"),
        (complex(3, 0), "rating must be a real number, got complex"),
    ],
)
def test_invalid_ratings_are_rejected(bad: object, message: str) -> None:
    observations = [*_from_teams(BALANCED), ("B", "new-person", bad)]
    with pytest.raises(ValueError, match=message) as caught:
        estimate_rater_effects(observations)
    assert "observation 12 (rater 'B', ratee 'new-person')" in str(caught.value)


@pytest.mark.parametrize(
    ("observations", "message"),
    [
        ([], "no ratings"),
        ([(None, "x", 3)], "observation 0: rater_id is None"),
        ([("A", None, 3)], "observation 0: ratee_id is None"),
        ([("A", "x", 3), ("B", "x", 4)], "observation 1: ratee 'x' is rated more than once"),
        ([("A", "x")], r"expected \(rater_id, ratee_id, rating\)"),
        ([3], r"expected \(rater_id, ratee_id, rating\)"),
    ],
)
def test_invalid_observations_are_rejected(observations: list[Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        estimate_rater_effects(observations)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"min_team_size": 0}, "min_team_size must be an integer ≥ 1"),
        ({"min_team_size": 2.5}, "min_team_size must be an integer ≥ 1"),
        ({"min_team_size": True}, "min_team_size must be an integer ≥ 1"),
        ({"confidence": 1.0}, "confidence must be strictly between 0 and 1"),
        ({"confidence": 0}, "confidence must be strictly between 0 and 1"),
        ({"confidence": float("nan")}, "confidence must be strictly between 0 and 1"),
        ({"method": "OLS"}, "method must be 'REML' or 'ML'"),
    ],
)
def test_invalid_options_are_rejected(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        estimate_rater_effects(_from_teams(BALANCED), **options)
