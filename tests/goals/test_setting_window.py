"""The goal-setting window: outside it only HR sets new goals, through the
service, the form and the API alike; and the window's own validation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cadence.goals import services
from cadence.goals.models import GoalPeriod, Objective
from tests.conftest import Org, fresh
from tests.factories import GoalPeriodFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

OPENS, CLOSES = dt.date(2026, 12, 15), dt.date(2027, 1, 21)


def windowed(name: str = "2027 Q1") -> GoalPeriod:
    return GoalPeriodFactory(name=name, setting_opens_on=OPENS, setting_closes_on=CLOSES)


def create(org: Org, actor: object, period: GoalPeriod, day: dt.date) -> Objective:
    return services.create_objective(
        actor=actor,  # type: ignore[arg-type]
        today=day,
        period=period,
        owner_employee=org.employee,
        title="Cut onboarding time",
    )


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (OPENS - dt.timedelta(days=1), False),
        (OPENS, True),
        (CLOSES, True),
        (CLOSES + dt.timedelta(days=1), False),
    ],
)
def test_owner_and_manager_set_goals_only_inside_the_window(
    org: Org, day: dt.date, open_: bool
) -> None:
    period = windowed()
    for actor in (org.employee.user, org.lead.user):
        if open_:
            assert create(org, fresh(actor), period, day).pk
        else:
            with pytest.raises(ValidationError) as caught:
                create(org, fresh(actor), period, day)
            message = caught.value.message_dict["period"][0]
            assert "15 Dec 2026" in message and "21 Jan 2027" in message
    assert Objective.objects.count() == (2 if open_ else 0)


@pytest.mark.parametrize("who", ["hr_admin", "hrbp"])
def test_hr_sets_goals_outside_the_window(org: Org, who: str) -> None:
    period = windowed()
    late = CLOSES + dt.timedelta(days=30)
    assert create(org, getattr(org, who), period, late).pk  # hrbp: Engineering covers Platform


def test_hrbp_outside_scope_is_not_let_through_by_the_window_rule(org: Org) -> None:
    period = windowed()
    with pytest.raises(PermissionDenied):
        services.create_objective(
            actor=org.hrbp,
            today=CLOSES + dt.timedelta(days=1),
            period=period,
            owner_employee=org.salesperson,
            title="Sell more",
        )


def test_period_without_window_is_always_open(org: Org) -> None:
    period = GoalPeriodFactory(name="FY2027")
    assert create(org, org.employee.user, period, dt.date(2030, 1, 1)).pk


def test_moving_a_goal_into_a_closed_period_is_refused(org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee, period=GoalPeriodFactory(name="Open"))
    closed = windowed("Closed")
    with pytest.raises(ValidationError) as caught:
        services.update_objective(
            actor=org.employee.user, objective=goal, today=dt.date(2027, 3, 1), period=closed
        )
    assert "period" in caught.value.message_dict
    goal.refresh_from_db()
    assert goal.period.name == "Open"
    # Other edits to a goal already in a closed period stay possible.
    goal.period = closed
    goal.save()
    services.update_objective(
        actor=org.employee.user, objective=goal, today=dt.date(2027, 3, 1), title="Renamed"
    )
    goal.refresh_from_db()
    assert goal.title == "Renamed"


def test_form_shows_the_window_on_the_period_field(client: Client, org: Org) -> None:
    period = GoalPeriodFactory(
        name="Long closed",
        starts_on=dt.date(2020, 1, 1),
        ends_on=dt.date(2020, 3, 31),
        setting_opens_on=dt.date(2019, 12, 1),
        setting_closes_on=dt.date(2020, 1, 15),
    )
    client.force_login(org.employee.user)
    resp = client.post(
        "/goals/new/",
        {
            "title": "Late goal",
            "period": period.pk,
            "scope": "personal",
            "kind": "committed",
            "visibility": "public",
            "weight": "1",
        },
    )
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Goal setting for Long closed is open from 1 Dec 2019 to 15 Jan 2020" in body
    assert not Objective.objects.filter(title="Late goal").exists()
    mine = client.get("/goals/", {"period": period.pk}).content.decode()
    assert "only HR can set new goals" in mine


def test_api_answers_422_on_period(api: object, org: Org) -> None:
    period = GoalPeriodFactory(
        name="Past",
        starts_on=dt.date(2020, 1, 1),
        ends_on=dt.date(2020, 3, 31),
        setting_closes_on=dt.date(2020, 1, 15),
    )
    resp = api.as_(org.employee).post(  # type: ignore[attr-defined]
        "/api/v1/goals",
        {"period": period.pk, "owner_employee": org.employee.pk, "title": "Too late"},
    )
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == ["period"]
    assert not Objective.objects.exists()


@pytest.mark.parametrize(
    ("opens", "closes", "field"),
    [
        (dt.date(2027, 1, 20), dt.date(2027, 1, 10), "setting_closes_on"),
        (None, dt.date(2027, 4, 30), "setting_closes_on"),
    ],
)
def test_window_must_be_ordered_and_inside_the_period(
    org: Org, opens: dt.date | None, closes: dt.date, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.save_period(
            actor=org.hr_admin,
            name="2027 Q1",
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2027, 3, 31),
            setting_opens_on=opens,
            setting_closes_on=closes,
        )
    assert field in caught.value.message_dict
    assert not GoalPeriod.objects.exists()
