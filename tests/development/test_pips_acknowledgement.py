"""The employee's acknowledgement: an e-signature made of the name they
type (it must be their name; case and extra spaces do not matter), the
time and the login. Only the employee, only while the plan runs, once.
Their comments are kept and audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.development import services_pips_record as services
from cadence.development.models import PlanState
from tests.api_client import Api
from tests.conftest import Org
from tests.development.pip_support import make_plan, partner_of, user_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["Emma Employee", "  emma   EMPLOYEE ", "EMMA EMPLOYEE"])
def test_the_employee_signs_with_their_name(org: Org, typed: str) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    signed = services.acknowledge(
        actor=user_of(org.employee), plan=plan, name=typed, comments=" I disagree with point 2. "
    )
    assert signed.acknowledged_name == " ".join(typed.split())
    assert signed.acknowledged_at is not None
    assert signed.acknowledged_by == user_of(org.employee)
    assert signed.employee_comments == "I disagree with point 2."
    entry = AuditEntry.objects.get(action="pip.acknowledge", object_id=str(plan.pk))
    assert entry.actor == user_of(org.employee)
    assert entry.after["acknowledged_name"] == signed.acknowledged_name
    assert entry.after["acknowledged_by"] == user_of(org.employee).pk


def test_preferred_name_is_accepted_as_well_as_the_legal_one(org: Org) -> None:
    org.employee.preferred_name = "Em"
    org.employee.save()
    plan = make_plan(org, PlanState.ACTIVE)
    assert services.names_match("em employee", plan.employee)
    assert services.names_match("Emma Employee", plan.employee)
    assert not services.names_match("Emma", plan.employee)


@pytest.mark.parametrize("typed", ["", "Emma", "Emma Employe", "Pat Peer", "Emma  Employee x"])
def test_a_wrong_name_is_refused(org: Org, typed: str) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    with pytest.raises(ValidationError) as caught:
        services.acknowledge(actor=user_of(org.employee), plan=plan, name=typed)
    assert "must match your full name" in caught.value.message_dict["name"][0]
    plan.refresh_from_db()
    assert plan.acknowledged_at is None


@pytest.mark.parametrize("who", ["lead", "manager", "hr_admin", "partner", "peer"])
def test_nobody_else_signs(org: Org, who: str) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    actor = partner_of(org) if who == "partner" else getattr(org, who)
    with pytest.raises(PermissionDenied):
        services.acknowledge(actor=getattr(actor, "user", actor), plan=plan, name="Emma Employee")


def test_once_only_even_after_an_extension(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    services.acknowledge(actor=user_of(org.employee), plan=plan, name="Emma Employee")
    with pytest.raises(ValidationError) as caught:
        services.acknowledge(actor=user_of(org.employee), plan=plan, name="Emma Employee")
    assert "You acknowledged this plan on" in caught.value.message_dict["name"][0]
    plan = make_plan(org, PlanState.EXTENDED, employee=org.peer)
    services.acknowledge(actor=user_of(org.peer), plan=plan, name="Pat Peer")


@pytest.mark.parametrize("state", [PlanState.COMPLETED, PlanState.CANCELLED])
def test_not_once_closed(org: Org, state: str) -> None:
    plan = make_plan(org, state)
    with pytest.raises(ValidationError) as caught:
        services.acknowledge(actor=user_of(org.employee), plan=plan, name="Emma Employee")
    assert "only while the plan is active or extended" in caught.value.message_dict["state"][0]


def test_comments_are_kept_and_audited(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    services.set_employee_comments(actor=user_of(org.employee), plan=plan, comments="First")
    services.set_employee_comments(actor=user_of(org.employee), plan=plan, comments="Second")
    plan.refresh_from_db()
    assert plan.employee_comments == "Second"
    entries = AuditEntry.objects.filter(action="pip.comment").order_by("id")
    assert [e.after["employee_comments"] for e in entries] == ["First", "Second"]
    assert entries[1].before["employee_comments"] == "First"
    with pytest.raises(PermissionDenied):
        services.set_employee_comments(actor=user_of(org.lead), plan=plan, comments="Not mine")


# --- through the API and the page -------------------------------------------------------------


def test_api_acknowledge(org: Org, api: Api) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    url = f"/api/v1/improvement-plans/{plan.pk}/acknowledge"
    wrong = api.as_(org.employee).post(url, {"name": "Someone Else"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "name"
    assert api.as_(org.lead).post(url, {"name": "Emma Employee"}).status_code == 403
    assert api.as_(org.peer).post(url, {"name": "Emma Employee"}).status_code == 404
    resp = api.as_(org.employee).post(url, {"name": "emma employee", "comments": "Noted."})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["acknowledged"] is True
    assert body["acknowledgement"]["name"] == "emma employee"
    assert body["acknowledgement"]["user_id"] == user_of(org.employee).pk
    assert body["acknowledgement"]["at"]
    assert body["employee_comments"] == "Noted."
    assert api.as_(org.employee).post(url, {"name": "Emma Employee"}).status_code == 422


def test_page_acknowledge(org: Org, client: Client) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    detail = f"/development/improvement-plans/{plan.pk}/"
    client.force_login(user_of(org.lead))
    assert "Type your full name to sign" not in client.get(detail).text
    client.force_login(user_of(org.employee))
    page = client.get(detail).text
    assert "Type your full name to sign" in page
    assert 'name="name"' in page
    url = f"/development/improvement-plans/{plan.pk}/acknowledge/"
    wrong = client.post(url, {"name": "Emma"})
    assert wrong.status_code == 400
    assert "must match your full name" in wrong.text
    done = client.post(url, {"name": "Emma Employee", "comments": "Read it."}, follow=True)
    assert done.status_code == 200
    assert "You have acknowledged the plan." in done.text
    assert "Signed by <strong>Emma Employee</strong>" in done.text
    assert "Type your full name to sign" not in done.text
    client.force_login(user_of(org.lead))
    assert client.post(url, {"name": "Emma Employee"}).status_code == 403
