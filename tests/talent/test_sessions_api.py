"""/api/v1/calibration-sessions and its people: create, read, change the
set-up, open and close (transitions), list people with filters, and move a
person — 422 without a reason, 409 when stale, 423 once closed, 403 for
someone the caller sees but may not move, 404 when not visible."""

from __future__ import annotations

import pytest

from cadence.core.models import AuditEntry
from cadence.reviews.models import Cycle, ReviewResult
from cadence.talent.models import CalibrationChange, CalibrationSession, SessionState
from tests.api_client import Api, ids
from tests.conftest import Org
from tests.talent.session_support import calibration_cycle, engineering_session, entry_of, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(org: Org) -> Cycle:
    return calibration_cycle(org)


@pytest.fixture
def session(org: Org, cycle: Cycle) -> CalibrationSession:
    return engineering_session(org, cycle)


def _people(session: CalibrationSession) -> str:
    return f"/api/v1/calibration-sessions/{session.pk}/people"


def test_create_open_and_close_through_the_api(org: Org, api: Api, cycle: Cycle) -> None:
    client = api.as_(org.hr_admin)
    response = client.post(
        "/api/v1/calibration-sessions",
        {
            "cycle": cycle.pk,
            "name": "Sales",
            "population_kind": "department",
            "department": org.sales.pk,
            "facilitator": org.hr_admin.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["people"] == 2
    assert {p["id"] for p in body["participants"]} == {org.ceo.pk, org.other_manager.pk}
    pk = body["id"]
    response = client.post(
        f"/api/v1/calibration-sessions/{pk}/transitions", {"to": "open", "version": body["version"]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "open"
    response = client.post(f"/api/v1/calibration-sessions/{pk}/transitions", {"to": "locked"})
    assert response.json()["state"] == "locked"
    response = client.post(f"/api/v1/calibration-sessions/{pk}/transitions", {"to": "locked"})
    assert response.status_code == 423
    assert response.json()["detail"] == "This session is already closed."


def test_create_errors(org: Org, api: Api, cycle: Cycle, session: CalibrationSession) -> None:
    values = {
        "cycle": cycle.pk,
        "name": "Platform",
        "population_kind": "department",
        "department": org.platform.pk,
        "facilitator": org.hr_admin.pk,
    }
    response = api.as_(org.hr_admin).post("/api/v1/calibration-sessions", values)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "population"
    response = api.as_(org.hr_admin).post(
        "/api/v1/calibration-sessions", values | {"department": 999999}
    )
    assert response.status_code == 422
    response = api.as_(org.manager).post("/api/v1/calibration-sessions", values)
    assert response.status_code == 403
    response = api.as_(org.hrbp).post(
        "/api/v1/calibration-sessions", values | {"department": org.sales.pk}
    )
    assert response.status_code == 403


def test_list_and_filters(org: Org, api: Api, session: CalibrationSession, cycle: Cycle) -> None:
    client = api.as_(org.hr_admin)
    assert ids(client.get("/api/v1/calibration-sessions")) == [session.pk]
    assert ids(client.get("/api/v1/calibration-sessions", state="draft")) == []
    assert ids(client.get("/api/v1/calibration-sessions", cycle=cycle.pk)) == [session.pk]
    people = client.get(_people(session))
    assert people.json()["count"] == 4
    item = next(i for i in people.json()["items"] if i["employee"]["id"] == org.employee.pk)
    assert item["original_level"]["label"] == "Meets"
    assert item["proposed_level"]["label"] == "Exceeds"
    assert item["calibrated_level"] is None and item["box"] is None
    assert ids(client.get(_people(session), manager=org.lead.pk)) == [item["id"]]
    assert ids(client.get(_people(session), level=level(cycle, 4).pk)) == [item["id"]]
    assert ids(client.get(_people(session), q="Emma")) == [item["id"]]
    assert ids(client.get(_people(session), changed=True)) == []


def test_moving_a_person(org: Org, api: Api, session: CalibrationSession, cycle: Cycle) -> None:
    entry = entry_of(session, org.employee)
    url = f"{_people(session)}/{entry.pk}"
    client = api.as_(org.hr_admin)
    response = client.patch(url, {"calibrated_level": level(cycle, 3).pk, "version": entry.version})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "reason", "message": "Give a reason for the change: it is kept on record."}
    ]
    response = client.patch(
        url,
        {
            "calibrated_level": level(cycle, 3).pk,
            "potential": 2,
            "reason": "Calibrated to peers.",
            "version": entry.version,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["calibrated_level"]["label"] == "Meets" and body["box"] == "2-2"
    assert body["proposed_level"]["label"] == "Exceeds"
    assert body["changed_by"] == "hr.admin@example.com"
    assert body["changes"][0]["reason"] == "Calibrated to peers."
    assert body["changes"][0]["from_level"]["label"] == "Exceeds"
    assert AuditEntry.objects.filter(action="calibration_entry.move").count() == 1
    # The same version again: someone else changed it.
    response = client.patch(url, {"potential": 3, "reason": "x", "version": entry.version})
    assert response.status_code == 409
    # A level of no scale here.
    response = client.patch(url, {"calibrated_level": 999999, "reason": "x"})
    assert response.status_code == 422
    # Clearing the calibrated rating is a change too.
    response = client.patch(url, {"calibrated_level": None, "reason": "Back to the proposal."})
    assert response.status_code == 200
    assert response.json()["calibrated_level"] is None


def test_a_locked_session_answers_423(
    org: Org, api: Api, session: CalibrationSession, cycle: Cycle
) -> None:
    client = api.as_(org.hr_admin)
    client.post(f"/api/v1/calibration-sessions/{session.pk}/transitions", {"to": "locked"})
    entry = entry_of(session, org.peer)
    response = client.patch(
        f"{_people(session)}/{entry.pk}", {"calibrated_level": level(cycle, 4).pk, "reason": "Late"}
    )
    assert response.status_code == 423
    assert response.json()["detail"] == "This session is closed: its ratings can no longer change."
    response = client.patch(f"/api/v1/calibration-sessions/{session.pk}", {"name": "Renamed"})
    assert response.status_code == 423
    assert not CalibrationChange.objects.exists()
    assert CalibrationSession.objects.get(pk=session.pk).state == SessionState.LOCKED
    assert ReviewResult.objects.filter(calibrated_level__isnull=False).count() == 0


def test_managers_and_others(org: Org, api: Api, session: CalibrationSession, cycle: Cycle) -> None:
    employee = entry_of(session, org.employee)
    response = api.as_(org.lead).patch(
        f"{_people(session)}/{employee.pk}",
        {"calibrated_level": level(cycle, 5).pk, "reason": "Exceptional year."},
    )
    assert response.status_code == 200, response.content
    # The manager cannot open or close it.
    response = api.as_(org.manager).post(
        f"/api/v1/calibration-sessions/{session.pk}/transitions", {"to": "locked"}
    )
    assert response.status_code == 403
    response = api.as_(org.manager).patch(
        f"/api/v1/calibration-sessions/{session.pk}", {"share_whole_view": True}
    )
    assert response.status_code == 403
    # An id of no session at all, or out of range.
    assert api.as_(org.hr_admin).get("/api/v1/calibration-sessions/999999").status_code == 404
    assert api.as_(org.hr_admin).get(f"{_people(session)}/999999").status_code == 404
