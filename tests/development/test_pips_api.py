"""/api/v1/improvement-plans: open, read, edit a draft, move it on, record
and list check-ins. Not visible → 404; visible but not allowed → 403; bad
input or an illegal move → 422 naming the field; stale version → 409."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cadence.development.models import ImprovementPlan, PlanState
from tests.api_client import Api, ids
from tests.conftest import Org
from tests.development.pip_support import CONCERNS, make_plan, partner_of, user_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/improvement-plans"


def _body(org: Org, **overrides: Any) -> dict[str, Any]:
    start = timezone.localdate()
    body = {
        "employee": org.employee.pk,
        "hr_partner": partner_of(org).pk,
        "concerns": CONCERNS,
        "support": "Pairing",
        "starts_on": start.isoformat(),
        "ends_on": (start + dt.timedelta(days=60)).isoformat(),
        "check_in_every_days": 14,
        "expectations": [
            {
                "description": "Ship committed work",
                "success_criterion": "90% of points",
                "due_on": (start + dt.timedelta(days=30)).isoformat(),
            }
        ],
    }
    body.update(overrides)
    return body


def _errors(resp: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in resp.json()["errors"]}


def test_open_activate_and_read(org: Org, api: Api) -> None:
    resp = api.as_(org.lead).post(URL, _body(org))
    assert resp.status_code == 201, resp.content
    plan = resp.json()
    assert plan["state"] == "draft"
    assert plan["manager"]["id"] == org.lead.pk
    assert plan["hr_partner"]["id"] == partner_of(org).pk
    assert plan["expectations"][0]["progress"] == "not_started"
    assert plan["allowed_moves"] == ["active", "cancelled"]
    assert plan["check_ins"] == []
    moved = api.as_(org.lead).post(f"{URL}/{plan['id']}/transitions", {"to": "active"})
    assert moved.status_code == 200, moved.content
    body = moved.json()
    assert body["state"] == "active"
    assert len(body["check_ins"]) == 5
    assert body["activated_at"]
    assert api.as_(org.employee).get(f"{URL}/{plan['id']}").json()["concerns"] == CONCERNS


@pytest.mark.parametrize(
    ("who", "status"), [("peer", 403), ("other_manager", 403), ("employee", 403)]
)
def test_open_refused_outside_the_chain(org: Org, api: Api, who: str, status: int) -> None:
    assert api.as_(getattr(org, who)).post(URL, _body(org)).status_code == status


def test_open_checks_input(org: Org, api: Api) -> None:
    bad = api.as_(org.manager).post(URL, _body(org, hr_partner=org.executive.pk))
    assert bad.status_code == 422
    assert "HR business partner" in _errors(bad)["hr_partner"]
    unknown = api.as_(org.manager).post(URL, _body(org, employee=999_999))
    assert unknown.status_code == 422
    assert "employee" in _errors(unknown)
    outsider = api.as_(org.outsider).post(URL, _body(org))
    assert outsider.status_code == 422  # the employee is not theirs to see
    late = _body(org)
    late["expectations"][0]["due_on"] = "2099-01-01"
    resp = api.as_(org.manager).post(URL, late)
    assert resp.status_code == 422
    assert "within the plan" in _errors(resp)["expectations.0.due_on"]
    assert api.as_(org.manager).post(URL, _body(org, concerns="")).status_code == 422
    assert not ImprovementPlan.objects.exists()


def test_patch_a_draft(org: Org, api: Api) -> None:
    plan = make_plan(org, PlanState.DRAFT)
    first = plan.expectations.get()
    resp = api.as_(org.manager).patch(
        f"{URL}/{plan.pk}",
        {
            "support": "A mentor",
            "version": plan.version,
            "expectations": [
                {
                    "id": first.pk,
                    "description": "Changed",
                    "success_criterion": "Measured",
                    "due_on": first.due_on.isoformat(),
                },
                {
                    "description": "Added",
                    "success_criterion": "Measured",
                    "due_on": first.due_on.isoformat(),
                },
            ],
        },
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["support"] == "A mentor"
    assert [e["description"] for e in body["expectations"]] == ["Changed", "Added"]
    assert body["expectations"][0]["id"] == first.pk
    stale = api.as_(org.lead).patch(f"{URL}/{plan.pk}", {"support": "x", "version": plan.version})
    assert stale.status_code == 409
    assert api.as_(org.employee).patch(f"{URL}/{plan.pk}", {"support": "x"}).status_code == 404
    assert api.as_(org.peer).patch(f"{URL}/{plan.pk}", {"support": "x"}).status_code == 404


def test_patch_after_activation_is_refused(org: Org, api: Api) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    resp = api.as_(org.manager).patch(f"{URL}/{plan.pk}", {"support": "x"})
    assert resp.status_code == 422
    assert "only a draft can be edited" in _errors(resp)["state"]
    assert api.as_(org.employee).patch(f"{URL}/{plan.pk}", {"support": "x"}).status_code == 403


def test_illegal_transitions_are_422_with_the_state(org: Org, api: Api) -> None:
    draft = make_plan(org, PlanState.DRAFT)
    resp = api.as_(org.manager).post(
        f"{URL}/{draft.pk}/transitions",
        {"to": "completed", "outcome": "successful", "summary": "x"},
    )
    assert resp.status_code == 422
    assert _errors(resp)["state"].startswith("This plan is draft; it cannot move to completed.")
    done = make_plan(org, PlanState.COMPLETED, employee=org.peer)
    resp = api.as_(org.manager).post(f"{URL}/{done.pk}/transitions", {"to": "active"})
    assert resp.status_code == 422
    assert "closed" in _errors(resp)["state"]
    assert api.as_(org.manager).post(f"{URL}/{done.pk}/transitions", {"to": "x"}).status_code == 422


def test_transition_inputs_and_permissions(org: Org, api: Api) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    url = f"{URL}/{plan.pk}/transitions"
    assert api.as_(org.employee).post(url, {"to": "cancelled", "reason": "x"}).status_code == 403
    assert api.as_(org.hrbp).post(url, {"to": "cancelled", "reason": "x"}).status_code == 404
    missing = api.as_(org.manager).post(url, {"to": "extended"})
    assert missing.status_code == 422
    assert {"ends_on", "reason"} <= set(_errors(missing))
    new_end = (plan.ends_on + dt.timedelta(days=14)).isoformat()
    resp = api.as_(partner_of(org)).post(
        url, {"to": "extended", "ends_on": new_end, "reason": "Slow"}
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["state"] == "extended"
    assert resp.json()["original_ends_on"] == plan.ends_on.isoformat()
    resp = api.as_(org.hr_admin).post(
        url, {"to": "completed", "outcome": "unsuccessful", "summary": "Not met."}
    )
    assert resp.status_code == 200
    assert resp.json()["outcome"] == "unsuccessful"
    assert resp.json()["allowed_moves"] == []


def test_check_ins(org: Org, api: Api) -> None:
    plan = make_plan(org, PlanState.ACTIVE, expectations=2)
    url = f"{URL}/{plan.pk}/check-ins"
    listed = api.as_(org.employee).get(url)
    assert listed.status_code == 200
    assert listed.json()["count"] == plan.check_ins.count()
    first = listed.json()["items"][0]
    assert first["held_on"] is None
    expectations = list(plan.expectations.all())
    body = {
        "check_in_id": first["id"],
        "held_on": timezone.localdate().isoformat(),
        "notes": "Reviewed both",
        "progress": [
            {"expectation_id": expectations[0].pk, "progress": "met"},
            {"expectation_id": expectations[1].pk, "progress": "at_risk", "comment": "Late"},
        ],
    }
    assert api.as_(org.employee).post(url, body).status_code == 403
    assert api.as_(org.peer).post(url, body).status_code == 404
    resp = api.as_(org.manager).post(url, body)
    assert resp.status_code == 201, resp.content
    saved = resp.json()
    assert saved["id"] == first["id"]
    assert saved["recorded_by"]["id"] == user_of(org.manager).pk
    assert {p["progress"] for p in saved["progress"]} == {"met", "at_risk"}
    detail = api.as_(org.employee).get(f"{URL}/{plan.pk}").json()
    assert [e["progress"] for e in detail["expectations"]] == ["met", "at_risk"]
    again = api.as_(org.manager).post(url, body)
    assert again.status_code == 422
    assert "already recorded" in _errors(again)["check_in"]
    bad = dict(body, check_in_id=999_999)
    assert "check_in_id" in _errors(api.as_(org.manager).post(url, bad))


def test_list_filters(org: Org, api: Api) -> None:
    active = make_plan(org, PlanState.ACTIVE)
    draft = make_plan(org, PlanState.DRAFT, employee=org.peer)
    sales = make_plan(
        org,
        PlanState.DRAFT,
        employee=org.salesperson,
        actor=user_of(org.other_manager),
        hr_partner=org.hr_admin,
    )
    admin = api.as_(org.hr_admin)
    assert set(ids(admin.get(URL))) == {active.pk, draft.pk, sales.pk}
    assert ids(admin.get(URL, state="active")) == [active.pk]
    assert set(ids(admin.get(URL, department=org.engineering.pk))) == {active.pk, draft.pk}
    assert ids(admin.get(URL, q="pat")) == [draft.pk]
    assert admin.get(URL, state="nonsense").status_code == 422
    assert set(ids(api.as_(org.manager).get(URL))) == {active.pk, draft.pk}
    assert ids(api.as_(org.employee).get(URL)) == [active.pk]
