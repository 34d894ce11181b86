"""The demo organisation's improvement and development plans: two
improvement plans (one active in the demo manager's team, acknowledged, with
check-ins held; one completed successfully last year elsewhere), and
development plans for about one person in six — the demo employee's
approved and under way, one of the demo manager's reports waiting for
approval — with goals on the competencies their job profile expects and
actions of every kind. The same organisation, random state and `today` give
the same records."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import astuple, dataclass

from django.db import connection

from cadence.core.demo_rows import insert_objects
from cadence.core.models import Role, RoleAssignment
from cadence.development import demo_data as data
from cadence.development.models import (
    ActionKind,
    ActionStatus,
    CheckInProgress,
    DevelopmentAction,
    DevelopmentComment,
    DevelopmentGoal,
    DevelopmentPlan,
    DevelopmentPlanStatus,
    ExpectationProgress,
    ImprovementPlan,
    PlanCheckIn,
    PlanExpectation,
    PlanOutcome,
    PlanState,
)
from cadence.jobs.models import Competency, ExpectedProficiency
from cadence.people.models import Employee, EmploymentStatus
from cadence.reviews.demo_setup import Organisation, Person, at

EMPLOYEE_LOGIN = "employee@example.com"
MANAGER_LOGIN = "manager@example.com"
HRBP_LOGIN = "hrbp@example.com"
WITH_PLAN = 1 / 6
APPROVED_STATES = (DevelopmentPlanStatus.APPROVED, DevelopmentPlanStatus.COMPLETED)
# Cumulative shares of the other plans' statuses; the rest are completed.
STATUS_SHARES = (
    (DevelopmentPlanStatus.APPROVED, 0.55),
    (DevelopmentPlanStatus.SUBMITTED, 0.72),
    (DevelopmentPlanStatus.DRAFT, 0.84),
    (DevelopmentPlanStatus.CHANGES_REQUESTED, 0.94),
)


@dataclass
class DemoDevelopment:
    """What the demo development generator made."""

    improvement_plans: int = 0
    expectations: int = 0
    check_ins: int = 0
    development_plans: int = 0
    goals: int = 0
    actions: int = 0
    comments: int = 0

    @property
    def rows(self) -> int:
        return sum(astuple(self))


def wipe_demo_development() -> None:
    """Delete every improvement and development plan, children first."""
    for model in (
        CheckInProgress,
        PlanCheckIn,
        PlanExpectation,
        ImprovementPlan,
        DevelopmentComment,
        DevelopmentAction,
        DevelopmentGoal,
        DevelopmentPlan,
    ):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def generate_demo_development(*, rng: random.Random, today: dt.date) -> DemoDevelopment:
    """Improvement and development plans for the organisation in the
    database (see the module docstring)."""
    builder = _DevelopmentBuilder(rng, today, Organisation.load())
    builder.improvement_plans()
    builder.development_plans()
    return builder.summary


class _DevelopmentBuilder:
    def __init__(self, rng: random.Random, today: dt.date, org: Organisation) -> None:
        self.rng = rng
        self.today = today
        self.org = org
        self.summary = DemoDevelopment()
        self.active = [p for p in org.people.values() if p.status == EmploymentStatus.ACTIVE]
        self.employee_id = org.logins.get(EMPLOYEE_LOGIN)
        self.manager_id = org.logins.get(MANAGER_LOGIN)
        self.expected: dict[int, list[tuple[int, int]]] = {}
        for profile, competency, level in ExpectedProficiency.objects.order_by(
            "job_profile_id", "competency_id"
        ).values_list("job_profile_id", "competency_id", "level"):
            self.expected.setdefault(profile, []).append((competency, level))
        self.competency_names = dict(Competency.objects.values_list("id", "name"))

    def user_of(self, login: str) -> int | None:
        return Employee.objects.filter(user__email=login).values_list("user_id", flat=True).first()

    # -- improvement plans ----------------------------------------------------

    def improvement_plans(self) -> None:
        hr_admin = self.org.hr_admin_user_id
        if hr_admin is None:
            return
        hrbp = (
            RoleAssignment.objects.filter(role=Role.HRBP, user__email=HRBP_LOGIN)
            .values_list("user_id", flat=True)
            .first()
        )
        team = [
            p for p in self.active if p.manager_id == self.manager_id and p.id != self.employee_id
        ]
        if self.manager_id and team:
            # In the demo manager's team, under way: started seven weeks ago.
            self.plan(
                team[-1],
                manager_id=self.manager_id,
                partner=hrbp or hr_admin,
                starts=self.today - dt.timedelta(days=49),
                weeks=12,
                story=data.ACTIVE_PLAN,
            )
        elsewhere = [
            p
            for p in self.active
            if p.manager_id and p.manager_id != self.manager_id and p.id != self.employee_id
        ]
        if elsewhere:
            self.plan(
                elsewhere[len(elsewhere) // 2],
                manager_id=elsewhere[len(elsewhere) // 2].manager_id or 0,
                partner=hr_admin,
                starts=self.today - dt.timedelta(days=330),
                weeks=10,
                story=data.COMPLETED_PLAN,
            )

    def plan(
        self,
        person: Person,
        *,
        manager_id: int,
        partner: int,
        starts: dt.date,
        weeks: int,
        story: data.PlanStory,
    ) -> None:
        ends = starts + dt.timedelta(weeks=weeks)
        completed = ends < self.today
        name = Employee.objects.filter(pk=person.id).values_list("first_name", "last_name").get()
        plan = ImprovementPlan.objects.create(
            employee_id=person.id,
            manager_id=manager_id,
            hr_partner_id=partner,
            state=PlanState.COMPLETED if completed else PlanState.ACTIVE,
            concerns=story.concerns,
            support=story.support,
            starts_on=starts,
            ends_on=ends,
            original_ends_on=ends,
            check_in_every_days=14,
            outcome=PlanOutcome.SUCCESSFUL if completed else "",
            outcome_summary=story.outcome if completed else "",
            acknowledged_name=f"{name[0]} {name[1]}",
            acknowledged_at=at(starts + dt.timedelta(days=2), 14, 10),
            employee_comments=story.employee_comment,
            activated_at=at(starts, 9, 0),
            closed_at=at(ends, 16, 0) if completed else None,
            created_at=at(starts - dt.timedelta(days=5), 10, 0),
        )
        expectations = PlanExpectation.objects.bulk_create(
            [
                PlanExpectation(
                    plan=plan,
                    description=description,
                    success_criterion=criterion,
                    due_on=min(ends, starts + dt.timedelta(weeks=due_week)),
                    progress=ExpectationProgress.MET
                    if completed
                    else (ExpectationProgress.PROGRESSING if i else ExpectationProgress.AT_RISK),
                    position=i,
                )
                for i, (description, criterion, due_week) in enumerate(story.expectations)
            ]
        )
        days = [starts + dt.timedelta(days=d) for d in range(14, (ends - starts).days + 1, 14)]
        check_ins = PlanCheckIn.objects.bulk_create(
            [
                PlanCheckIn(
                    plan=plan,
                    scheduled_on=day,
                    held_on=day if day < self.today else None,
                    notes=self.rng.choice(data.CHECK_IN_NOTES) if day < self.today else "",
                    recorded_by_id=partner if day < self.today else None,
                    recorded_at=at(day, 15, 0) if day < self.today else None,
                )
                for day in days
            ]
        )
        progress = [
            CheckInProgress(
                check_in=check_in,
                expectation=expectation,
                progress=expectation.progress
                if check_in is check_ins[-1] or not completed
                else ExpectationProgress.PROGRESSING,
                comment="",
            )
            for check_in in check_ins
            if check_in.held_on
            for expectation in expectations
        ]
        CheckInProgress.objects.bulk_create(progress)
        self.summary.improvement_plans += 1
        self.summary.expectations += len(expectations)
        self.summary.check_ins += len(check_ins) + len(progress)

    # -- development plans ----------------------------------------------------

    def development_plans(self) -> None:
        rng = self.rng
        year_start = dt.date(self.today.year, 1, 1)
        chosen = [p for p in self.active if p.profile_id and rng.random() < WITH_PLAN]
        waiting = next(
            (
                p
                for p in self.active
                if p.manager_id == self.manager_id and p.id != self.employee_id and p.profile_id
            ),
            None,
        )
        for special in (self.org.people.get(self.employee_id or 0), waiting):
            if special is not None and special.profile_id and special not in chosen:
                chosen.append(special)
        statuses = {p.id: self.status_for(p, waiting) for p in chosen}
        plans = DevelopmentPlan.objects.bulk_create(
            [
                DevelopmentPlan(
                    employee_id=p.id,
                    title=f"Development plan {self.today.year}",
                    starts_on=year_start,
                    ends_on=dt.date(self.today.year, 12, 31),
                    status=statuses[p.id],
                    approved_by_id=self.org.people[p.manager_id].user_id
                    if statuses[p.id] in APPROVED_STATES and p.manager_id
                    else None,
                    approved_at=at(year_start + dt.timedelta(days=30), 10, 0)
                    if statuses[p.id] in APPROVED_STATES
                    else None,
                    created_at=at(year_start + dt.timedelta(days=20), 10, 0),
                )
                for p in chosen
            ],
            batch_size=2000,
        )
        goals: list[DevelopmentGoal] = []
        for plan, person in zip(plans, chosen, strict=True):
            expected = self.expected.get(person.profile_id or 0, [])
            for i, (competency, level) in enumerate(rng.sample(expected, min(2, len(expected)))):
                goals.append(
                    DevelopmentGoal(
                        plan=plan,
                        competency_id=competency,
                        description=rng.choice(data.GOAL_AIMS).format(
                            competency=self.competency_names.get(competency, "this skill")
                        ),
                        current_level=max(1, level - 1),
                        target_level=level,
                        position=i,
                    )
                )
        DevelopmentGoal.objects.bulk_create(goals, batch_size=2000)
        actions: list[DevelopmentAction] = []
        for goal in goals:
            approved = goal.plan.status == DevelopmentPlanStatus.APPROVED
            completed = goal.plan.status == DevelopmentPlanStatus.COMPLETED
            for kind in rng.sample(list(ActionKind.values[:4]), rng.choice((1, 2, 3))):
                due = year_start + dt.timedelta(days=rng.randrange(60, 360))
                done = completed or (approved and due < self.today and rng.random() < 0.7)
                actions.append(
                    DevelopmentAction(
                        goal=goal,
                        kind=kind,
                        title=rng.choice(data.ACTIONS[kind]),
                        due_on=due,
                        status=ActionStatus.DONE
                        if done
                        else (
                            ActionStatus.IN_PROGRESS
                            if approved and rng.random() < 0.4
                            else ActionStatus.PLANNED
                        ),
                        completed_on=due if done else None,
                    )
                )
        insert_objects(DevelopmentAction, actions)
        comments = [
            DevelopmentComment(
                plan=plan,
                author_id=self.org.people[person.manager_id].user_id,
                body=rng.choice(
                    data.CHANGE_REQUESTS
                    if plan.status == DevelopmentPlanStatus.CHANGES_REQUESTED
                    else data.MANAGER_COMMENTS
                ),
                created_at=at(plan.starts_on + dt.timedelta(days=30), 10, 0),
            )
            for plan, person in zip(plans, chosen, strict=True)
            if plan.status
            in (
                DevelopmentPlanStatus.APPROVED,
                DevelopmentPlanStatus.CHANGES_REQUESTED,
                DevelopmentPlanStatus.COMPLETED,
            )
            and person.manager_id
        ]
        DevelopmentComment.objects.bulk_create(comments)
        self.summary.development_plans = len(plans)
        self.summary.goals = len(goals)
        self.summary.actions = len(actions)
        self.summary.comments = len(comments)

    def status_for(self, person: Person, waiting: Person | None) -> str:
        if person.id == self.employee_id:
            return DevelopmentPlanStatus.APPROVED
        if waiting is not None and person.id == waiting.id:
            return DevelopmentPlanStatus.SUBMITTED
        roll = self.rng.random()
        for status, below in STATUS_SHARES:
            if roll < below:
                return status
        return DevelopmentPlanStatus.COMPLETED
