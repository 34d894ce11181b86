"""The demo organisation's goals: two years of quarters, the one containing
`today` and the seven before it, each with company, department and personal
OKRs and a check-in history for every key result (every two to three weeks
in the last two quarters, about monthly before), and KPIs with a year of
measurements.

Built for the organisation already in the database, in bulk: personal goals
are planned, inserted and let go a chunk of owners at a time, so the work is
linear in the number of employees and memory stays flat. The same
organisation, random state and `today` give the same goals. demo_history
plans the key results and their check-ins, demo_kpis the KPIs, and
demo_data holds the titles and numbers they are drawn from."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import astuple, dataclass
from typing import Any, NamedTuple

from django.db import connection, models

from cadence.core.demo_rows import insert_rows
from cadence.core.models import Role, RoleAssignment
from cadence.goals import demo_data as data
from cadence.goals.demo_data import ObjectiveSpec
from cadence.goals.demo_history import (
    KEY_RESULT_FIELDS,
    DemoPeriod,
    KeyResultHistory,
    PlannedKeyResult,
    insert_check_ins,
)
from cadence.goals.demo_kpis import create_demo_kpis, first_free_id
from cadence.goals.models import (
    Approval,
    CheckIn,
    GoalPeriod,
    KeyResult,
    Kind,
    Kpi,
    KpiMeasurement,
    Objective,
    ObjectiveStatus,
    Scope,
    Visibility,
)
from cadence.goals.progress import Band, band, weighted_mean
from cadence.jobs.models import JobProfile
from cadence.people import demo_data as people_data
from cadence.people.models import Department, Employee, EmploymentStatus

# Quarters of goals: the current one and the seven before it.
QUARTERS = 8
# Days between check-ins (fewest, most) in the current and previous quarter,
# and in the older ones.
RECENT_QUARTERS = 2
RECENT_CHECK_INS = (14, 21)
OLDER_CHECK_INS = (25, 40)
# Owners whose personal goals are built and inserted together.
OWNERS_PER_CHUNK = 2000
REMINDER_DAYS = 14
# How many personal goals people have (none, one, two, three), in percent.
GOALS_PER_PERSON = ((0, 1, 2, 3), (10, 30, 40, 20))
# Where personal goals stand when the period asks for approval: mostly approved.
APPROVALS = (Approval.APPROVED, Approval.PENDING, Approval.CHANGES_REQUESTED)
FAMILY_KEY_BY_NAME = {f.name: f.key for f in people_data.FAMILIES}
# Rows get their ids here (KPIs in demo_kpis), so that goals, key results and
# check-ins are planned in one pass and inserted without reading ids back.
# The caller moves PostgreSQL's sequences past them afterwards.
MODELS_WITH_EXPLICIT_IDS: tuple[type[models.Model], ...] = (Objective, KeyResult, Kpi)


@dataclass
class DemoGoals:
    """What the demo goals generator made."""

    periods: int = 0
    objectives: int = 0
    key_results: int = 0
    check_ins: int = 0
    kpis: int = 0
    measurements: int = 0

    @property
    def rows(self) -> int:
        return sum(astuple(self))


def wipe_demo_goals() -> None:
    """Delete every goal period, goal, key result, check-in and KPI, children
    first, so the organisation they hang off can be deleted after."""
    KpiMeasurement.objects.all().delete()
    Kpi.objects.all().delete()
    # Check-ins, key results and goals go in one statement each: Django's
    # delete() would load every row to look for dependents (5 s at 10,000
    # employees). Nothing else points at them; a model that comes to must be
    # deleted before them here, or the foreign key fails at commit.
    for model in (CheckIn, KeyResult, Objective):
        _delete_all(model)
    GoalPeriod.objects.all().delete()


def generate_demo_goals(*, rng: random.Random, today: dt.date) -> DemoGoals:
    """Goal periods, OKRs with check-ins, and KPIs with measurements for the
    organisation in the database (see the module docstring)."""
    builder = _GoalBuilder(rng, today, _Organisation.load())
    for period in builder.create_periods():
        builder.create_goals(period)
    org = builder.org
    summary = builder.summary
    summary.kpis, summary.measurements = create_demo_kpis(
        rng=rng,
        today=today,
        departments={
            code: pk for pk, (code, _) in org.departments.items() if org.top_level_of[pk] == pk
        },
        profiles=org.profiles,
    )
    return summary


# --- The organisation, as the goals need it ------------------------------------------


@dataclass(frozen=True)
class _Person:
    id: int
    department_id: int
    family: str
    is_manager: bool
    user_id: int | None
    hire_date: dt.date
    status: str


@dataclass
class _Organisation:
    people: list[_Person]
    departments: dict[int, tuple[str, str]]  # id → (code, name)
    top_level_of: dict[int, int | None]  # department → its top-level ancestor; None: the root
    profiles: dict[tuple[str, int], int]  # (family key, level rank) → job profile id
    hr_admin_user_id: int | None

    @classmethod
    def load(cls) -> _Organisation:
        rows = list(
            Employee.objects.order_by("id").values_list(
                "id",
                "department_id",
                "manager_id",
                "job_profile__family__name",
                "user_id",
                "hire_date",
                "status",
            )
        )
        managers = {row[2] for row in rows}
        people = [
            _Person(
                id=pk,
                department_id=dept,
                family=FAMILY_KEY_BY_NAME.get(family or "", "operations"),
                is_manager=pk in managers,
                user_id=user,
                hire_date=hired or dt.date.min,  # no hire date: here all along
                status=status,
            )
            for pk, dept, _, family, user, hired, status in rows
        ]
        parents: dict[int, int | None] = {}
        departments: dict[int, tuple[str, str]] = {}
        for pk, code, name, parent in Department.objects.order_by("id").values_list(
            "id", "code", "name", "parent_id"
        ):
            departments[pk] = (code, name)
            parents[pk] = parent
        top_level_of: dict[int, int | None] = {}
        for pk in departments:
            at = pk
            while (up := parents[at]) is not None and parents[up] is not None:
                at = up
            top_level_of[pk] = at if parents[at] is not None else None
        profiles = {
            (FAMILY_KEY_BY_NAME.get(family, ""), rank): pk
            for pk, family, rank in JobProfile.objects.values_list(
                "id", "family__name", "level__rank"
            )
        }
        hr_admin = (
            RoleAssignment.objects.filter(role=Role.HR_ADMIN)
            .order_by("id")
            .values_list("user_id", flat=True)
            .first()
        )
        return cls(people, departments, top_level_of, profiles, hr_admin)


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date, str]:
    """The calendar quarter containing `day`: first day, last day, name."""
    index = (day.month - 1) // 3
    start = dt.date(day.year, 3 * index + 1, 1)
    following = dt.date(day.year + 1, 1, 1) if index == 3 else dt.date(day.year, 3 * index + 4, 1)
    return start, following - dt.timedelta(days=1), f"{day.year} Q{index + 1}"


class _Goal(NamedTuple):
    """A planned goal, as its children need it."""

    id: int
    title: str


# A goal (the values of OBJECTIVE_FIELDS) with its key results, before insertion.
_Plan = tuple[tuple[Any, ...], list[PlannedKeyResult]]
OBJECTIVE_FIELDS = (
    "id",
    "period_id",
    "scope",
    "owner_employee_id",
    "owner_department_id",
    "title",
    "description",
    "kind",
    "visibility",
    "status",
    "approval",
    "parent_id",
    "created_by_id",
    "created_at",
)


class _GoalBuilder:
    """Plans goals period by period and inserts them in bulk."""

    def __init__(self, rng: random.Random, today: dt.date, org: _Organisation) -> None:
        self.rng = rng
        self.today = today
        self.history = KeyResultHistory(rng, today)
        self.moment = self.history.moment_at
        self.org = org
        self.summary = DemoGoals()
        self.next_ids: dict[type[models.Model], int] = {
            model: first_free_id(model) for model in (Objective, KeyResult)
        }

    def new_id(self, model: type[models.Model]) -> int:
        pk = self.next_ids[model]
        self.next_ids[model] = pk + 1
        return pk

    # -- periods ---------------------------------------------------------------------

    def create_periods(self) -> list[DemoPeriod]:
        """Two years of quarters, oldest first: the past ones finished (no
        approval asked), the current one asking for a manager's approval."""
        start, _, _ = quarter_of(self.today)
        days = [self.today]
        for _ in range(QUARTERS - 1):
            start, _, _ = quarter_of(start - dt.timedelta(days=1))
            days.append(start)
        periods = []
        for day in reversed(days):
            start, end, name = quarter_of(day)
            current = end >= self.today
            closes = start + dt.timedelta(days=21)
            if current:
                # Keep the current window open through the coming weeks (never
                # past the quarter), so people trying the demo can set a goal.
                closes = max(closes, min(end, self.today + dt.timedelta(days=28)))
            periods.append(
                GoalPeriod(
                    name=name,
                    starts_on=start,
                    ends_on=end,
                    setting_opens_on=start - dt.timedelta(days=14),
                    setting_closes_on=closes,
                    requires_approval=current,
                    check_in_reminder_days=REMINDER_DAYS,
                )
            )
        rows = GoalPeriod.objects.bulk_create(periods)
        self.summary.periods += len(rows)
        # The last two quarters have check-ins every two to three weeks; the
        # older ones about monthly (people check in less once the habit
        # fades, and it keeps two years within the demo's time budget).
        recent = len(rows) - RECENT_QUARTERS
        return [
            DemoPeriod(
                r,
                r.starts_on,
                r.ends_on,
                finished=r.ends_on < self.today,
                every=RECENT_CHECK_INS if i >= recent else OLDER_CHECK_INS,
            )
            for i, r in enumerate(rows)
        ]

    # -- objectives --------------------------------------------------------------------

    def create_goals(self, period: DemoPeriod) -> None:
        """Company goals, department goals aligned to them, and personal
        goals aligned to their department's."""
        rng, org = self.rng, self.org
        company_specs = rng.sample(data.COMPANY_OBJECTIVES, rng.randint(3, 4))
        company = [
            self.plan(period, spec, Scope.COMPANY, kind=self.kind(0.25), krs=len(spec.key_results))
            for spec in company_specs
        ]
        self.insert(company)
        company_goals = [_Goal(row[0], row[5]) for row, _ in company]
        by_theme = {
            spec.theme: goal for spec, goal in zip(company_specs, company_goals, strict=True)
        }

        department_plans: list[_Plan] = []
        department_goals: dict[int | None, list[_Goal]] = {None: company_goals}
        for dept_id, (code, name) in org.departments.items():
            pool = data.DEPARTMENT_OBJECTIVES.get(code, ())
            if org.top_level_of[dept_id] != dept_id or not pool:
                continue
            for spec in rng.sample(pool, min(len(pool), rng.randint(2, 3))):
                parent = by_theme.get(spec.theme) or rng.choice(company_goals)
                plan = self.plan(
                    period,
                    spec,
                    Scope.DEPARTMENT,
                    kind=self.kind(0.3),
                    krs=rng.randint(2, 3),
                    department_id=dept_id,
                    parent=parent,
                    description=spec.description or f"How {name} contributes to “{parent.title}”.",
                )
                department_plans.append(plan)
                department_goals.setdefault(dept_id, []).append(_Goal(plan[0][0], plan[0][5]))
        self.insert(department_plans)

        eligible = [p for p in org.people if self.has_goals(p, period)]
        for first in range(0, len(eligible), OWNERS_PER_CHUNK):
            plans: list[_Plan] = []
            for person in eligible[first : first + OWNERS_PER_CHUNK]:
                top = org.top_level_of.get(person.department_id)
                parents = department_goals.get(top) or company_goals
                plans += self.personal_goals(period, person, parents)
            self.insert(plans)

    def has_goals(self, person: _Person, period: DemoPeriod) -> bool:
        """Who sets goals in a period: people there from its start, and in
        the current quarter only those at work (not on leave)."""
        if person.hire_date > period.start:
            return False
        if period.finished:
            return person.status in (EmploymentStatus.ACTIVE, EmploymentStatus.ON_LEAVE)
        return person.status == EmploymentStatus.ACTIVE

    def personal_goals(
        self, period: DemoPeriod, person: _Person, parents: list[_Goal]
    ) -> list[_Plan]:
        """Up to three goals from the person's job family (managers often
        one about their team), each aligned to one of `parents`."""
        rng = self.rng
        count = rng.choices(*GOALS_PER_PERSON)[0]
        if person.user_id is not None:  # the demo logins always have something to show
            count = max(count, 2)
        pool = data.PERSONAL_OBJECTIVES.get(person.family, ())
        specs = rng.sample(pool, min(count, len(pool)))
        # A manager's goals are often about their team rather than their craft.
        if count and person.is_manager and (not pool or rng.random() < 0.6):
            specs = [rng.choice(data.LEADERSHIP_OBJECTIVES), *specs][:count]
        plans = []
        for i, spec in enumerate(specs):
            approval = Approval.NOT_REQUIRED
            if period.row.requires_approval:
                approval = rng.choices(APPROVALS, weights=(86, 10, 4))[0]
                # A demo login's last goal waits, so its manager has one to approve.
                if person.user_id is not None:
                    approval = Approval.PENDING if i == len(specs) - 1 else Approval.APPROVED
            plans.append(
                self.plan(
                    period,
                    spec,
                    Scope.PERSONAL,
                    kind=self.kind(0.25),
                    krs=rng.randint(2, 3),
                    person=person,
                    parent=rng.choice(parents),
                    private=rng.random() < 0.1,
                    approval=approval,
                )
            )
        return plans

    def kind(self, aspirational: float) -> Kind:
        return Kind.ASPIRATIONAL if self.rng.random() < aspirational else Kind.COMMITTED

    def plan(
        self,
        period: DemoPeriod,
        spec: ObjectiveSpec,
        scope: Scope,
        *,
        kind: Kind,
        krs: int,
        person: _Person | None = None,
        department_id: int | None = None,
        parent: _Goal | None = None,
        private: bool = False,
        approval: Approval = Approval.NOT_REQUIRED,
        description: str = "",
    ) -> _Plan:
        """A goal with its key results and their check-in histories, its
        status following from the progress they reached."""
        rng = self.rng
        opened = period.row.setting_opens_on or period.start
        created = opened + dt.timedelta(days=int(rng.random() * 19))
        created = min(created, period.start + dt.timedelta(days=4), self.today - dt.timedelta(1))
        pace = self.pace(period)
        stale = not period.finished and rng.random() < 0.18
        author = person.user_id if person else None
        chosen = sorted(rng.sample(range(len(spec.key_results)), min(krs, len(spec.key_results))))
        aspirational = kind == Kind.ASPIRATIONAL
        objective_id = self.new_id(Objective)
        key_results = [
            self.history.key_result(
                period,
                spec.key_results[i],
                kr_id=self.new_id(KeyResult),
                objective_id=objective_id,
                pace=max(0.0, pace + rng.gauss(0, 0.1)),
                created=created,
                stale=stale or rng.random() < 0.05,
                aspirational=aspirational,
                author_id=author,
            )
            for i in chosen
        ]
        status = ObjectiveStatus.ACTIVE.value
        if period.finished:
            progress = weighted_mean((kr.progress, float(kr.weight)) for kr in key_results)
            reached = band(progress, aspirational=aspirational) == Band.GREEN
            status = (ObjectiveStatus.COMPLETED if reached else ObjectiveStatus.MISSED).value
        objective = (
            objective_id,
            period.row.pk,
            scope.value,
            person.id if person else None,
            department_id,
            spec.title,
            description or spec.description,
            kind.value,
            (Visibility.PRIVATE if private else Visibility.PUBLIC).value,
            status,
            approval.value,
            parent.id if parent else None,
            author if person else self.org.hr_admin_user_id,
            self.moment(created, 10, 0),
        )
        return objective, key_results

    def pace(self, period: DemoPeriod) -> float:
        """The share of its target a goal reaches by the end of the period:
        last quarter's spread (a few hit, most land at 60–90%, some fall
        short), or this quarter's expectation."""
        rng = self.rng
        if not period.finished:
            return min(1.3, max(0.1, rng.gauss(0.95, 0.25)))
        roll = rng.random()
        if roll < 0.2:
            return rng.uniform(1.0, 1.12)
        if roll < 0.7:
            return rng.uniform(0.6, 0.95)
        if roll < 0.9:
            return rng.uniform(0.3, 0.6)
        return rng.uniform(0.0, 0.3)

    def insert(self, plans: list[_Plan]) -> None:
        """Goals, then their key results, then the check-ins."""
        summary = self.summary
        summary.objectives += insert_rows(Objective, OBJECTIVE_FIELDS, [row for row, _ in plans])
        summary.key_results += insert_rows(
            KeyResult, KEY_RESULT_FIELDS, [kr.row for _, krs in plans for kr in krs]
        )
        summary.check_ins += insert_check_ins(
            c for _, krs in plans for kr in krs for c in kr.history
        )


# --- Small helpers --------------------------------------------------------------------


def _delete_all(model: type[models.Model]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


__all__ = [
    "MODELS_WITH_EXPLICIT_IDS",
    "DemoGoals",
    "generate_demo_goals",
    "quarter_of",
    "wipe_demo_goals",
]
