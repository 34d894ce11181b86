"""The adverse-impact numbers through the real SQL path: a published worked
example of the four-fifths rule, generated data against SciPy (API and page
agreeing), each outcome and stage, "Not disclosed", and the summary."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadence.development.models import ImprovementPlan, PlanState
from cadence.insights.adverse_impact import adverse_impact
from cadence.insights.adverse_impact_summary import adverse_impact_summary
from cadence.insights.adverse_impact_tables import summary_table
from cadence.people.models import Employee
from cadence.reviews.models import Cycle, RatingLevel, ReviewResult
from cadence.talent.models import CalibrationEntry, CalibrationSession, PopulationKind
from tests.conftest import Org
from tests.insights.fairness_support import (
    expected_against,
    group,
    levels_of,
    people,
    rate,
    released_cycle,
)

pytestmark = pytest.mark.django_db
TOLERANCE = 1e-9


def test_uniform_guidelines_worked_example(org: Org) -> None:
    """Uniform Guidelines on Employee Selection Procedures, Questions and
    Answers, Q&A 12 (44 Fed. Reg. 11996, 11998, March 2, 1979): "if the
    hiring rate for whites other than Hispanics is 60%, for American Indians
    45%, for Hispanics 48%, and for Blacks 51% ... These comparisons show the
    following impact ratios: American Indians 45/60 or 75%; Hispanics 48/60
    or 80%; and Blacks 51/60 or 85%. Applying the 4/5ths or 80% rule of
    thumb, ... adverse impact is indicated for American Indians but not for
    Hispanics or Blacks." Reproduced with 100 people per group, the top
    rating as the selection."""
    cycle = released_cycle()
    for race, selected in (
        ("white", 60),
        ("american_indian_alaska", 45),
        ("hispanic_latino", 48),
        ("black", 51),
    ):
        group(cycle, org.engineering, 100, selected, race_ethnicity=race)

    report = adverse_impact(
        org.hr_admin, cycle=cycle, outcome="top", attribute="race_ethnicity", stage="after"
    )

    by_label = {g.label: g for g in report.groups}
    white = by_label["White"]
    indian = by_label["American Indian or Alaska Native"]
    hispanic = by_label["Hispanic or Latino"]
    black = by_label["Black or African American"]
    assert report.reference is white and white.rate == 0.60
    assert indian.impact_ratio == Fraction(75, 100)
    assert hispanic.impact_ratio == Fraction(80, 100)
    assert black.impact_ratio == Fraction(85, 100)
    # The four-fifths verdicts of the example: only American Indians.
    assert [g.label for g in report.groups if g.below_four_fifths] == [indian.label]
    assert not hispanic.below_four_fifths  # exactly 80% is not below four-fifths
    # `flagged` adds significance: below 4/5 and Fisher's p < 0.05.
    expected = expected_against(45, 100, 60, 100)
    assert indian.fisher_p_value == pytest.approx(expected.fisher_p, abs=TOLERANCE)
    assert indian.flagged == (expected.fisher_p < 0.05)
    assert not hispanic.flagged and not black.flagged
    assert report.people == 400


def _random_population(org: Org, cycle: Cycle, seed: int) -> list[tuple[str, Any, Any, Any]]:
    """People of every sex (blank and "undisclosed" too) with random
    computed, manager and calibrated levels (some missing). Returns
    (sex, computed, manager, calibrated) per person."""
    rng = random.Random(seed)
    levels = levels_of(cycle)
    rows: list[tuple[str, Any, Any, Any]] = []
    sizes = {"female": 70, "male": 90, "non_binary": 4, "undisclosed": 9, "": 6}
    for sex, size in sizes.items():
        bias = {"female": 0.2, "male": 0.45}.get(sex, 0.3)
        employees = people(org.engineering, size, sex=sex)
        results = []
        for employee in employees:

            def pick(bias: float = bias) -> RatingLevel | None:
                roll = rng.random()
                if roll < 0.07:
                    return None
                return levels[-1] if rng.random() < bias else rng.choice(levels[:-1])

            computed, manager = pick(), pick() if rng.random() < 0.8 else None
            calibrated = pick() if rng.random() < 0.3 else None
            rows.append((sex, computed, manager, calibrated))
            results.append(
                ReviewResult(
                    cycle=cycle,
                    employee=employee,
                    computed_level=computed,
                    manager_level=manager,
                    calibrated_level=calibrated,
                    released_at=timezone.now(),
                )
            )
        ReviewResult.objects.bulk_create(results)
    return rows


def _independent(
    rows: list[tuple[str, Any, Any, Any]], stage: str, threshold: Decimal, minimum: int = 5
) -> dict[str, dict[str, Any]]:
    """Counts per group and the comparisons, computed in plain Python + SciPy."""
    counts: dict[str, list[int]] = {}
    for sex, computed, manager, calibrated in rows:
        final = (manager or computed) if stage == "before" else (calibrated or manager or computed)
        if final is None:
            continue
        key = sex if sex and sex != "undisclosed" else "undisclosed"
        c = counts.setdefault(key, [0, 0])
        c[0] += 1
        c[1] += final.value >= threshold
    eligible = {k: v for k, v in counts.items() if k != "undisclosed" and v[0] >= minimum}
    ref = max(eligible, key=lambda k: Fraction(eligible[k][1], eligible[k][0]))
    out: dict[str, dict[str, Any]] = {}
    for key, (n, s) in counts.items():
        entry: dict[str, Any] = {"count": n, "selected": s, "rate": s / n}
        if key in eligible and key != ref:
            entry["expected"] = expected_against(s, n, counts[ref][1], counts[ref][0])
        out[key] = entry
    out["_reference"] = {"key": ref}
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("stage", ["before", "after"])
def test_generated_data_matches_scipy_on_api_and_page(
    org: Org, api: Any, seed: int, stage: str
) -> None:
    cycle = released_cycle()
    rows = _random_population(org, cycle, seed)
    levels = levels_of(cycle)
    threshold = levels[3]  # at or above "Exceeds"
    want = _independent(rows, stage, threshold.value)

    params = {
        "cycle": cycle.pk,
        "outcome": "at_or_above",
        "level": threshold.pk,
        "attribute": "sex",
        "stage": stage,
    }
    response = api.as_(org.hr_admin).get("/api/v1/insights/adverse-impact", **params)
    assert response.status_code == 200, response.content
    body = response.json()
    groups = {g["group"]: g for g in body["groups"]}
    assert body["level"]["id"] == threshold.pk
    assert set(groups) == set(want) - {"_reference"}
    assert groups[want["_reference"]["key"]]["reference"] is True
    assert groups["non_binary"]["enough_data"] is False and groups["non_binary"]["count"] is None
    for key, expected in want.items():
        if key in {"_reference", "non_binary"}:
            continue
        got = groups[key]
        assert (got["count"], got["selected"]) == (expected["count"], expected["selected"])
        assert got["rate"] == pytest.approx(expected["rate"], abs=TOLERANCE)
        if "expected" not in expected:
            continue
        e = expected["expected"]
        assert Fraction(got["impact_ratio_exact"]) == e.ratio
        assert got["z"] == pytest.approx(e.z, abs=TOLERANCE)
        assert got["z_p_value"] == pytest.approx(e.z_p, abs=TOLERANCE)
        assert got["fisher_p_value"] == pytest.approx(e.fisher_p, abs=TOLERANCE)
        assert got["shortfall"] == pytest.approx(e.shortfall, abs=TOLERANCE)
        assert got["flagged"] == (e.ratio < Fraction(4, 5) and e.fisher_p < 0.05)
    assert groups["undisclosed"]["fisher_p_value"] is None  # shown, never compared
    assert groups["undisclosed"]["flagged"] is None

    client = Client()
    client.force_login(org.hr_admin)
    page = client.get(reverse("insights:fairness"), params)
    assert page.status_code == 200
    table = page.context["tables"][0]
    by_label = {row[0]: row for row in table.rows}
    for g in body["groups"]:
        row = by_label[g["label"]]
        if not g["enough_data"]:
            assert set(row[1:]) == {"not enough data"}
            continue
        assert row[1] == g["count"] and row[2] == g["selected"]
        assert float(row[3]) == pytest.approx(100 * g["rate"], abs=0.05)
        if g["fisher_p_value"] is not None:
            assert float(row[4]) == pytest.approx(g["impact_ratio"], abs=5e-4)
            assert float(row[8]) == pytest.approx(g["fisher_p_value"], abs=5e-5, rel=5e-3)
            assert float(row[7]) == pytest.approx(g["z_p_value"], abs=5e-5, rel=5e-3)


def test_top_before_and_after_calibration(org: Org) -> None:
    """Calibration moves women out of the top rating: flagged after only."""
    cycle = released_cycle()
    levels = levels_of(cycle)
    women = people(org.engineering, 60, sex="female")
    men = people(org.engineering, 60, sex="male")
    rate(cycle, men, 30)
    rate(cycle, women, 28)
    # Calibration takes 16 women down from the top.
    ReviewResult.objects.filter(employee__in=women[:16]).update(calibrated_level=levels[2])
    before = adverse_impact(
        org.hr_admin, cycle=cycle, outcome="top", attribute="sex", stage="before"
    )
    after = adverse_impact(org.hr_admin, cycle=cycle, outcome="top", attribute="sex", stage="after")
    woman_before = next(g for g in before.groups if g.key == "female")
    woman_after = next(g for g in after.groups if g.key == "female")
    assert (woman_before.selected, woman_after.selected) == (28, 12)
    assert not woman_before.flagged
    assert woman_after.impact_ratio == Fraction(12, 30)
    assert woman_after.flagged
    assert woman_after.fisher_p_value == pytest.approx(
        expected_against(12, 60, 30, 60).fisher_p, abs=TOLERANCE
    )
    # Expected at the pooled rate of the two groups, shortfall = expected − actual.
    assert woman_after.expected == pytest.approx(60 * 42 / 120)
    assert woman_after.shortfall == pytest.approx(60 * 42 / 120 - 12)

    summary = adverse_impact_summary(org.hr_admin, cycle=cycle)
    sex_lines = {line.stage: line for line in summary if line.attribute == "sex"}
    assert [g.label for g in sex_lines["after"].flagged] == ["Female"]
    assert sex_lines["before"].flagged == []
    assert sex_lines["after"].reference == "Male"
    race = next(line for line in summary if line.attribute == "race_ethnicity")
    assert race.compared is False  # everyone is blank: nothing to compare
    assert len(summary) == 10


def test_unrated_people_are_not_counted_for_rating_outcomes(org: Org) -> None:
    cycle = released_cycle()
    rate(cycle, people(org.engineering, 10, sex="male"), 5)
    unrated = people(org.engineering, 7, sex="male")
    ReviewResult.objects.bulk_create(ReviewResult(cycle=cycle, employee=e) for e in unrated)
    report = adverse_impact(
        org.hr_admin, cycle=cycle, outcome="top", attribute="sex", stage="after"
    )
    assert report.people == 10
    plans = adverse_impact(
        org.hr_admin, cycle=cycle, outcome="pip_opened", attribute="sex", stage="after"
    )
    assert plans.people == 17  # everyone with a result


def test_high_potential(org: Org) -> None:
    cycle = released_cycle()
    women = people(org.engineering, 20, sex="female")
    men = people(org.engineering, 20, sex="male")
    results = {r.employee_id: r for r in rate(cycle, women + men, 0)}
    session = CalibrationSession.objects.create(
        cycle=cycle, name="S", population_kind=PopulationKind.LIST, facilitator=org.hr_admin
    )
    high = women[:3] + men[:10]
    CalibrationEntry.objects.bulk_create(
        CalibrationEntry(
            session=session,
            result=results[e.pk],
            employee=e,
            potential=3 if e in high else 2,
        )
        for e in women + men
    )
    report = adverse_impact(
        org.hr_admin, cycle=cycle, outcome="high_potential", attribute="sex", stage="after"
    )
    women_row = next(g for g in report.groups if g.key == "female")
    assert (women_row.count, women_row.selected) == (20, 3)
    assert women_row.impact_ratio == Fraction(3, 10)
    e = expected_against(3, 20, 10, 20)
    assert women_row.fisher_p_value == pytest.approx(e.fisher_p, abs=TOLERANCE)
    assert women_row.flagged == (e.fisher_p < 0.05)


def test_improvement_plans_are_an_adverse_outcome(org: Org) -> None:
    """Plans opened in the cycle's window (not drafts, not before launch):
    the ratio is on having no plan, so the group with more plans is
    compared with the group with fewer."""
    cycle = released_cycle()
    women = people(org.engineering, 40, sex="female")
    men = people(org.engineering, 40, sex="male")
    rate(cycle, women + men, 0, released=False)
    now = timezone.now()

    def plan(employee: Employee, state: str = PlanState.ACTIVE, days_ago: int = 5) -> Any:
        activated = now - dt.timedelta(days=days_ago)
        return ImprovementPlan(
            employee=employee,
            manager=org.manager,
            hr_partner=org.hr_admin,
            state=state,
            concerns="c",
            starts_on=activated.date(),
            ends_on=activated.date() + dt.timedelta(days=60),
            activated_at=None if state == PlanState.DRAFT else activated,
        )

    ImprovementPlan.objects.bulk_create(
        [plan(e) for e in men[:12]]
        + [plan(e) for e in women[:2]]
        + [plan(e, PlanState.DRAFT) for e in women[2:10]]  # drafts do not count
        + [plan(e, days_ago=400) for e in women[10:20]]  # before the launch
    )
    report = adverse_impact(
        org.hr_admin, cycle=cycle, outcome="pip_opened", attribute="sex", stage="after"
    )
    by_key = {g.key: g for g in report.groups}
    assert (by_key["male"].selected, by_key["female"].selected) == (12, 2)
    assert by_key["female"].is_reference  # fewest plans: highest favourable rate
    assert by_key["male"].impact_ratio == Fraction(28, 40) / Fraction(38, 40)
    e = expected_against(28, 40, 38, 40)
    assert by_key["male"].fisher_p_value == pytest.approx(e.fisher_p, abs=TOLERANCE)
    assert by_key["male"].shortfall == pytest.approx(e.shortfall)  # plans above expected
    assert by_key["male"].flagged == (e.ratio < Fraction(4, 5) and e.fisher_p < 0.05)


def test_no_reference_when_every_group_is_small(org: Org) -> None:
    cycle = released_cycle()
    group(cycle, org.engineering, 4, 2, sex="female")
    group(cycle, org.engineering, 3, 1, sex="male")
    group(cycle, org.engineering, 8, 1, sex="undisclosed")
    report = adverse_impact(
        org.hr_admin, cycle=cycle, outcome="top", attribute="sex", stage="after"
    )
    assert report.reference is None and report.flagged == []
    assert report.people == 8 and report.has_results  # the undisclosed 8 only
    undisclosed = next(g for g in report.groups if g.undisclosed)
    assert undisclosed.count == 8 and undisclosed.impact_ratio is None
    assert all(g.count is None for g in report.groups if not g.undisclosed)


def test_summary_table_for_the_executive_summary(org: Org) -> None:
    cycle = released_cycle()
    group(cycle, org.engineering, 60, 10, sex="female")
    group(cycle, org.engineering, 60, 30, sex="male")
    table = summary_table(adverse_impact_summary(org.hr_admin, cycle=cycle))
    rows = {(row[0], row[1]): row for row in table.rows}
    after = rows[("Sex / gender", "After calibration (final)")]
    assert after[2] == 120 and after[3] == "Male"
    assert after[4].startswith("Female (ratio 0.33, Fisher p ")
    assert rows[("Race / ethnicity", "Before calibration")][4] == "not enough data to compare"
