"""Candidates suggested from the grid, and the bench strength rule.

Suggestions: people placed high performance (top third of the scale: 4 or
5 of 5) and high potential in the latest locked session they appear in;
open and draft sessions never count; only people (and placements) the
viewer may see; never the incumbent or a current successor; the role's
job family first."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cadence.people.models import EmploymentStatus
from cadence.reviews.models import RatingLevel
from cadence.talent import selectors_succession as selectors
from cadence.talent.models import CalibrationSession, Readiness, SessionState
from cadence.talent.selectors_succession import Bench, BenchStrength
from tests.factories import EmployeeFactory, JobFamilyFactory, JobProfileFactory
from tests.review_factories import RatingScaleFactory
from tests.talent.succession_support import (
    HIGH,
    MEDIUM,
    make_role,
    make_session,
    name_successor,
)

pytestmark = pytest.mark.django_db


def _suggested(user: Any, role: Any) -> list[int]:
    return [s.employee.pk for s in selectors.suggestions(user, role)]


def _person(org: Any, **kwargs: Any) -> Any:
    return EmployeeFactory(department=kwargs.pop("department", org.platform), **kwargs)


def test_high_high_people_of_a_locked_session_are_suggested(org: Any) -> None:
    role = make_role(incumbent=org.lead)
    star, strong, solid, steady = (_person(org) for _ in range(4))
    make_session(
        [(star, 5, HIGH), (strong, 4, HIGH), (solid, 3, HIGH), (steady, 5, MEDIUM)],
    )
    assert _suggested(org.hr_admin, role) == [star.pk, strong.pk]


@pytest.mark.parametrize("state", [SessionState.OPEN, SessionState.DRAFT])
def test_open_and_draft_sessions_do_not_count(org: Any, state: str) -> None:
    role = make_role(incumbent=org.lead)
    star = _person(org)
    make_session([(star, 5, HIGH)], state=state)
    assert _suggested(org.hr_admin, role) == []


def test_the_latest_locked_session_decides(org: Any) -> None:
    role = make_role(incumbent=org.lead)
    faded, risen = _person(org), _person(org)
    last_year = timezone.now() - dt.timedelta(days=365)
    make_session([(faded, 5, HIGH), (risen, 3, MEDIUM)], locked_at=last_year)
    make_session([(faded, 3, HIGH), (risen, 4, HIGH)])
    # A later session still open does not replace the latest locked one,
    # even one reopened after it was locked once (its locked_at is set).
    reopened = make_session([(risen, 1, MEDIUM)], state=SessionState.OPEN)
    CalibrationSession.objects.filter(pk=reopened.pk).update(
        locked_at=timezone.now() + dt.timedelta(days=1)
    )
    assert _suggested(org.hr_admin, role) == [risen.pk]


def test_uncalibrated_entries_use_their_original_level(org: Any) -> None:
    role = make_role(incumbent=org.lead)
    star = _person(org)
    make_session([(star, 5, HIGH)], calibrated=False)
    assert _suggested(org.hr_admin, role) == [star.pk]


def test_incumbent_successors_and_leavers_are_left_out(org: Any) -> None:
    role = make_role(incumbent=org.lead)
    named, left, fresh = _person(org), _person(org), _person(org)
    left.status = EmploymentStatus.TERMINATED
    left.save()
    name_successor(role, named, Readiness.ONE_TO_TWO_YEARS)
    make_session([(org.lead, 5, HIGH), (named, 5, HIGH), (left, 5, HIGH), (fresh, 4, HIGH)])
    assert _suggested(org.hr_admin, role) == [fresh.pk]


def test_only_placements_the_viewer_may_see(org: Any) -> None:
    """The Engineering HRBP never sees a Sales person's placement; an
    executive (who never sees calibration) gets no suggestions at all."""
    eng_role = make_role(incumbent=org.lead)
    sales_role = make_role(incumbent=org.other_manager)
    engineer, seller = _person(org), _person(org, department=org.sales)
    make_session([(engineer, 5, HIGH), (seller, 5, HIGH)])
    assert set(_suggested(org.hr_admin, eng_role)) == {engineer.pk, seller.pk}
    assert _suggested(org.hrbp, eng_role) == [engineer.pk]
    assert _suggested(org.executive, sales_role) == []


def test_same_job_family_comes_first(org: Any) -> None:
    sales_family: Any = JobFamilyFactory(name="Sales")
    eng_family: Any = JobFamilyFactory(name="Engineering")
    sales_profile: Any = JobProfileFactory(family=sales_family, title="Account executive")
    eng_profile: Any = JobProfileFactory(family=eng_family, title="Engineer")
    role = make_role(org.sales, job_profile=sales_profile, title="Sales leads")
    # Names sort the engineer first: only the family puts the seller ahead.
    engineer = _person(org, last_name="Aardvark", job_profile=eng_profile)
    seller = _person(org, last_name="Zebra", job_profile=sales_profile, department=org.sales)
    make_session([(engineer, 5, HIGH), (seller, 4, HIGH)])
    found = selectors.suggestions(org.hr_admin, role)
    assert [s.employee.pk for s in found] == [seller.pk, engineer.pk]
    assert [s.same_family for s in found] == [True, False]


def test_top_third_of_the_scale_by_value() -> None:
    scale: Any = RatingScaleFactory(name="Three-point")
    low, mid, top = (
        RatingLevel.objects.create(scale=scale, value=v, label=str(v)) for v in (1, 2, 3)
    )
    wide: Any = RatingScaleFactory(name="Zero to ten")
    levels = {v: RatingLevel.objects.create(scale=wide, value=v, label=str(v)) for v in range(11)}
    high = selectors.high_performance_level_ids()
    assert top.pk in high and mid.pk not in high and low.pk not in high
    # 0–10: ≥ 6.67 is high.
    assert {v for v, lvl in levels.items() if lvl.pk in high} == {7, 8, 9, 10}


def test_suggestions_api_shape(api: Any, org: Any) -> None:
    role = make_role(incumbent=org.lead)
    star = _person(org)
    session = make_session([(star, 5, HIGH)])
    response = api.as_(org.hrbp).get(f"/api/v1/succession-plans/{role.pk}/suggestions")
    assert response.status_code == 200
    [item] = response.json()
    assert item["employee"] == {"id": star.pk, "name": star.full_name}
    assert item["session"] == {"id": session.pk, "name": session.name}
    assert item["performance"]["label"] == "Far exceeds"
    assert item["potential"] == "high"


# --- bench strength -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "soon", "later", "strength", "label"),
    [
        (2, 0, 0, BenchStrength.STRONG, "Strong: 2+ ready now"),
        (3, 1, 1, BenchStrength.STRONG, "Strong: 2+ ready now"),
        (1, 2, 0, BenchStrength.ADEQUATE, "Adequate: 1 ready now"),
        (0, 1, 1, BenchStrength.AT_RISK, "At risk: nobody ready now"),
        (0, 0, 0, BenchStrength.NONE, "No successors"),
    ],
)
def test_bench_strength_rule(now: int, soon: int, later: int, strength: str, label: str) -> None:
    bench = Bench(ready_now=now, ready_1_2_years=soon, ready_3_plus_years=later)
    assert (bench.strength, bench.label) == (strength, label)
    assert bench.total == now + soon + later


def test_bench_counts_in_the_list_and_filter_leave_out_leavers(org: Any) -> None:
    strong = make_role(org.engineering, incumbent=org.manager, title="Strong")
    at_risk = make_role(incumbent=org.lead, title="At risk")
    empty = make_role(incumbent=org.peer, title="Empty")
    adequate = make_role(incumbent=org.employee, title="Adequate")
    for person in (org.lead, org.peer):
        name_successor(strong, person, Readiness.READY_NOW)
    name_successor(strong, org.former, Readiness.READY_NOW)  # left: not counted
    name_successor(at_risk, org.employee, Readiness.THREE_PLUS_YEARS)
    name_successor(at_risk, org.former, Readiness.READY_NOW)  # left: not counted
    name_successor(empty, org.former, Readiness.READY_NOW)
    name_successor(adequate, org.peer, Readiness.READY_NOW)
    name_successor(adequate, org.lead, Readiness.ONE_TO_TWO_YEARS)
    benches = {r.title: selectors.bench_of(r) for r in selectors.roles(org.hr_admin)}
    assert benches["Strong"] == Bench(2, 0, 0)
    assert benches["At risk"] == Bench(0, 0, 1)
    assert benches["Empty"] == Bench(0, 0, 0)
    assert benches["Adequate"] == Bench(1, 1, 0)
    for role, strength in (
        (strong, "strong"),
        (at_risk, "at_risk"),
        (empty, "none"),
        (adequate, "adequate"),
    ):
        found = selectors.roles(org.hr_admin, selectors.RoleFilters(bench=strength))
        assert [r.pk for r in found] == [role.pk], strength
    detail = selectors.bench_from_successors(selectors.role_successors(strong))
    assert detail == Bench(2, 0, 0)
