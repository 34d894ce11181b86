"""Who may read an improvement plan, on every way in — the list page, the
plan page, the PDF, the API list and the API detail — and the access-log
row each read writes. Visible: the employee (not while a draft), their
manager chain (direct, skip-level, top), the plan's HR partner and HR admin.
Hidden (404, absent from lists, nothing logged): a peer, another team's
manager, an HRBP who is not the partner, an executive, the auditor and a
login with no place in the organisation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cadence.core.models import AccessLogEntry, User
from cadence.development.models import ImprovementPlan, PlanState
from tests.api_client import Api, ids
from tests.conftest import Org
from tests.development.pip_support import make_plan, partner_of

pytestmark = pytest.mark.django_db

VISIBLE = ["employee", "lead", "manager", "ceo", "partner", "hr_admin"]
HIDDEN = ["peer", "other_manager", "hrbp", "executive", "auditor", "outsider"]


def login_of(org: Org, who: str) -> User:
    if who == "partner":
        return partner_of(org)
    person: Any = getattr(org, who)
    return person if isinstance(person, User) else person.user


def _logged(user: User, plan: ImprovementPlan, context: str) -> list[AccessLogEntry]:
    return list(
        AccessLogEntry.objects.filter(
            actor=user,
            object_type="development.improvementplan",
            object_id=str(plan.pk),
            context=context,
        )
    )


def _reads(client: Client, api: Api, user: User, plan: ImprovementPlan) -> dict[str, Any]:
    client.force_login(user)
    listing = client.get("/development/improvement-plans/")
    api_list = api.as_(user).get("/api/v1/improvement-plans")
    return {
        "list": listing.status_code == 200 and f'data-plan="{plan.pk}"' in listing.text,
        "page": client.get(f"/development/improvement-plans/{plan.pk}/").status_code,
        "pdf": client.get(f"/development/improvement-plans/{plan.pk}/plan.pdf").status_code,
        "api_list": plan.pk in ids(api_list),
        "api": api.as_(user).get(f"/api/v1/improvement-plans/{plan.pk}").status_code,
        "api_check_ins": api.as_(user)
        .get(f"/api/v1/improvement-plans/{plan.pk}/check-ins")
        .status_code,
    }


@pytest.mark.parametrize("who", VISIBLE)
def test_who_may_read_an_active_plan_and_each_read_is_logged(
    org: Org, client: Client, api: Api, who: str
) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    user = login_of(org, who)
    got = _reads(client, api, user, plan)
    assert got == {
        "list": True,
        "page": 200,
        "pdf": 200,
        "api_list": True,
        "api": 200,
        "api_check_ins": 200,
    }
    for context in ("pip.list", "pip.view", "pip.pdf", "pip.api.list"):
        assert len(_logged(user, plan, context)) == 1, context
    # The API detail and the check-in list each write one row.
    assert len(_logged(user, plan, "pip.api")) == 2
    detail = _logged(user, plan, "pip.view")[0]
    assert {"concerns", "expectations", "check_ins", "acknowledged_name"} <= set(detail.fields)


@pytest.mark.parametrize("who", HIDDEN)
def test_nobody_else_reads_it_and_nothing_is_logged(
    org: Org, client: Client, api: Api, who: str
) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    user = login_of(org, who)
    got = _reads(client, api, user, plan)
    assert got == {
        "list": False,
        "page": 404,
        "pdf": 404,
        "api_list": False,
        "api": 404,
        "api_check_ins": 404,
    }
    assert not AccessLogEntry.objects.filter(
        actor=user, object_type="development.improvementplan"
    ).exists()


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("employee", False),
        ("lead", True),
        ("manager", True),
        ("partner", True),
        ("hr_admin", True),
        ("hrbp", False),
    ],
)
def test_a_draft_is_hidden_from_the_employee(
    org: Org, client: Client, api: Api, who: str, visible: bool
) -> None:
    plan = make_plan(org, PlanState.DRAFT)
    user = login_of(org, who)
    client.force_login(user)
    assert client.get(f"/development/improvement-plans/{plan.pk}/").status_code == (
        200 if visible else 404
    )
    assert api.as_(user).get(f"/api/v1/improvement-plans/{plan.pk}").status_code == (
        200 if visible else 404
    )
    assert (plan.pk in ids(api.as_(user).get("/api/v1/improvement-plans"))) is visible


@pytest.mark.parametrize("state", [PlanState.COMPLETED, PlanState.CANCELLED, PlanState.EXTENDED])
def test_the_employee_keeps_reading_it_after_activation(org: Org, api: Api, state: str) -> None:
    plan = make_plan(org, state)
    assert api.as_(org.employee).get(f"/api/v1/improvement-plans/{plan.pk}").status_code == 200


def test_a_manager_does_not_read_their_own_plan_as_manager(org: Org, api: Api) -> None:
    """A plan about the lead: the lead (its subject) reads it once active,
    but the lead's report (employee) never does."""
    plan = make_plan(org, PlanState.DRAFT, employee=org.lead)
    assert api.as_(org.lead).get(f"/api/v1/improvement-plans/{plan.pk}").status_code == 404
    assert api.as_(org.employee).get(f"/api/v1/improvement-plans/{plan.pk}").status_code == 404
    assert api.as_(org.manager).get(f"/api/v1/improvement-plans/{plan.pk}").status_code == 200


def test_a_missing_plan_is_the_same_404(org: Org, client: Client, api: Api) -> None:
    client.force_login(org.hr_admin)
    assert client.get("/development/improvement-plans/999999/").status_code == 404
    assert api.as_(org.hr_admin).get("/api/v1/improvement-plans/999999").status_code == 404
    huge = 2**70
    assert api.as_(org.hr_admin).get(f"/api/v1/improvement-plans/{huge}").status_code == 404
