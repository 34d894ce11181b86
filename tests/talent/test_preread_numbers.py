"""The pre-read's numbers against independent computations: distribution
counts by hand, rater effects equal to `estimate_rater_effects` on the same
ratings listed by hand (and the planted lenient/severe managers of a
simulated organisation recovered through a session), self-vs-manager gaps
worked out by hand from the template's weights."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cadence.people.models import Employee
from cadence.people.paths import rebuild_reporting_paths
from cadence.reviews.models import (
    AnswerAudience,
    AssignmentStatus,
    Question,
    QuestionKind,
    SectionKind,
)
from cadence.talent.models import CalibrationEntry
from cadence.talent.preread import guidance_text, pre_read, rater_effects
from cadence.talent.rater_effects import estimate_rater_effects
from tests.conftest import Org
from tests.review_factories import QuestionFactory
from tests.reviews.results_fixtures import answer, level
from tests.talent.insight_support import (
    add_entry,
    make_session,
    self_review,
    standard,
    user_of,
)
from tests.talent.rater_simulation import simulate_organisation


def test_distribution_counts_and_shares_by_hand(org: Org) -> None:
    setup = standard(org)
    levels = {v: level(setup.cycle, v) for v in range(1, 6)}
    setup.session.guidance = {str(levels[5].pk): 10, str(levels[3].pk): "50", "junk": 5}
    setup.session.save()
    add_entry(setup.session, org.ceo, manager=None, original=None)  # not rated yet

    data = pre_read(org.hr_admin, setup.session)

    # Before = proposed, else original: lead 4, peer 3 (proposed over 2),
    # M 5 4 4, employee 2, salesperson 3, S 2 2 3.
    counts = {row.level.value: row.count for row in data.distribution.rows}
    assert counts == {1: 0, 2: 3, 3: 3, 4: 3, 5: 1}
    shares = {row.level.value: row.share for row in data.distribution.rows}
    assert shares == {1: 0.0, 2: 30.0, 3: 30.0, 4: 30.0, 5: 10.0}
    assert data.distribution.rated == 10
    assert data.distribution.unrated == 1
    guidance = {row.level.value: row.guidance for row in data.distribution.rows}
    assert guidance == {1: None, 2: None, 3: 50.0, 4: None, 5: 10.0}
    differences = {row.level.value: row.difference for row in data.distribution.rows}
    assert differences[Decimal(3)] == pytest.approx(-20.0)
    assert differences[Decimal(5)] == pytest.approx(0.0)
    assert data.guidance == "HR guidance: 10% at 5 Far exceeds, 50% at 3 Meets"
    assert guidance_text({}, data.levels) == ""


def test_each_managers_distribution_by_hand(org: Org) -> None:
    data = pre_read(org.hr_admin, standard(org).session)
    by_name = {team.name: (team.counts, team.rated) for team in data.managers}
    assert by_name == {
        "Lee Lead": ([0, 1, 0, 0, 0], 1),
        "Mona Manager": ([0, 0, 1, 3, 1], 5),
        "Otto Other": ([0, 2, 2, 0, 0], 4),
    }


def test_rater_effects_equal_a_fit_on_the_same_ratings(org: Org) -> None:
    setup = standard(org)
    # The same ratings, listed by hand: (rater, person, manager's rating).
    by_hand = [
        ("manager", "lead", 4),
        ("manager", "peer", 3),
        ("manager", "M0", 5),
        ("manager", "M1", 4),
        ("manager", "M2", 4),
        ("lead", "employee", 2),
        ("other_manager", "salesperson", 3),
        ("other_manager", "S0", 2),
        ("other_manager", "S1", 2),
        ("other_manager", "S2", 3),
    ]
    expected = estimate_rater_effects(by_hand, min_team_size=3)
    table = rater_effects(org.hr_admin, setup.session)

    ids = {getattr(org, name).pk: name for name in ("manager", "lead", "other_manager")}
    got = {ids[row.manager_id]: row for row in table.rows}
    assert set(got) == {"manager", "lead", "other_manager"}
    for effect in expected.raters:
        row = got[effect.rater_id]
        assert row.n == effect.n
        assert row.enough_data == effect.enough_data
        for name in ("estimate", "se", "ci_low", "ci_high"):
            want = getattr(effect, name)
            assert getattr(row, name) == (pytest.approx(want, abs=1e-12) if want else want)
    assert table.model is not None
    assert table.model.mu == pytest.approx(expected.model.mu, abs=1e-12)
    assert table.model.tau2 == pytest.approx(expected.model.tau2, abs=1e-12)
    # The lenient manager first, then the severe one; the one-person team last.
    assert [ids[r.manager_id] for r in table.rows] == ["manager", "other_manager", "lead"]
    assert (got["manager"].estimate or 0) > 0 > (got["other_manager"].estimate or 0)
    # Below the minimum team size: no estimate and no mean either.
    lead = got["lead"]
    assert (lead.estimate, lead.se, lead.ci_low, lead.ci_high, lead.mean_rating) == (None,) * 5
    assert lead.reason == "fewer than 3 people rated"
    assert got["manager"].mean_rating == pytest.approx(4.0)


def test_a_manager_gets_a_fit_on_their_own_people_only(org: Org) -> None:
    setup = standard(org)
    expected = estimate_rater_effects(
        [
            ("manager", "lead", 4),
            ("manager", "peer", 3),
            ("manager", "M0", 5),
            ("manager", "M1", 4),
            ("manager", "M2", 4),
            ("lead", "employee", 2),
        ],
        min_team_size=3,
    )
    table = rater_effects(user_of(org.manager), setup.session)
    assert [row.manager_id for row in table.rows] == [org.manager.pk, org.lead.pk]
    mine = table.rows[0]
    want = expected.raters[0]
    assert mine.estimate == pytest.approx(want.estimate, abs=1e-12)
    assert mine.se == pytest.approx(want.se, abs=1e-12)
    assert table.model is not None and table.model.n_ratings == 6
    assert table.model.mu == pytest.approx(expected.model.mu, abs=1e-12)


def test_a_lone_rater_is_not_enough_data_for_lack_of_colleagues(org: Org) -> None:
    table = rater_effects(user_of(org.other_manager), standard(org).session)
    assert len(table.rows) == 1
    row = table.rows[0]
    assert row.n == 4 and not row.enough_data and row.estimate is None
    assert row.mean_rating is None
    assert row.reason == "no other rater to compare with"


def test_the_minimum_team_size_is_the_sessions(org: Org) -> None:
    setup = standard(org, min_team_size=5)
    got = {r.manager_id: r for r in rater_effects(org.hr_admin, setup.session).rows}
    assert got[org.manager.pk].enough_data
    assert not got[org.other_manager.pk].enough_data  # 4 < 5
    assert got[org.other_manager.pk].reason == "fewer than 5 people rated"


def test_severity_in_words() -> None:
    from cadence.talent.preread import Severity

    def words(estimate: float, low: float, high: float) -> str:
        return Severity(1, "x", 5, 3.0, estimate, 0.1, low, high, True).words

    assert words(0.42, 0.1, 0.7) == "rates higher than the pool by 0.4 levels"
    assert words(-0.42, -0.7, -0.1) == "rates lower than the pool by 0.4 levels"
    assert words(-1.0, -1.3, -0.7) == "rates lower than the pool by 1.0 level"
    assert words(0.2, -0.1, 0.5) == (
        "rates higher than the pool by 0.2 levels (within the margin of error)"
    )
    assert words(0.01, -0.3, 0.3) == "rates in line with the pool"


def test_planted_lenient_and_severe_managers_are_recovered_through_a_session(org: Org) -> None:
    simulated = simulate_organisation(0, n_managers=30)
    session = make_session(org)
    managers = {
        name: Employee(
            employee_number=f"SIM-{name}",
            first_name="Sim",
            last_name=name,
            email=f"{name}@sim.example.com",
            department=org.engineering,
            manager=org.ceo,
        )
        for name in sorted({rater for rater, _, _ in simulated.observations})
    }
    Employee.objects.bulk_create(managers.values())
    ratees = {
        ratee: Employee(
            employee_number=f"SIM-{ratee}",
            first_name="Sim",
            last_name=ratee,
            email=f"{ratee}@sim.example.com",
            department=org.engineering,
            manager=managers[rater],
        )
        for rater, ratee, _ in simulated.observations
    }
    Employee.objects.bulk_create(ratees.values())
    rebuild_reporting_paths()
    levels = {v: level(session.cycle, v) for v in range(1, 6)}
    from cadence.reviews.models import ReviewResult

    results = ReviewResult.objects.bulk_create(
        ReviewResult(cycle=session.cycle, employee=ratees[ratee])
        for _, ratee, _ in simulated.observations
    )
    CalibrationEntry.objects.bulk_create(
        CalibrationEntry(
            session=session,
            result=result,
            employee=ratees[ratee],
            manager=managers[rater],
            original_level=levels[int(rating)],
        )
        for result, (rater, ratee, rating) in zip(results, simulated.observations, strict=True)
    )

    rows = [r for r in rater_effects(org.hr_admin, session).rows if r.enough_data]
    name_of = {m.pk: name for name, m in managers.items()}
    ranked = [name_of[r.manager_id] for r in rows]  # most lenient first
    assert set(ranked[:3]) == simulated.lenient
    assert set(ranked[-3:]) == simulated.severe
    for row in rows:
        name = name_of[row.manager_id]
        if name in simulated.lenient or name in simulated.severe:
            assert row.clear, name
    ordinary = [r for r in rows if name_of[r.manager_id] in simulated.ordinary]
    assert sum(1 for r in ordinary if r.clear) <= 3


# --- self vs manager ---------------------------------------------------------------------


def test_self_vs_manager_gaps_by_hand(org: Org) -> None:
    setup = standard(org)
    cycle = setup.cycle
    self_review(cycle, org.lead, overall=4)  # self 4, manager 4 → 0
    self_review(cycle, org.peer, overall=5)  # self 5, manager 3 (proposed) → −2
    m0 = setup.entry("M0").employee
    # Goals (weight 2) 5, questions (weight 1) 2: (2·5 + 2)/3 = 4 → level 4; manager 5 → +1.
    self_review(cycle, m0, overall=2, goals=5)
    m1 = setup.entry("M1").employee
    # (2·4 + 3)/3 = 3.667 → level 4 (nearest); manager 4 → 0.
    self_review(cycle, m1, overall=3, goals=4)
    # M2 has a self review in progress only: not counted.
    self_review(cycle, setup.entry("M2").employee, overall=1, status=AssignmentStatus.IN_PROGRESS)
    self_review(cycle, org.salesperson, overall=4)  # manager 3 → −1

    data = pre_read(org.hr_admin, setup.session)
    gaps = {g.person.employee_id: g for g in data.gaps.people}
    assert gaps[org.lead.pk].gap == 0
    assert gaps[org.peer.pk].gap == -2
    assert gaps[m0.pk].self_score == Decimal("4.000")
    assert gaps[m0.pk].gap == 1
    assert gaps[m1.pk].self_score == Decimal("3.667")
    m1_level = gaps[m1.pk].self_level
    assert m1_level is not None and m1_level.value == 4
    assert gaps[setup.entry("M2").employee_id].gap is None
    assert gaps[org.salesperson.pk].gap == -1

    managers = {g.name: g for g in data.gaps.managers}
    mona = managers["Mona Manager"]
    assert (mona.n, mona.higher, mona.same, mona.lower) == (4, 1, 2, 1)
    assert mona.mean_gap == pytest.approx((0 - 2 + 1 + 0) / 4)
    # One person with both ratings in Sales: below the minimum, no mean.
    otto = managers["Otto Other"]
    assert otto.n == 1 and otto.mean_gap is None and not otto.enough_data
    assert data.gaps.overall.n == 5
    assert data.gaps.overall.mean_gap == pytest.approx((0 - 2 + 1 + 0 - 1) / 5)
    assert data.gaps.without_self == 5  # M2, employee, S0–S2


def test_the_self_score_uses_only_what_the_reviewee_reads(org: Org) -> None:
    setup = standard(org)
    review = self_review(setup.cycle, org.lead, overall=4)
    questions = setup.cycle.template.sections.get(kind=SectionKind.QUESTIONS)
    hidden: Question = QuestionFactory(  # type: ignore[assignment]
        section=questions, kind=QuestionKind.RATING, text="HR only?", audience=AnswerAudience.HR
    )
    answer(review, questions, f"q{hidden.pk}", rating=Decimal(1))
    data = pre_read(org.hr_admin, setup.session)
    gap = next(g for g in data.gaps.people if g.person.employee_id == org.lead.pk)
    assert gap.self_score == Decimal("4.000")
