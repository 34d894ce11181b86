"""The cycles API: design, preview, launch (202 and progress), stage moves,
completion, the controlled changes, and who gets 403 or 404."""

from __future__ import annotations

from typing import Any

import pytest

from cadence.core.models import AuditEntry
from cadence.reviews.models import (
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    ReviewAssignment,
    Stage,
)
from tests.api_client import Api, ids
from tests.conftest import Org
from tests.review_factories import simple_template
from tests.reviews.cycle_helpers import design, launched

pytestmark = pytest.mark.django_db

BODY: dict[str, Any] = {
    "name": "2027 annual",
    "include_upward": True,
    "phases": [
        {"kind": "self_review", "due_on": "2027-01-15"},
        {"kind": "peer_nomination", "due_on": "2027-01-20"},
        {"kind": "peer_review", "due_on": "2027-01-31"},
        {"kind": "manager_review", "due_on": "2027-02-10"},
    ],
}


def fields(resp: Any) -> set[str | None]:
    return {e["field"] for e in resp.json()["errors"]}


def test_design_preview_launch_and_poll(api: Api, org: Org, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    hr = api.as_(org.hr_admin)
    body = {
        **BODY,
        "template": simple_template().pk,
        "rule_department_ids": [org.engineering.pk],
        "excluded_employee_ids": [org.peer.pk],
    }
    resp = hr.post("/api/v1/cycles", body)
    assert resp.status_code == 201, resp.content
    cycle = resp.json()
    assert cycle["stage"] == "draft" and cycle["settings"]["include_upward"] is True
    assert cycle["rules"]["excluded_employee_ids"] == [org.peer.pk]
    assert [p["kind"] for p in cycle["phases"]][:2] == ["self_review", "peer_nomination"]

    preview = hr.get(f"/api/v1/cycles/{cycle['id']}/preview", show="out").json()
    assert preview["counts"]["in"] == 3 and preview["counts"]["out"] == 2
    assert {(p["name"], p["reason"]) for p in preview["items"]} == {
        ("Pat Peer", "excluded"),
        ("Fay Former", "terminated"),
    }
    only = hr.get(f"/api/v1/cycles/{cycle['id']}/preview", show="out", reason="excluded")
    assert only.json()["count"] == 1

    resp = hr.post(f"/api/v1/cycles/{cycle['id']}/launch", {})
    assert resp.status_code == 202, resp.content
    assert resp.json()["task_id"] and resp.json()["launch_total"] == 3
    got = hr.get(f"/api/v1/cycles/{cycle['id']}").json()
    assert got["stage"] == "self_review"
    assert got["launch"]["done"] == got["launch"]["total"] == 3
    assert got["launch"]["task_id"] == resp.json()["task_id"]

    again = hr.post(f"/api/v1/cycles/{cycle['id']}/launch", {})
    assert again.status_code == 422 and fields(again) == {"stage"}
    assert ReviewAssignment.objects.filter(cycle_id=cycle["id"]).count() == 3 + 3 + 2


def test_create_errors_are_field_level(api: Api, org: Org) -> None:
    hr = api.as_(org.hr_admin)
    resp = hr.post("/api/v1/cycles", {**BODY, "template": 999_999})
    assert resp.status_code == 422 and fields(resp) == {"template"}
    template = simple_template().pk
    resp = hr.post("/api/v1/cycles", {**BODY, "template": template, "peers_min": 6})
    assert resp.status_code == 422 and fields(resp) == {"peers_max"}
    resp = hr.post("/api/v1/cycles", {**BODY, "template": template, "min_group_size": 2})
    assert resp.status_code == 422 and fields(resp) == {"min_group_size"}
    phases = [
        {"kind": "self_review", "due_on": "2027-03-01"},
        {"kind": "manager_review", "due_on": "2027-02-01"},
    ]
    resp = hr.post("/api/v1/cycles", {**BODY, "template": template, "phases": phases})
    assert resp.status_code == 422 and fields(resp) == {"phases"}
    assert not Cycle.objects.exists()


def test_patch_checks_the_version(api: Api, org: Org) -> None:
    cycle = design(org.hr_admin)
    hr = api.as_(org.hr_admin)
    resp = hr.patch(f"/api/v1/cycles/{cycle.pk}", {"version": 1, "peers_max": 8})
    assert resp.status_code == 200 and resp.json()["settings"]["peers_max"] == 8
    stale = hr.patch(f"/api/v1/cycles/{cycle.pk}", {"version": 1, "peers_max": 9})
    assert stale.status_code == 409


@pytest.mark.parametrize("who", ["hrbp", "executive"])
def test_hr_and_executives_see_cycles_but_not_their_rules_or_controls(
    api: Api, org: Org, who: str
) -> None:
    cycle = launched(org.hr_admin)
    client = api.as_(getattr(org, who))
    assert ids(client.get("/api/v1/cycles")) == [cycle.pk]
    got = client.get(f"/api/v1/cycles/{cycle.pk}").json()
    assert "rules" not in got
    assert client.post("/api/v1/cycles", {**BODY, "template": cycle.template_id}).status_code == 403
    assert client.patch(f"/api/v1/cycles/{cycle.pk}", {"name": "x"}).status_code == 403
    assert client.get(f"/api/v1/cycles/{cycle.pk}/preview").status_code == 403
    assert client.post(f"/api/v1/cycles/{cycle.pk}/launch", {}).status_code == 403
    stage = client.post(f"/api/v1/cycles/{cycle.pk}/stage", {"to": "calibration"})
    assert stage.status_code == 403
    add = {"employee_id": org.salesperson.pk, "reason": "x"}
    assert client.post(f"/api/v1/cycles/{cycle.pk}/participants", add).status_code == 403


def test_people_outside_a_cycle_get_404(api: Api, org: Org) -> None:
    cycle = launched(org.hr_admin, rule_department_ids=[org.engineering.pk])
    client = api.as_(org.salesperson)
    assert ids(client.get("/api/v1/cycles")) == []
    for path in ("", "/preview", "/completion", "/participants"):
        assert client.get(f"/api/v1/cycles/{cycle.pk}{path}").status_code == 404
    assert client.post(f"/api/v1/cycles/{cycle.pk}/launch", {}).status_code == 404
    assignment = ReviewAssignment.objects.filter(cycle=cycle).first()
    reopen = client.post(f"/api/v1/assignments/{assignment.pk}/reopen", {"reason": "x"})
    assert reopen.status_code == 404
    assert api.as_(org.auditor).get(f"/api/v1/cycles/{cycle.pk}").status_code == 404


def test_a_participant_sees_the_cycle_but_may_not_change_it(api: Api, org: Org) -> None:
    cycle = launched(org.hr_admin)
    client = api.as_(org.employee)
    assert client.get(f"/api/v1/cycles/{cycle.pk}").status_code == 200
    assert client.get(f"/api/v1/cycles/{cycle.pk}/completion").status_code == 403
    own = ReviewAssignment.objects.get(cycle=cycle, reviewee=org.employee, kind="self")
    reopen = client.post(f"/api/v1/assignments/{own.pk}/reopen", {"reason": "x"})
    assert reopen.status_code == 403


def test_stage_and_completion(api: Api, org: Org) -> None:
    cycle = launched(org.hr_admin)
    ReviewAssignment.objects.filter(cycle=cycle, kind="self", reviewee=org.peer).update(
        status=AssignmentStatus.SUBMITTED
    )
    hr = api.as_(org.hr_admin)
    resp = hr.post(f"/api/v1/cycles/{cycle.pk}/stage", {"to": "manager_review"})
    assert resp.status_code == 200 and resp.json()["stage"] == "manager_review"
    back = hr.post(f"/api/v1/cycles/{cycle.pk}/stage", {"to": "self_review"})
    assert back.status_code == 422 and fields(back) == {"to"}
    done = hr.get(f"/api/v1/cycles/{cycle.pk}/completion").json()
    by_kind = {r["key"]: (r["submitted"], r["total"]) for r in done["by_kind"]}
    assert by_kind == {"self": (1, 7), "manager": (0, 6)}
    assert {r["label"] for r in done["by_department"]} == {
        "Company",
        "Engineering",
        "Platform",
        "Sales",
    }
    # The HRBP for Engineering counts only the reviews they may see.
    hrbp = api.as_(org.hrbp).get(f"/api/v1/cycles/{cycle.pk}/completion").json()
    assert {r["label"] for r in hrbp["by_department"]} == {"Engineering", "Platform"}


def test_controlled_changes_via_the_api(api: Api, org: Org) -> None:
    cycle = launched(org.hr_admin, rule_department_ids=[org.engineering.pk])
    hr = api.as_(org.hr_admin)
    base = f"/api/v1/cycles/{cycle.pk}"

    resp = hr.post(f"{base}/participants", {"employee_id": org.salesperson.pk, "reason": "Move"})
    assert resp.status_code == 201 and resp.json()["manager"]["name"] == "Otto Other"
    dup = hr.post(f"{base}/participants", {"employee_id": org.salesperson.pk, "reason": "Move"})
    assert dup.status_code == 422 and fields(dup) == {"employee"}
    ghost = hr.post(f"{base}/participants", {"employee_id": 999_999, "reason": "x"})
    assert ghost.status_code == 422 and fields(ghost) == {"employee_id"}
    no_reason = hr.post(f"{base}/participants", {"employee_id": org.ceo.pk, "reason": ""})
    assert no_reason.status_code == 422 and fields(no_reason) == {"reason"}

    resp = hr.client.delete(f"{base}/participants/{org.salesperson.pk}?reason=Mistake")
    assert resp.status_code == 200 and resp.json()["status"] == "removed"
    assert hr.client.delete(f"{base}/participants/{org.ceo.pk}?reason=x").status_code == 404
    assert hr.client.delete(f"{base}/participants/{org.peer.pk}").status_code == 422

    manager_review = ReviewAssignment.objects.get(
        cycle=cycle, reviewee=org.employee, kind="manager"
    )
    resp = hr.post(
        f"/api/v1/assignments/{manager_review.pk}/replace-reviewer",
        {"reviewer_id": org.manager.pk, "reason": "Lead away"},
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["reviewer"]["name"] == "Mona Manager" and resp.json()["status"] == "pending"
    own = ReviewAssignment.objects.get(cycle=cycle, reviewee=org.employee, kind="self")
    self_swap = hr.post(
        f"/api/v1/assignments/{own.pk}/replace-reviewer",
        {"reviewer_id": org.peer.pk, "reason": "x"},
    )
    assert self_swap.status_code == 422 and fields(self_swap) == {"assignment"}

    not_yet = hr.post(f"/api/v1/assignments/{own.pk}/reopen", {"reason": "x"})
    assert not_yet.status_code == 422
    ReviewAssignment.objects.filter(pk=own.pk).update(status=AssignmentStatus.SUBMITTED)
    resp = hr.post(f"/api/v1/assignments/{own.pk}/reopen", {"reason": "Typo"})
    assert resp.status_code == 200 and resp.json()["status"] == "in_progress"

    resp = hr.post(
        f"{base}/phases/self_review/extend", {"due_on": "2027-01-25", "reason": "Holidays"}
    )
    assert resp.status_code == 200 and resp.json()["due_on"] == "2027-01-25"
    earlier = hr.post(f"{base}/phases/self_review/extend", {"due_on": "2027-01-01", "reason": "x"})
    assert earlier.status_code == 422 and fields(earlier) == {"due_on"}
    missing = hr.post(f"{base}/phases/release/extend", {"due_on": "2027-05-01", "reason": "x"})
    assert missing.status_code == 404

    org.employee.manager = org.peer
    org.employee.save()
    resp = hr.post(f"{base}/participants/{org.employee.pk}/follow-manager", {"reason": "Reorg"})
    assert resp.status_code == 200 and resp.json()["manager"]["name"] == "Pat Peer"

    listed = hr.get(f"{base}/participants", limit=2)
    assert listed.json()["count"] == CycleParticipant.objects.filter(cycle=cycle).count()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "review_cycle.participant.add",
        "review_cycle.participant.remove",
        "review_assignment.replace_reviewer",
        "review_assignment.reopen",
        "review_cycle.phase.extend",
        "review_cycle.participant.manager_change",
    } <= actions


def test_list_filters_by_stage(api: Api, org: Org) -> None:
    running = launched(org.hr_admin)
    draft = design(org.hr_admin, name="Next year")
    hr = api.as_(org.hr_admin)
    assert ids(hr.get("/api/v1/cycles", stage="draft")) == [draft.pk]
    assert ids(hr.get("/api/v1/cycles", stage=Stage.SELF_REVIEW.value)) == [running.pk]
