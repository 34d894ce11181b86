"""/api/v1/succession-plans: plans (a critical role with its successors and
bench strength), their successors, errors (404 / 403 / 409 / 422 with
field messages, never 500) and query budgets."""

from __future__ import annotations

from typing import Any

import pytest

from cadence.core.models import AuditEntry
from cadence.talent.models import CriticalRole, Readiness, Successor
from tests.api_client import ids
from tests.factories import EmployeeFactory, JobProfileFactory
from tests.talent.succession_support import make_role, name_successor

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/succession-plans"


def _fields(response: Any) -> dict[str | None, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_create_read_update_delete(api: Any, org: Any) -> None:
    hrbp = api.as_(org.hrbp)
    created = hrbp.post(
        PLANS,
        {"title": "Platform lead", "incumbent": org.lead.pk, "risk_of_loss": "high"},
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["department"] == {"id": org.platform.pk, "name": "Platform"}
    assert plan["incumbent"]["id"] == org.lead.pk
    assert plan["bench"] == {
        "ready_now": 0,
        "ready_1_2_years": 0,
        "ready_3_plus_years": 0,
        "total": 0,
        "strength": "none",
        "label": "No successors",
    }
    url = f"{PLANS}/{plan['id']}"
    patched = hrbp.patch(url, {"version": plan["version"], "impact_of_loss": "medium"})
    assert patched.status_code == 200
    assert patched.json()["impact_of_loss"] == "medium"
    stale = hrbp.patch(url, {"version": plan["version"], "title": "Late"})
    assert stale.status_code == 409
    assert "version" in _fields(stale)
    assert hrbp.client.delete(f"{url}?version={plan['version']}").status_code == 409
    deleted = hrbp.client.delete(f"{url}?version={patched.json()['version']}")
    assert deleted.status_code == 204
    assert not CriticalRole.objects.exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="critical_role.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["critical_role.create", "critical_role.update", "critical_role.delete"]


def test_create_validation_errors(api: Any, org: Any) -> None:
    admin = api.as_(org.hr_admin)
    profile: Any = JobProfileFactory()
    no_department = admin.post(PLANS, {"title": "Engineers", "job_profile": profile.pk})
    assert no_department.status_code == 422
    assert _fields(no_department)["department"].startswith("Choose the department")
    both = admin.post(PLANS, {"title": "Both", "job_profile": profile.pk, "incumbent": org.lead.pk})
    assert "not both" in _fields(both)["incumbent"]
    unknown = admin.post(PLANS, {"title": "Ghost", "incumbent": 987654})
    assert _fields(unknown)["incumbent"] == "There is no incumbent with id 987654."
    bad = admin.post(PLANS, {"title": "", "incumbent": org.lead.pk, "risk_of_loss": "extreme"})
    assert bad.status_code == 422
    assert {"title", "risk_of_loss"} <= set(_fields(bad))
    huge = admin.get(f"{PLANS}/{2**70}")
    assert huge.status_code in (404, 422)
    assert not CriticalRole.objects.exists()


def test_successors_through_the_api(api: Any, org: Any) -> None:
    role = make_role(incumbent=org.lead)
    hrbp = api.as_(org.hrbp)
    base = f"{PLANS}/{role.pk}/successors"
    added = hrbp.post(base, {"employee": org.employee.pk, "readiness": "ready_now"})
    assert added.status_code == 201, added.content
    successor = added.json()
    assert successor["employee"] == {"id": org.employee.pk, "name": "Emma Employee"}
    again = hrbp.post(base, {"employee": org.employee.pk, "readiness": "ready_now"})
    assert again.status_code == 422
    assert _fields(again)["employee"] == "Emma Employee is already a successor for this role."
    holder = hrbp.post(base, {"employee": org.lead.pk, "readiness": "ready_now"})
    assert _fields(holder)["employee"] == "Lee Lead holds this position: choose someone else."
    wrong = hrbp.post(base, {"employee": org.peer.pk, "readiness": "someday"})
    assert wrong.status_code == 422 and "readiness" in _fields(wrong)

    patched = hrbp.patch(f"{base}/{successor['id']}", {"readiness": "1_2_years", "notes": None})
    assert patched.status_code == 200
    assert patched.json()["readiness"] == "1_2_years"
    plan = hrbp.get(f"{PLANS}/{role.pk}").json()
    assert plan["bench"]["strength"] == "at_risk"
    assert [s["id"] for s in plan["successors"]] == [successor["id"]]

    other = make_role(incumbent=org.peer)
    assert hrbp.patch(f"{PLANS}/{other.pk}/successors/{successor['id']}", {}).status_code == 404
    assert hrbp.client.delete(f"{base}/{successor['id']}").status_code == 204
    assert not Successor.objects.exists()


def test_list_filters(api: Any, org: Any) -> None:
    strong = make_role(incumbent=org.lead, title="Strong", risk="high")
    name_successor(strong, org.employee)
    name_successor(strong, org.peer)
    weak = make_role(org.engineering, incumbent=org.manager, title="Weak", impact="low")
    admin = api.as_(org.hr_admin)
    assert ids(admin.get(PLANS)) == [strong.pk, weak.pk]
    assert ids(admin.get(PLANS, bench="strong")) == [strong.pk]
    assert ids(admin.get(PLANS, impact="low")) == [weak.pk]
    assert ids(admin.get(PLANS, risk="high")) == [strong.pk]
    assert ids(admin.get(PLANS, q="weak")) == [weak.pk]
    assert ids(admin.get(PLANS, department=org.platform.pk)) == [strong.pk]
    item = admin.get(PLANS, bench="strong").json()["items"][0]
    assert item["bench"]["label"] == "Strong: 2+ ready now"
    assert len(item["successors"]) == 2
    assert admin.get(PLANS, bench="great").status_code == 422


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_budget(
    api: Any, org: Any, django_assert_max_num_queries: Any, size: int
) -> None:
    people = EmployeeFactory.create_batch(size + 2, department=org.platform)
    for n in range(size):
        role = make_role(incumbent=people[n], title=f"Role {n:03d}")
        name_successor(role, people[n + 1], Readiness.READY_NOW)
        name_successor(role, people[n + 2], Readiness.THREE_PLUS_YEARS)
    caller = api.as_(org.hrbp)
    with django_assert_max_num_queries(9):
        response = caller.get(PLANS, limit=50)
    assert len(response.json()["items"]) == size
