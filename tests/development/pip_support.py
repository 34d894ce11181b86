"""Helpers for the improvement-plan tests: the plan's HR partner (a second
HRBP over Engineering, so that the fixture's `hrbp` is an HRBP who is NOT
the partner) and plans brought to any state through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cadence.core.models import Role, User
from cadence.development import services_pips as services
from cadence.development.models import ImprovementPlan, PlanOutcome, PlanState
from cadence.people.models import Employee
from tests.conftest import Org
from tests.factories import EmployeeFactory, UserFactory, grant

CONCERNS = "Missed four of six sprint commitments in Q1; code reviews left for over a week."


def partner_of(org: Org) -> User:
    """The HR partner of the plans made here (created once per test)."""
    found = User.objects.filter(email="partner@example.com").first()
    if found is not None:
        return found
    user: User = UserFactory.create(email="partner@example.com", display_name="Petra Partner")
    grant(user, Role.HRBP, org.engineering)
    return user


def expectation(n: int = 1, due_in: int = 30, start: dt.date | None = None) -> Any:
    start = start or timezone.localdate() - dt.timedelta(days=7)
    return services.ExpectationInput(
        description=f"Deliver committed sprint work ({n})",
        success_criterion="At least 90% of committed points delivered in each sprint",
        due_on=start + dt.timedelta(days=due_in),
    )


def open_draft(
    org: Org,
    *,
    employee: Employee | None = None,
    actor: User | None = None,
    expectations: int = 1,
    starts_on: dt.date | None = None,
    days: int = 60,
    every: int = 14,
    hr_partner: User | None = None,
) -> ImprovementPlan:
    employee = employee or org.employee
    start = starts_on or timezone.localdate() - dt.timedelta(days=7)
    return services.open_plan(
        actor=actor or user_of(org.manager),
        employee=employee,
        hr_partner=hr_partner or partner_of(org),
        concerns=CONCERNS,
        support="Weekly pairing with a senior engineer; a course on estimation.",
        starts_on=start,
        ends_on=start + dt.timedelta(days=days),
        check_in_every_days=every,
        expectations=[expectation(i + 1, start=start) for i in range(expectations)],
    )


def make_plan(org: Org, state: str = PlanState.ACTIVE, **kwargs: Any) -> ImprovementPlan:
    """A plan for `org.employee` (by default) in `state`, reached the way a
    manager would reach it."""
    plan = open_draft(org, **kwargs)
    actor = user_of(org.manager)
    if state == PlanState.DRAFT:
        return plan
    if state == PlanState.CANCELLED:
        return services.cancel(actor=actor, plan=plan, reason="Opened by mistake.")
    plan = services.activate(actor=actor, plan=plan)
    if state == PlanState.EXTENDED:
        plan = services.extend(
            actor=actor,
            plan=plan,
            ends_on=plan.ends_on + dt.timedelta(days=30),
            reason="Progress is real but slower than planned.",
        )
    elif state == PlanState.COMPLETED:
        plan = services.complete(
            actor=actor,
            plan=plan,
            outcome=PlanOutcome.SUCCESSFUL,
            summary="All expectations met.",
        )
    return plan


def team_of(org: Org, size: int) -> list[Employee]:
    """`size` more people reporting to `org.lead`, in Platform."""
    people: list[Employee] = [
        EmployeeFactory.create(
            user=UserFactory.create(),
            manager=org.lead,
            department=org.platform,
            last_name=f"Member{n}",
        )
        for n in range(size)
    ]
    return people


def user_of(who: Employee | User) -> User:
    """The login of a person of the `org` fixture (all of them have one)."""
    if isinstance(who, User):
        return who
    assert who.user is not None
    return who.user
