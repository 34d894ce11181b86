"""Pay equity: the regression equals statsmodels' OLS on the same data
(built through the database), a planted 5% gap is recovered within its
interval, and degenerate designs are handled and explained."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from cadence.insights.pay_equity import FactorTerm, GroupGap, PayEquity, analyse
from cadence.insights.pay_equity_data import NO_RATING, OTHER_CURRENCY
from cadence.insights.pay_equity_options import RATING_WARNING, BadParameter, parse_options
from cadence.insights.regression import ALIASED, NO_VARIATION
from tests.insights.pay_support import (
    AS_OF,
    PLANTED_GAP,
    PayData,
    Person,
    build,
    generate,
    hr_admin_user,
    rated_cycle,
    save,
    scope_of,
)

pytestmark = pytest.mark.django_db
TOL = 1e-8


def run(data: PayData, **params: Any) -> PayEquity:
    options = parse_options(data.hr_admin, **params)
    return analyse(data.hr_admin, scope_of(data.hr_admin), options, as_of=AS_OF)


def most_common(values: pd.Series) -> str:
    counts = values.value_counts()
    assert len(counts) == 1 or counts.iloc[0] > counts.iloc[1], "tie: choose another seed"
    return str(counts.index[0])


def statsmodels_fit(frame: pd.DataFrame, reference: str, *, rating: bool = False) -> Any:
    """The independent fit: statsmodels' formula API, each factor's most
    common value as its reference, as the analysis documents."""
    terms = ["tenure"] + [
        f"C({column}, Treatment(reference={most_common(frame[column])!r}))"
        for column in ("level", "family", "location")
    ]
    if rating:
        terms.append("rating")
    terms.append(f"C(grp, Treatment(reference={reference!r}))")
    return smf.ols("log_salary ~ " + " + ".join(terms), frame).fit()


def sm_name(frame: pd.DataFrame, term: FactorTerm) -> str:
    if term.factor == "Tenure":
        return "tenure"
    if term.factor == "Final rating":
        return "rating"
    column = {"Job level": "level", "Job family": "family", "Location": "location"}[term.factor]
    return f"C({column}, Treatment(reference={most_common(frame[column])!r}))[T.{term.term}]"


def group_name(reference: str, group: GroupGap) -> str:
    return f"C(grp, Treatment(reference={reference!r}))[T.{group.key}]"


def assert_same(ours: float | None, theirs: float) -> None:
    assert ours is not None
    assert ours == pytest.approx(theirs, rel=TOL, abs=TOL)


def assert_term_matches(fit: Any, name: str, term: FactorTerm) -> None:
    assert_same(term.coefficient, fit.params[name])
    assert_same(term.se, fit.bse[name])
    assert_same(term.t, fit.tvalues[name])
    assert_same(term.p_value, fit.pvalues[name])
    low, high = fit.conf_int(alpha=0.05).loc[name]
    assert_same(term.ci_low, low)
    assert_same(term.ci_high, high)


def assert_group_matches(fit: Any, name: str, group: GroupGap) -> None:
    assert_same(group.coefficient, fit.params[name])
    assert_same(group.se, fit.bse[name])
    assert_same(group.p_value, fit.pvalues[name])
    low, high = fit.conf_int(alpha=0.05).loc[name]
    assert_same(group.adjusted_gap, math.expm1(fit.params[name]))
    assert_same(group.ci_low, math.expm1(low))
    assert_same(group.ci_high, math.expm1(high))


def by_key(result: PayEquity) -> dict[str, GroupGap]:
    return {g.key: g for g in result.groups}


def test_every_coefficient_equals_statsmodels() -> None:
    data = build(400)
    result = run(data)
    frame = data.frame()
    fit = statsmodels_fit(frame, "male")

    assert result.reference == "male" and result.currency == "GBP"
    assert result.model is not None
    assert result.model.n == len(frame) == int(fit.nobs)
    assert result.model.parameters == len(fit.params)
    assert result.model.df_resid == int(fit.df_resid)
    assert_same(result.model.r_squared, fit.rsquared)
    assert_same(result.model.adj_r_squared, fit.rsquared_adj)
    assert_same(result.model.residual_se, math.sqrt(fit.scale))

    checked = 0
    for term in result.terms:
        if term.is_reference or not term.enough_data:
            continue
        assert_term_matches(fit, sm_name(frame, term), term)
        checked += 1
    assert checked == 1 + 4 + 3 + 2  # tenure, levels L1-L5 less the reference, families, places

    groups = by_key(result)
    for key in ("female", "undisclosed"):
        assert_group_matches(fit, group_name("male", groups[key]), groups[key])
    # The three non-binary people are in the model (so statsmodels, which
    # has them too, agrees) but nothing about them is shown.
    assert "C(grp, Treatment(reference='male'))[T.non_binary]" in fit.params
    assert groups["non_binary"] == GroupGap("non_binary", "Non-binary", False, False, False)


def test_raw_gap_and_mean_salary_are_computed_on_the_people_analysed() -> None:
    data = build(400)
    result = run(data)
    frame = data.frame()
    groups = by_key(result)
    women, men = frame[frame.grp == "female"], frame[frame.grp == "male"]
    expected = math.exp(women.log_salary.mean() - men.log_salary.mean()) - 1
    assert_same(groups["female"].raw_gap, expected)
    assert_same(groups["female"].mean_salary, women.salary.mean())
    assert groups["female"].n == len(women) and groups["male"].n == len(men)
    assert groups["male"].is_reference and groups["male"].raw_gap is None


def test_planted_five_percent_gap_is_recovered_within_its_interval() -> None:
    data = build(400)
    women = by_key(run(data))["female"]
    truth = math.expm1(PLANTED_GAP)
    assert truth == pytest.approx(-0.05, abs=1e-4)
    assert women.ci_low is not None and women.ci_high is not None
    assert women.ci_low <= truth <= women.ci_high
    assert women.ci_high < 0 and (women.p_value or 1) < 0.001
    # Women are more often junior and in the cheaper office: the raw gap
    # is far wider than the pay gap for the same work.
    assert women.raw_gap is not None and women.raw_gap < -0.15
    assert women.raw_gap < women.ci_low


def test_without_a_planted_gap_the_interval_contains_zero() -> None:
    data = build(400, gap=0.0, seed=7)
    women = by_key(run(data))["female"]
    assert women.ci_low is not None and women.ci_high is not None
    assert women.ci_low <= 0.0 <= women.ci_high


def test_people_left_out_are_counted_once_for_their_first_reason() -> None:
    data = build(120)
    result = run(data)
    expected: dict[str, int] = {}
    for person in data.people:
        if person.left_out:
            expected[person.left_out] = expected.get(person.left_out, 0) + 1
    assert dict(result.left_out) == expected
    assert result.analysed == len(data.analysed())
    assert result.population == len(data.people) - 5  # the terminated are not counted at all
    assert any(OTHER_CURRENCY.lower() in w.lower() or "EUR 6" in w for w in result.warnings)


def test_reference_group_can_be_chosen() -> None:
    data = build(200)
    result = run(data, reference="female")
    fit = statsmodels_fit(data.frame(), "female")
    men = by_key(result)["male"]
    assert result.reference == "female" and by_key(result)["female"].is_reference
    assert_group_matches(fit, group_name("female", men), men)
    assert men.adjusted_gap is not None and men.adjusted_gap > 0


def test_a_small_group_cannot_be_the_reference() -> None:
    data = build(60)
    with pytest.raises(BadParameter) as problem:
        run(data, reference="non_binary")
    assert problem.value.field == "reference"


def test_another_currency_is_analysed_on_its_own() -> None:
    data = build(60)
    result = run(data, currency="eur")
    assert result.currency == "EUR" and result.analysed == 6
    assert dict(result.currencies) == {"GBP": len(data.analysed()) + 3 + 2 + 2, "EUR": 6}
    with pytest.raises(BadParameter) as problem:
        run(data, currency="JPY")
    assert problem.value.field == "currency"


@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")
def test_aliased_location_is_dropped_and_named() -> None:
    people = generate(150, confounded=False, seed=11)
    # Every designer works in Remote and nobody else does: the Remote
    # dummy is the Design dummy, so one of them has to go.
    for i, person in enumerate(people[3:23]):
        person.family, person.location = "Design", "Remote"
        person.sex = "female" if i % 2 else "male"
    save(people)
    data = PayData(hr_admin_user(), people)
    result = run(data, reference="male")
    frame = data.frame()
    fit = statsmodels_fit(frame, "male")  # pinv: the same estimable contrasts

    assert result.model is not None
    assert result.model.dropped == [f"Location: Remote ({ALIASED})"]
    remote = next(t for t in result.terms if t.term == "Remote")
    assert remote.dropped == ALIASED and remote.coefficient is None
    assert result.model.df_resid == int(fit.df_resid)
    women = by_key(result)["female"]
    assert_group_matches(fit, group_name("male", women), women)
    # Without the Remote column, Remote counts as the reference location:
    # the same model as statsmodels' with Remote renamed to it.
    merged = frame.assign(location=frame.location.replace("Remote", most_common(frame.location)))
    merged_fit = statsmodels_fit(merged, "male")
    design = next(t for t in result.terms if t.term == "Design")
    family_ref = most_common(frame.family)
    assert_term_matches(
        merged_fit, f"C(family, Treatment(reference={family_ref!r}))[T.Design]", design
    )
    assert_group_matches(merged_fit, group_name("male", women), women)


def test_group_that_the_factors_fully_explain_cannot_be_estimated() -> None:
    people = generate(120, confounded=False, seed=5)
    for person in people[:3]:
        person.sex = "male"
    loners = [
        Person("non_binary", "L2 Professional", "Sales", "Dublin", AS_OF.replace(year=2022), None)
        for _ in range(6)
    ]
    for i, person in enumerate(loners):
        person.salary = people[0].salary and people[0].salary + i
    save(people + loners)
    result = run(PayData(hr_admin_user(), people + loners))
    group = by_key(result)["non_binary"]
    assert group.enough_data and group.n == 6 and not group.estimable
    assert group.adjusted_gap is None and group.raw_gap is not None
    assert "cannot be estimated" in group.note
    assert any(
        w.startswith("Non-binary: the adjusted gap cannot be estimated") for w in result.warnings
    )
    assert result.model is not None
    assert any("Non-binary" in d for d in result.model.dropped)


def test_tenure_without_variation_is_dropped() -> None:
    people = generate(80, confounded=False, seed=3)
    for person in people:
        person.hire_date = AS_OF.replace(year=2020)
    save(people)
    result = run(PayData(hr_admin_user(), people))
    assert result.model is not None
    assert f"Tenure (per year) ({NO_VARIATION})" in result.model.dropped
    assert "Tenure" not in result.model.factors
    tenure = next(t for t in result.terms if t.factor == "Tenure")
    assert tenure.dropped == NO_VARIATION


def test_fewer_people_than_parameters_is_not_enough_data() -> None:
    people = generate(10, confounded=False, seed=1)
    codes = ["L1 Associate", "L2 Professional", "L3 Senior", "L4 Lead", "L5 Principal"]
    for i, person in enumerate(people):
        person.sex = "female" if i % 2 else "male"
        person.level = codes[i % 5]
        person.family = ["Engineering", "Sales", "Operations", "Finance"][i % 4]
        person.location = ["London", "Leeds", "Glasgow"][i % 3]
    save(people)
    result = run(PayData(hr_admin_user(), people), reference="male")
    assert result.model is None
    assert result.message.startswith("Not enough data for the model")
    women = by_key(result)["female"]
    assert women.enough_data and women.adjusted_gap is None and women.raw_gap is not None


def test_a_level_with_one_person_stays_in_the_model_but_is_not_shown() -> None:
    data = build(200)
    result = run(data)
    executive = next(t for t in result.terms if t.term == "L6 Executive")
    assert executive.n == 1 and not executive.enough_data and executive.coefficient is None


def test_controlling_for_the_final_rating_equals_statsmodels() -> None:
    data = build(300, rating=True, seed=99)
    cycle = rated_cycle(data)
    result = run(data, control_rating="1", cycle=str(cycle.pk))
    frame = data.frame()
    assert frame.rating.notna().all()
    fit = statsmodels_fit(frame, "male", rating=True)
    assert result.model is not None and result.model.n == len(frame)
    assert "Final rating" in result.model.factors
    rating = next(t for t in result.terms if t.factor == "Final rating")
    assert_term_matches(fit, "rating", rating)
    women = by_key(result)["female"]
    assert_group_matches(fit, group_name("male", women), women)
    assert dict(result.left_out)[f"{NO_RATING} (Pay cycle)"] == 4
    assert RATING_WARNING in result.warnings
    assert RATING_WARNING not in run(data).warnings


def test_the_regression_handles_a_random_design_like_numpy_lstsq() -> None:
    """The core against NumPy's own least squares, on a design with a
    duplicated and a constant column."""
    from cadence.insights.regression import least_squares

    rng = np.random.default_rng(42)
    x = np.column_stack([np.ones(90), rng.normal(size=(90, 4)), np.full(90, 3.0)])
    x = np.column_stack([x, x[:, 1] - x[:, 2]])
    y = x[:, :5] @ np.array([1.0, 0.5, -0.2, 0.0, 0.3]) + rng.normal(0, 0.1, 90)
    fit = least_squares(y, x, [f"x{i}" for i in range(7)])
    assert [d.name for d in fit.dropped] == ["x5", "x6"]
    expected, *_ = np.linalg.lstsq(x[:, :5], y, rcond=None)
    np.testing.assert_allclose(fit.coef, expected, rtol=1e-10, atol=1e-12)
