"""The demo organisation's goals and KPIs: two years of quarters up to
`today`, goals aligned personal → department → company, believable check-in
histories and progress, KPIs with a year of measurements, the same goals
for the same seed, and a demo that can be wiped and made again."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from decimal import Decimal
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.test import Client

from cadence.core.models import User
from cadence.goals import demo_data
from cadence.goals.demo import quarter_of
from cadence.goals.kpis import _validate_kpi, summaries
from cadence.goals.models import (
    Approval,
    CheckIn,
    Confidence,
    Direction,
    Frequency,
    GoalPeriod,
    KeyResult,
    KeyResultType,
    Kpi,
    KpiMeasurement,
    Objective,
    ObjectiveStatus,
    Scope,
    Visibility,
)
from cadence.goals.progress import weighted_mean
from cadence.people.demo import generate_demo_organisation, wipe_organisation
from cadence.people.models import Employee
from tests.api_client import Api

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 5, 20)  # seven weeks into 2025 Q2
EMPLOYEES = 120


@pytest.fixture
def demo() -> tuple[GoalPeriod, GoalPeriod]:
    """The demo organisation; returns (previous period, current period)."""
    generate_demo_organisation(employees=EMPLOYEES, seed=5, today=TODAY)
    current, previous = GoalPeriod.objects.order_by("-starts_on")[:2]
    return previous, current


def goal_fingerprint() -> list[tuple[object, ...]]:
    """What a reader sees of the goals, without the ids."""
    return list(
        KeyResult.objects.order_by(
            "objective__period__starts_on", "objective__owner_employee__employee_number", "id"
        ).values_list(
            "objective__period__name",
            "objective__scope",
            "objective__owner_employee__employee_number",
            "objective__owner_department__code",
            "objective__title",
            "objective__status",
            "objective__approval",
            "objective__visibility",
            "objective__parent__title",
            "title",
            "start_value",
            "target_value",
            "current_value",
            "done",
            "due_date",
            "last_check_in_at",
        )
    )


def test_quarters() -> None:
    assert quarter_of(dt.date(2026, 1, 1)) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026 Q1")
    assert quarter_of(dt.date(2026, 11, 23)) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
        "2026 Q4",
    )
    assert quarter_of(dt.date(2025, 6, 30))[2] == "2025 Q2"


def test_two_years_of_quarters_the_current_one_contains_today(
    demo: tuple[GoalPeriod, GoalPeriod],
) -> None:
    previous, current = demo
    periods = list(GoalPeriod.objects.order_by("starts_on"))
    assert [p.name for p in periods] == [
        "2023 Q3",
        "2023 Q4",
        "2024 Q1",
        "2024 Q2",
        "2024 Q3",
        "2024 Q4",
        "2025 Q1",
        "2025 Q2",
    ]
    assert all(b.starts_on == a.ends_on + dt.timedelta(days=1) for a, b in pairwise(periods))
    assert periods[-1] == current and periods[-2] == previous
    assert not any(p.requires_approval for p in periods[:-1])
    assert (current.name, current.starts_on, current.ends_on) == (
        "2025 Q2",
        dt.date(2025, 4, 1),
        dt.date(2025, 6, 30),
    )
    assert (previous.name, previous.ends_on) == ("2025 Q1", dt.date(2025, 3, 31))
    for period in periods:
        assert period.setting_opens_on is not None and period.setting_closes_on is not None
        assert period.setting_opens_on < period.starts_on < period.setting_closes_on
        assert period.check_in_reminder_days == 14
    assert current.requires_approval and not previous.requires_approval
    # People trying the demo can set goals in the current quarter, not the last.
    assert current.setting_is_open(TODAY) and not previous.setting_is_open(TODAY)
    assert current.setting_closes_on is not None
    assert current.setting_closes_on <= current.ends_on


def test_company_department_and_personal_goals_in_each_period(
    demo: tuple[GoalPeriod, GoalPeriod],
) -> None:
    for period in demo:
        scopes = Counter(period.objectives.values_list("scope", flat=True))
        assert 3 <= scopes[Scope.COMPANY] <= 4
        assert scopes[Scope.DEPARTMENT] >= 8 * 2  # every top-level department has 2-3
        assert scopes[Scope.PERSONAL] > EMPLOYEES
        personal = period.objectives.filter(scope=Scope.PERSONAL)
        owners = set(personal.values_list("owner_employee_id", flat=True))
        assert 0.7 * EMPLOYEES < len(owners) < EMPLOYEES  # most people, not everyone
        visibility = Counter(personal.values_list("visibility", flat=True))
        assert 0 < visibility[Visibility.PRIVATE] < visibility[Visibility.PUBLIC] / 4
        assert len(set(personal.values_list("kind", flat=True))) == 2
    # Earlier quarters have goals too, from the people there at the time.
    hired = dict(Employee.objects.values_list("id", "hire_date"))
    for period in GoalPeriod.objects.order_by("starts_on"):
        scopes = Counter(period.objectives.values_list("scope", flat=True))
        assert 3 <= scopes[Scope.COMPANY] <= 4 and scopes[Scope.DEPARTMENT] >= 8 * 2
        owners = set(
            period.objectives.filter(scope=Scope.PERSONAL).values_list("owner_employee", flat=True)
        )
        assert len(owners) > 0.5 * EMPLOYEES
        assert all((hired[owner] or period.starts_on) <= period.starts_on for owner in owners)
    # Beyond the managers' goals about their teams, titles depend on the job.
    leadership = {spec.title for spec in demo_data.LEADERSHIP_OBJECTIVES}
    titles: dict[str, set[str]] = defaultdict(set)
    for code, title in Objective.objects.filter(scope=Scope.PERSONAL).values_list(
        "owner_employee__department__code", "title"
    ):
        titles[code.split("-")[0]].add(title)
    assert titles["ENG"] - leadership and titles["SAL"] - leadership
    assert not (titles["ENG"] & titles["SAL"]) - leadership


def test_alignment_runs_personal_to_department_to_company_within_a_period(
    demo: tuple[GoalPeriod, GoalPeriod],
) -> None:
    goals = {o.pk: o for o in Objective.objects.all()}
    for goal in goals.values():
        chain = [goal]
        while chain[-1].parent_id is not None:
            parent = goals[chain[-1].parent_id]
            assert parent not in chain, "alignment cycle"
            chain.append(parent)
        assert all(g.period_id == goal.period_id for g in chain)
        assert chain[-1].scope == Scope.COMPANY
        order = [Scope.PERSONAL, Scope.DEPARTMENT, Scope.COMPANY]
        ranks = [order.index(Scope(g.scope)) for g in chain]
        assert ranks == sorted(set(ranks)), ranks  # each step goes up a level
        if goal.scope == Scope.DEPARTMENT:
            assert goal.owner_department.parent.parent_id is None  # a top-level department
        if goal.scope == Scope.PERSONAL and len(chain) > 2:
            # aligned to the department their own department belongs to
            assert goal.owner_employee.department.path.startswith(chain[1].owner_department.path)


def test_key_results_mix_metrics_both_ways_and_milestones(
    demo: tuple[GoalPeriod, GoalPeriod],
) -> None:
    kinds = Counter(KeyResult.objects.values_list("result_type", "direction"))
    assert kinds[(KeyResultType.METRIC, Direction.INCREASE)] > 0
    assert kinds[(KeyResultType.METRIC, Direction.DECREASE)] > 0
    assert kinds[(KeyResultType.MILESTONE, Direction.INCREASE)] > 0
    for kr in KeyResult.objects.filter(result_type=KeyResultType.METRIC):
        assert kr.target_value is not None and kr.target_value != kr.start_value
        increasing = kr.target_value > kr.start_value
        assert increasing == (kr.direction == Direction.INCREASE)
        assert kr.unit
    for kr in KeyResult.objects.filter(result_type=KeyResultType.MILESTONE).select_related(
        "objective__period"
    ):
        period = kr.objective.period
        assert kr.due_date is not None and period.starts_on <= kr.due_date <= period.ends_on
    assert Objective.objects.filter(key_results__isnull=True).count() == 0


def test_check_in_histories_are_ordered_inside_the_period_and_up_to_today(
    demo: tuple[GoalPeriod, GoalPeriod],
) -> None:
    history: dict[int, list[CheckIn]] = defaultdict(list)
    for entry in CheckIn.objects.order_by("id"):
        history[entry.key_result_id].append(entry)
    krs = KeyResult.objects.select_related("objective__period", "objective__owner_employee")
    checked = 0
    for kr in krs:
        entries = history.get(kr.pk, [])
        period = kr.objective.period
        times = [e.created_at for e in entries]
        assert times == sorted(times) and len(set(times)) == len(times)
        for entry in entries:
            assert period.starts_on <= entry.created_at.date() <= period.ends_on
            assert entry.created_at.date() < TODAY
        if not entries:
            assert kr.last_check_in_at is None
            continue
        checked += 1
        newest = entries[-1]
        assert kr.last_check_in_at == newest.created_at
        # The key result stands where its latest check-in left it.
        if kr.result_type == KeyResultType.METRIC:
            assert kr.current_value == newest.value
        else:
            assert kr.done == newest.done and newest.value is None
        owner = kr.objective.owner_employee
        expected_author = owner.user_id if owner is not None else None
        assert all(e.author_id == expected_author for e in entries)
    assert checked > 0.8 * krs.count()
    # Some check-ins carry a comment, and the confidence follows progress.
    assert CheckIn.objects.exclude(comment="").exists()
    assert len(set(CheckIn.objects.values_list("confidence", flat=True))) == 3
    assert CheckIn.objects.filter(author__isnull=False).exists()


def test_some_current_key_results_are_stale_so_reminders_have_someone_to_remind(
    demo: tuple[GoalPeriod, GoalPeriod],
) -> None:
    _, current = demo
    cutoff = dt.datetime.combine(TODAY - dt.timedelta(days=14), dt.time(), tzinfo=dt.UTC)
    krs = KeyResult.objects.filter(objective__period=current, objective__scope=Scope.PERSONAL)
    stale = (
        krs.filter(last_check_in_at__lt=cutoff).count()
        + krs.filter(last_check_in_at__isnull=True).count()
    )
    assert 0.05 * krs.count() < stale < 0.5 * krs.count()


def test_previous_period_is_finished_with_a_realistic_spread_of_progress(
    demo: tuple[GoalPeriod, GoalPeriod],
) -> None:
    previous, current = demo
    for period in GoalPeriod.objects.exclude(pk=current.pk):
        statuses = Counter(period.objectives.values_list("status", flat=True))
        assert set(statuses) == {ObjectiveStatus.COMPLETED, ObjectiveStatus.MISSED}
        assert set(period.objectives.values_list("approval", flat=True)) == {Approval.NOT_REQUIRED}
    assert set(current.objectives.values_list("status", flat=True)) == {ObjectiveStatus.ACTIVE}

    def progress(period: GoalPeriod) -> list[float]:
        krs: dict[int, list[KeyResult]] = defaultdict(list)
        for kr in KeyResult.objects.filter(objective__period=period):
            krs[kr.objective_id].append(kr)
        values = [
            weighted_mean((k.progress, float(k.weight)) for k in items) for items in krs.values()
        ]
        return [v for v in values if v is not None]

    finished = progress(previous)
    assert sum(p >= 0.999 for p in finished) > 0.05 * len(finished)
    assert sum(0.6 <= p < 0.999 for p in finished) > 0.3 * len(finished)
    assert sum(p < 0.4 for p in finished) > 0
    # Seven weeks into the quarter goals are part-way: none finished on average.
    ongoing = progress(current)
    mean = sum(ongoing) / len(ongoing)
    assert 0.2 < mean < 0.7


def test_demo_logins_have_goals_this_quarter_and_the_manager_has_one_to_approve(
    demo: tuple[GoalPeriod, GoalPeriod],
) -> None:
    _, current = demo
    employee = Employee.objects.get(user__email="employee@example.com")
    manager = Employee.objects.get(user__email="manager@example.com")
    for person in (employee, manager):
        goals = current.objectives.filter(owner_employee=person)
        assert goals.count() >= 2
        assert goals.filter(key_results__check_ins__author=person.user).exists()
    approvals = Counter(
        current.objectives.filter(scope=Scope.PERSONAL).values_list("approval", flat=True)
    )
    assert approvals[Approval.APPROVED] > approvals[Approval.PENDING] > 0
    waiting = current.objectives.filter(approval=Approval.PENDING, owner_employee__manager=manager)
    assert waiting.exists()


def test_kpis_have_a_year_of_measurements_valid_thresholds_and_mixed_colours(
    demo: tuple[GoalPeriod, GoalPeriod],
) -> None:
    kpis = list(Kpi.objects.all())
    assert sum(k.department_id is not None for k in kpis) >= 8
    assert sum(k.job_profile_id is not None for k in kpis) >= 3
    assert {k.direction for k in kpis} == {Direction.INCREASE, Direction.DECREASE}
    assert {k.frequency for k in kpis} == {Frequency.WEEKLY, Frequency.MONTHLY}
    for kpi in kpis:
        _validate_kpi(kpi)
        days = list(KpiMeasurement.objects.filter(kpi=kpi).values_list("measured_on", flat=True))
        assert len(days) == len(set(days))
        assert (max(days) - min(days)).days >= 365
        assert max(days) <= TODAY
        gap = 7 if kpi.frequency == Frequency.WEEKLY else 31
        assert all(0 < (b - a).days <= gap for a, b in pairwise(days))
    results = summaries(kpis)
    colours = Counter(s.status for s in results)
    assert len(colours) == 3 and colours["green"] > colours["red"]
    assert len({s.trend for s in results}) >= 2


def test_same_seed_and_today_give_the_same_goals() -> None:
    generate_demo_organisation(employees=60, seed=3, today=TODAY)
    first = goal_fingerprint()
    kpis = list(KpiMeasurement.objects.values_list("kpi__name", "measured_on", "value"))
    wipe_organisation()
    generate_demo_organisation(employees=60, seed=3, today=TODAY)
    assert goal_fingerprint() == first
    assert list(KpiMeasurement.objects.values_list("kpi__name", "measured_on", "value")) == kpis
    wipe_organisation()
    generate_demo_organisation(employees=60, seed=4, today=TODAY)
    assert goal_fingerprint() != first


def test_force_regenerates_an_organisation_that_has_goals(settings: object) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    call_command("demo", "--employees", "50", "--seed", "1")
    assert Objective.objects.exists() and KpiMeasurement.objects.exists()
    call_command("demo", "--employees", "70", "--seed", "2", "--force")
    assert Employee.objects.count() == 70
    assert GoalPeriod.objects.count() == 8
    owners = set(
        Objective.objects.exclude(owner_employee=None).values_list("owner_employee", flat=True)
    )
    assert owners <= set(Employee.objects.values_list("id", flat=True))
    # New rows after explicit ids: the sequences moved past them.
    period = GoalPeriod.objects.order_by("starts_on").first()
    assert period is not None
    Objective.objects.create(period=period, scope=Scope.COMPANY, title="Added later")


def test_goal_pages_and_api_show_check_ins_recorded_without_a_login(
    demo: tuple[GoalPeriod, GoalPeriod], client: Client, api: Api
) -> None:
    goal = Objective.objects.filter(scope=Scope.DEPARTMENT, key_results__check_ins__isnull=False)[0]
    hr_admin = User.objects.get(email="hr.admin@example.com")
    client.force_login(hr_admin)
    page = client.get(f"/goals/{goal.pk}/")
    assert page.status_code == 200
    assert re.search(r"(On track|At risk|Off track) · —", page.content.decode())
    body = api.as_(hr_admin).get(f"/api/v1/goals/{goal.pk}/check-ins").json()
    assert body["items"] and all(item["author"] is None for item in body["items"])
    assert {item["confidence"] for item in body["items"]} <= set(Confidence.values)
    assert all(Decimal(str(item["value"])) >= 0 for item in body["items"] if item["value"])
