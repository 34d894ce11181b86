"""Programme health: the numbers against an independent count of the
hand-built data (tests/insights/health_support.py), scope, suppression."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np
import pytest

from cadence.insights.access import NOT_ENOUGH, require_scope
from cadence.insights.health import Health, programme_health
from cadence.insights.tables import Table
from cadence.people.models import Employee
from cadence.reviews.models import AssignmentStatus, PhaseKind
from tests.conftest import Org
from tests.insights.health_support import (
    DUE,
    LAUNCH,
    OPENS,
    PERIOD_END,
    PERIOD_START,
    PHASE_OF,
    Assigned,
    Built,
    build,
)

pytestmark = pytest.mark.django_db

PHASE_LABELS = {
    PhaseKind.SELF_REVIEW: "Self review",
    PhaseKind.PEER_REVIEW: "Peer and upward review",
    PhaseKind.MANAGER_REVIEW: "Manager review",
}


def health_for(user: Any, built: Built, **kwargs: Any) -> Health:
    return programme_health(user, require_scope(user), built.cycle, **kwargs)


def tables(health: Health) -> dict[str, Table]:
    return {t.key: t for t in health.tables()}


def row(table: Table, label: str) -> list[Any]:
    found = [r for r in table.rows if r[0] == label]
    assert len(found) == 1, (label, [r[0] for r in table.rows])
    return found[0]


def live(assigned: list[Assigned]) -> list[Assigned]:
    return [a for a in assigned if a.status != AssignmentStatus.CANCELLED]


def pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1)


def expected_rates(items: list[Assigned]) -> tuple[int, int, int, int]:
    """(people, live, submitted, on time), counted here from the ledger."""
    items = live(items)
    submitted = [a for a in items if a.status == AssignmentStatus.SUBMITTED]
    on_time = [
        a
        for a in submitted
        if a.submitted_at is not None and a.submitted_at.date() <= DUE[PHASE_OF[a.kind]]
    ]
    return len({a.reviewee.pk for a in items}), len(items), len(submitted), len(on_time)


def test_completion_and_on_time_per_phase_match_a_hand_count(org: Org) -> None:
    built = build(org)
    health = health_for(org.hr_admin, built)
    table = tables(health)["phases"]
    for phase, label in PHASE_LABELS.items():
        people, total, submitted, on_time = expected_rates(
            [a for a in built.assigned if PHASE_OF[a.kind] == phase]
        )
        assert people >= 5
        assert row(table, label)[2:] == [
            people,
            total,
            submitted,
            pct(submitted, total),
            pct(on_time, total),
        ]
    people, total, submitted, on_time = expected_rates(built.assigned)
    assert row(table, "All reviews")[2:] == [
        people,
        total,
        submitted,
        pct(submitted, total),
        pct(on_time, total),
    ]
    assert health.completion_rate == pct(submitted, total)
    # The boundary cases exist: submitted at 23:30 on the due date (on time)
    # and at 00:30 the day after (late).
    times = {a.submitted_at.time() for a in built.assigned if a.submitted_at}
    assert dt.time(23, 30) in times and dt.time(0, 30) in times


def test_rates_per_department_and_manager_with_small_groups_suppressed(org: Org) -> None:
    built = build(org)
    found = tables(health_for(org.hr_admin, built))
    by_department: dict[str, list[Assigned]] = defaultdict(list)
    by_manager: dict[str, list[Assigned]] = defaultdict(list)
    for a in built.assigned:
        by_department[a.reviewee.department.name].append(a)  # type: ignore[union-attr]
        boss = a.reviewee.manager
        assert boss is not None
        by_manager[f"{boss.first_name} {boss.last_name}"].append(a)
    for table, groups in ((found["departments"], by_department), (found["managers"], by_manager)):
        assert sorted(r[0] for r in table.rows) == sorted(groups)
        for label, items in groups.items():
            people = len({a.reviewee.pk for a in live(items)})
            cells = row(table, label)
            assert cells[1] == people
            if people < 5:
                assert cells[2:] == [NOT_ENOUGH] * 6, label
                continue
            for index, phase in enumerate(PHASE_LABELS):
                _, total, submitted, on_time = expected_rates(
                    [a for a in items if PHASE_OF[a.kind] == phase]
                )
                assert cells[2 + 2 * index : 4 + 2 * index] == [
                    pct(submitted, total),
                    pct(on_time, total),
                ], (label, phase)
    # Engineering has 4 reviewees (peer and their three reports): too few.
    assert row(found["departments"], "Engineering")[1] == 4


def test_time_to_complete_is_the_median_from_opening(org: Org) -> None:
    built = build(org)
    table = tables(health_for(org.hr_admin, built))["time"]
    for phase, label in PHASE_LABELS.items():
        start = OPENS[phase] or LAUNCH.date()
        days = [
            max(0, (a.submitted_at.date() - start).days)
            for a in live(built.assigned)
            if PHASE_OF[a.kind] == phase and a.status == AssignmentStatus.SUBMITTED
            if a.submitted_at is not None
        ]
        cells = row(table, label)
        assert cells[1] == start
        assert cells[3] == len(days)
        assert cells[4] == pytest.approx(float(np.median(days)))


def test_review_quality_per_kind(org: Org) -> None:
    built = build(org)
    table = tables(health_for(org.hr_admin, built))["quality"]
    labels = {"self": "Self", "manager": "Manager", "peer": "Peer"}
    for kind, label in labels.items():
        texts = [
            t
            for a in built.assigned
            if a.kind == kind and a.status == AssignmentStatus.SUBMITTED
            for t in a.texts
        ]
        filled = [len(t.strip()) for t in texts if t.strip()]
        cells = row(table, label)
        assert cells[2] == len(texts)
        assert cells[3] == round(float(np.mean(filled)), 1)
        assert cells[4] == pct(len(texts) - len(filled), len(texts))


def _active_people(org: Org, built: Built) -> list[Employee]:
    # Everyone in the org fixture but the terminated `former`.
    return [*built.people, org.ceo, org.manager, org.other_manager]


def test_goal_coverage_check_ins_feedback_and_one_on_ones(org: Org) -> None:
    built = build(org)
    found = tables(health_for(org.hr_admin, built, today=dt.date(2026, 1, 1)))
    people: dict[str, set[int]] = defaultdict(set)
    department_of: dict[int, str] = {}
    for person in _active_people(org, built):
        people[person.department.name].add(person.pk)  # type: ignore[union-attr]
        department_of[person.pk] = person.department.name  # type: ignore[union-attr]
    covered: dict[str, set[int]] = defaultdict(set)
    for goal in built.goals:
        measurable = [kr for kr in goal.key_results if kr[0] == "milestone" or kr[2] is not None]
        if goal.status == "active" and measurable:
            covered[department_of[goal.owner.pk]].add(goal.owner.pk)
    months = ((PERIOD_END - PERIOD_START).days + 1) / (365.25 / 12)
    first = dt.datetime.combine(PERIOD_START, dt.time.min, tzinfo=dt.UTC)
    after = dt.datetime.combine(PERIOD_END + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    check_ins: dict[str, int] = defaultdict(int)
    for person, at in built.check_ins:
        if first <= at < after:
            check_ins[department_of[person.pk]] += 1
    given: dict[str, int] = defaultdict(int)
    received: dict[str, int] = defaultdict(int)
    for giver, recipient, at in built.feedback:
        if first <= at < after:
            given[department_of[giver.pk]] += 1
            received[department_of[recipient.pk]] += 1
    planned: dict[str, int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)
    reports: dict[str, set[int]] = defaultdict(set)
    for person, day, status in built.meetings:
        if PERIOD_START <= day <= PERIOD_END:
            name = department_of[person.pk]
            planned[name] += 1
            held[name] += status == "held"
            reports[name].add(person.pk)
    shown = 0
    for name in ("Platform", "Sales"):
        n = len(people[name])
        assert row(found["goals"], name)[1:] == [
            n,
            len(covered[name]),
            pct(len(covered[name]), n),
        ]
        assert row(found["check-ins"], name)[1:] == [
            n,
            check_ins[name],
            round(check_ins[name] / n / months, 2),
        ]
        assert row(found["feedback"], name)[1:] == [
            n,
            given[name],
            received[name],
            round(given[name] / n, 2),
            round(received[name] / n, 2),
        ]
        expected = [planned[name], held[name], pct(held[name], planned[name])]
        if len(reports[name]) < 5:
            expected = [NOT_ENOUGH] * 3
        shown += len(reports[name]) >= 5
        assert row(found["one-on-ones"], name)[1:] == [len(reports[name]), *expected]
    assert shown and len(reports["Platform"]) < 5  # both branches are exercised
    # Company (the CEO alone) and Engineering (5: manager, peer, three) —
    # the CEO's row is too small to show.
    assert row(found["goals"], "Company")[2:] == [NOT_ENOUGH, NOT_ENOUGH]
    everyone = sum(len(s) for s in people.values())
    total = row(found["goals"], "Everyone in view")
    assert total[:3] == ["Everyone in view", everyone, sum(len(s) for s in covered.values())]


def test_trend_across_cycles_is_a_line_of_each_cycles_rates(org: Org) -> None:
    built = build(org)
    table = tables(health_for(org.hr_admin, built))["trend"]
    assert [r[0] for r in table.rows] == ["Year-end 2024", "Mid-year 2025"]
    _, total, submitted, on_time = expected_rates(built.assigned)
    assert row(table, "Mid-year 2025")[2:] == [pct(submitted, total), pct(on_time, total)]
    # The earlier cycle has no reviews in it: nobody, so nothing to show.
    assert row(table, "Year-end 2024")[1:] == [0, NOT_ENOUGH, NOT_ENOUGH]
    assert table.chart is not None and table.chart.kind == "line"
    assert table.chart.series[0].data == [None, pct(submitted, total)]


def test_department_filter_narrows_to_the_department_and_below(org: Org) -> None:
    built = build(org)
    health = health_for(org.hr_admin, built, department=org.engineering)
    labels = {r[0] for r in tables(health)["departments"].rows}
    assert labels == {"Engineering", "Platform"}
    expected = [
        a
        for a in built.assigned
        if a.reviewee.department_id in {org.engineering.pk, org.platform.pk}
    ]
    assert health.overall.assigned == expected_rates(expected)[1]


def test_manager_sees_only_their_reports(org: Org) -> None:
    built = build(org)
    health = health_for(org.manager.user, built)
    mine = [
        a
        for a in built.assigned
        if a.reviewee.reporting_path.startswith(org.manager.reporting_path)
        and a.reviewee != org.manager
    ]
    people, total, submitted, _ = expected_rates(mine)
    assert (health.overall.people, health.overall.assigned, health.overall.submitted) == (
        people,
        total,
        submitted,
    )
    found = tables(health)
    assert {r[0] for r in found["departments"].rows} == {"Engineering", "Platform"}
    assert "Otto Other" not in {r[0] for r in found["managers"].rows}
    assert "Sales" not in {r[0] for r in found["goals"].rows}


@pytest.mark.parametrize(
    ("who", "departments"),
    [("hrbp", {"Engineering", "Platform"}), ("executive", {"Sales"})],
)
def test_hrbp_and_executive_see_only_their_departments(
    org: Org, who: str, departments: set[str]
) -> None:
    built = build(org)
    found = tables(health_for(getattr(org, who), built))
    assert {r[0] for r in found["departments"].rows} == departments
    assert {r[0] for r in found["goals"].rows} == departments | {"Everyone in view"}
