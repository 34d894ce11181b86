"""Rating analytics: distributions, calibration effect, movement between
cycles and rating vs goal attainment against an independent count of the
hand-built data; scope and released-only for executives."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import pytest

from cadence.insights.access import NOT_ENOUGH, require_scope
from cadence.insights.ratings import Ratings, rating_analytics
from cadence.insights.tables import Table
from cadence.people.models import Employee
from cadence.reviews.models import ReviewResult
from tests.conftest import Org
from tests.insights.health_support import Built, Goal, Rated, build, levels_of

pytestmark = pytest.mark.django_db

BUCKETS = ["0–25%", "25–50%", "50–75%", "75–100%", "100%", "No measurable goals"]


def analytics(user: Any, built: Built, **kwargs: Any) -> Ratings:
    return rating_analytics(user, require_scope(user), built.cycle, **kwargs)


def tables(ratings: Ratings) -> dict[str, Table]:
    return {t.key: t for t in ratings.tables()}


def row(table: Table, label: str) -> list[Any]:
    found = [r for r in table.rows if r[0] == label]
    assert len(found) == 1, (label, [r[0] for r in table.rows])
    return found[0]


def expected_row(label: str, finals: list[str], levels: list[str]) -> list[Any]:
    counts = Counter(finals)
    n = len(finals)
    cells: list[Any] = [label, n]
    for level in levels:
        if n < 5:
            cells += [NOT_ENOUGH, NOT_ENOUGH]
        else:
            cells += [counts[level], round(100 * counts[level] / n, 1)]
    return cells


def _check_distribution(
    table: Table, rated: list[Rated], group: Callable[[Employee], str], levels: list[str]
) -> None:
    by_group: dict[str, list[str]] = defaultdict(list)
    for r in rated:
        if r.final is not None:
            by_group[group(r.employee)].append(r.final.label)
    assert sorted(r[0] for r in table.rows) == sorted(by_group)
    for label, finals in by_group.items():
        assert row(table, label) == expected_row(label, finals, levels), label


def _department(e: Employee) -> str:
    return e.department.name if e.department else "None"


def _job_level(e: Employee) -> str:
    return e.job_profile.level.name if e.job_profile else "None"


def _location(e: Employee) -> str:
    return e.location.name if e.location else "None"


def _manager(e: Employee) -> str:
    return f"{e.manager.first_name} {e.manager.last_name}" if e.manager else "None"


def test_distributions_per_department_job_level_location_and_manager(org: Org) -> None:
    built = build(org)
    found = tables(analytics(org.hr_admin, built))
    levels = [lv.label for lv in levels_of(built.cycle)]
    _check_distribution(found["departments"], built.rated, _department, levels)
    _check_distribution(found["job-levels"], built.rated, _job_level, levels)
    _check_distribution(found["locations"], built.rated, _location, levels)
    _check_distribution(found["managers"], built.rated, _manager, levels)
    # Job levels are ordered by rank, with people without a job last.
    assert [r[0] for r in found["job-levels"].rows] == ["Junior", "Senior", "None"]
    overall = Counter(r.final.label for r in built.rated if r.final)
    total = sum(overall.values())
    for level in levels:
        assert row(found["distribution"], level)[1:] == [
            overall[level],
            round(100 * overall[level] / total, 1),
        ]


def test_calibration_effect_before_and_after(org: Org) -> None:
    built = build(org)
    table = tables(analytics(org.hr_admin, built))["calibration"]
    for level in levels_of(built.cycle):
        before = [r for r in built.rated if r.before == level]
        after = [r for r in built.rated if r.final == level]
        up = [r for r in before if r.final is not None and r.final.value > level.value]
        down = [r for r in before if r.final is not None and r.final.value < level.value]
        assert row(table, level.label)[1:] == [
            len(before),
            len(after),
            len(after) - len(before),
            len(up),
            len(down),
        ]
    assert any(row(table, lv.label)[4] for lv in levels_of(built.cycle))  # someone moved up


def test_movement_between_cycles(org: Org) -> None:
    built = build(org)
    ratings = analytics(org.hr_admin, built)
    assert ratings.previous == built.earlier
    then = {r.employee.pk: r.final for r in built.earlier_rated if r.final}
    pairs = Counter(
        (then[r.employee.pk].label, r.final.label)
        for r in built.rated
        if r.final and r.employee.pk in then
    )
    table = tables(ratings)["movement"]
    levels = [lv.label for lv in levels_of(built.cycle)]
    for earlier in levels:
        assert row(table, earlier)[1:] == [pairs[(earlier, now)] for now in levels]
    value = {lv.label: lv.value for lv in levels_of(built.cycle)}
    up = sum(n for (a, b), n in pairs.items() if value[b] > value[a])
    down = sum(n for (a, b), n in pairs.items() if value[b] < value[a])
    same = sum(pairs.values()) - up - down
    assert ratings.movement_summary() == (up, same, down)
    summary = tables(ratings)["movement-summary"]
    assert [r[1] for r in summary.rows] == [up, same, down]


def _progress(goal: Goal) -> float | None:
    pairs = []
    for result_type, start, target, current, done, weight in goal.key_results:
        if result_type == "milestone":
            pairs.append((1.0 if done else 0.0, weight))
        elif target is not None:
            value = ((current or 0) - start) / (target - start)
            pairs.append((min(1.0, max(0.0, value)), weight))
    if not pairs:
        return None
    return sum(p * w for p, w in pairs) / sum(w for _, w in pairs)


def _bucket(progress: float | None) -> str:
    if progress is None:
        return "No measurable goals"
    if progress >= 1:
        return "100%"
    return BUCKETS[int(progress // 0.25)]


def test_rating_against_goal_attainment(org: Org) -> None:
    built = build(org)
    per_person: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for goal in built.goals:
        progress = _progress(goal)
        if goal.status == "active" and progress is not None:
            per_person[goal.owner.pk].append((progress, goal.weight))
    attainment = {
        pk: sum(p * w for p, w in pairs) / sum(w for _, w in pairs)
        for pk, pairs in per_person.items()
    }
    cells = Counter(
        (r.final.label, _bucket(attainment.get(r.employee.pk))) for r in built.rated if r.final
    )
    table = tables(analytics(org.hr_admin, built))["attainment"]
    assert table.heat and table.header[1:] == BUCKETS
    for level in levels_of(built.cycle):
        assert row(table, level.label)[1:] == [cells[(level.label, b)] for b in BUCKETS]
    assert len({b for _, b in cells}) >= 4  # the data spreads over the buckets


def test_ratings_across_cycles(org: Org) -> None:
    built = build(org)
    table = tables(analytics(org.hr_admin, built))["cycles"]
    assert [r[0] for r in table.rows] == ["Year-end 2024", "Mid-year 2025"]
    levels = [lv.label for lv in levels_of(built.cycle)]
    for name, rated in (("Year-end 2024", built.earlier_rated), ("Mid-year 2025", built.rated)):
        finals = [r.final.label for r in rated if r.final]
        assert row(table, name) == expected_row(name, finals, levels)


def test_executive_sees_only_released_ratings_of_their_departments(org: Org) -> None:
    built = build(org)
    sales = [r for r in built.rated if r.employee.department_id == org.sales.pk]
    for r in sales[:2]:  # two results not released yet
        ReviewResult.objects.filter(cycle=built.cycle, employee=r.employee).update(released_at=None)
        r.released = False
    ratings = analytics(org.executive, built)
    found = tables(ratings)
    released = [r for r in sales if r.released]
    assert 5 <= len(released) < len(sales)
    assert ratings.rated == len(released)
    assert analytics(org.hr_admin, built, department=org.sales).rated == len(sales)
    assert [r[0] for r in found["departments"].rows] == ["Sales"]
    levels = [lv.label for lv in levels_of(built.cycle)]
    _check_distribution(found["departments"], released, _department, levels)
    assert ratings.rated == len(released)


def test_manager_sees_only_their_reports_ratings(org: Org) -> None:
    built = build(org)
    ratings = analytics(org.manager.user, built)
    path = org.manager.reporting_path
    mine = [r for r in built.rated if r.employee.reporting_path.startswith(path)]
    assert ratings.rated == len(mine)
    found = tables(ratings)
    assert {r[0] for r in found["departments"].rows} == {"Engineering", "Platform"}
    assert "Otto Other" not in {r[0] for r in found["managers"].rows}
    levels = [lv.label for lv in levels_of(built.cycle)]
    _check_distribution(found["managers"], mine, _manager, levels)


def test_hrbp_sees_only_their_departments(org: Org) -> None:
    built = build(org)
    found = tables(analytics(org.hrbp, built))
    assert {r[0] for r in found["departments"].rows} == {"Engineering", "Platform"}


def test_small_selections_suppress_whole_cycle_tables(org: Org) -> None:
    built = build(org)
    # Engineering alone (not Platform below it) has 4 rated people: a
    # department filter on a leaf with few people suppresses everything.
    engineering_only = [r for r in built.rated if r.employee.department_id == org.engineering.pk]
    assert len(engineering_only) == 4
    from tests.factories import DepartmentFactory

    tiny = DepartmentFactory(name="Tiny", parent=org.engineering)
    for r in engineering_only[:3]:
        r.employee.department = tiny
        r.employee.save(update_fields=["department"])
    found = tables(analytics(org.hr_admin, built, department=tiny))
    for key in ("distribution", "calibration", "movement", "attainment"):
        values = [v for r in found[key].rows for v in r[1:]]
        assert values and set(values) <= {NOT_ENOUGH, 3}, key
    assert {v for r in found["movement"].rows for v in r[1:]} == {NOT_ENOUGH}
    assert row(found["distribution"], "All rated")[1:] == [3, NOT_ENOUGH]
