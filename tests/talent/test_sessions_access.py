"""Who sees a calibration session and whose ratings in it, on the pages and
in the API: only participants and HR see a session (404 for everyone else);
managers see only their own people's ratings unless HR shares the whole
view; nobody but an HR admin sees their own entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cadence.core.models import Role, User
from cadence.talent.models import CalibrationEntry, CalibrationSession
from tests.api_client import Api, ids
from tests.conftest import Org, fresh
from tests.factories import UserFactory, grant
from tests.talent.session_support import (
    calibration_cycle,
    engineering_session,
    entry_of,
    facilitator_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org: Org) -> dict[str, Any]:
    cycle = calibration_cycle(org)
    facilitator = facilitator_user(department=org.sales)  # an HRBP, out of Engineering's scope
    hrbp_sales = UserFactory(email="hrbp.sales@example.com")
    grant(hrbp_sales, Role.HRBP, org.sales)
    session = engineering_session(org, cycle, facilitator=facilitator)
    return {"session": session, "facilitator": facilitator, "hrbp_sales": hrbp_sales}


def _who(org: Org, world: dict[str, Any], name: str) -> User:
    if name in world:
        return world[name]  # type: ignore[no-any-return]
    person = getattr(org, name)
    return person if isinstance(person, User) else person.user


# name → sees the session
MATRIX = [
    ("hr_admin", True),
    ("facilitator", True),
    ("hrbp", True),  # Engineering is in scope
    ("manager", True),  # a participant (rated lead and peer)
    ("lead", True),  # a participant (rated employee), also in the population
    ("ceo", True),  # a participant (rated manager)
    ("hrbp_sales", False),
    ("other_manager", False),  # a manager who does not take part
    ("employee", False),  # in the population, not a participant
    ("peer", False),
    ("executive", False),
    ("auditor", False),
    ("outsider", False),
]


@pytest.mark.parametrize(("name", "sees"), MATRIX)
def test_only_participants_and_hr_see_a_session(
    org: Org, world: dict[str, Any], client: Client, api: Api, name: str, sees: bool
) -> None:
    session: CalibrationSession = world["session"]
    user = _who(org, world, name)
    entry = entry_of(session, org.peer)
    client.force_login(user)
    expected = 200 if sees else 404
    for url in (
        f"/talent/sessions/{session.pk}/",
        f"/talent/sessions/{session.pk}/grid/",
        f"/talent/sessions/{session.pk}/people/",
        f"/talent/sessions/{session.pk}/people/export.csv",
    ):
        assert client.get(url).status_code == expected, url
    in_list = session.pk in [s.pk for s in client.get("/talent/sessions/").context["sessions"]]
    assert in_list is sees
    as_api = api.as_(user)
    assert as_api.get(f"/api/v1/calibration-sessions/{session.pk}").status_code == expected
    assert as_api.get(f"/api/v1/calibration-sessions/{session.pk}/people").status_code == expected
    listed = as_api.get("/api/v1/calibration-sessions")
    if listed.status_code == 200:
        assert (session.pk in ids(listed)) is sees
    if not sees:
        assert client.get(f"/talent/sessions/{session.pk}/people/{entry.pk}/").status_code == 404
        response = as_api.patch(
            f"/api/v1/calibration-sessions/{session.pk}/people/{entry.pk}",
            {"potential": 3, "reason": "x"},
        )
        assert response.status_code == 404


def _visible_people(user: User, session: CalibrationSession) -> set[int]:
    return set(
        CalibrationEntry.objects.visible_to(fresh(user))
        .filter(session=session)
        .values_list("employee_id", flat=True)
    )


def test_managers_see_only_their_own_peoples_ratings(
    org: Org, world: dict[str, Any], client: Client, api: Api
) -> None:
    session: CalibrationSession = world["session"]
    everyone = {org.manager.pk, org.lead.pk, org.employee.pk, org.peer.pk}
    assert _visible_people(org.manager.user, session) == {org.lead.pk, org.employee.pk, org.peer.pk}
    assert _visible_people(org.lead.user, session) == {org.employee.pk}
    assert _visible_people(org.ceo.user, session) == everyone
    assert _visible_people(org.hr_admin, session) == everyone
    assert _visible_people(world["facilitator"], session) == everyone
    assert _visible_people(org.hrbp, session) == everyone

    # The page, the API and the export agree.
    client.force_login(org.lead.user)
    page = client.get(f"/talent/sessions/{session.pk}/people/")
    assert [e.employee_id for e in page.context["entries"]] == [org.employee.pk]
    grid = client.get(f"/talent/sessions/{session.pk}/grid/").content.decode()
    assert "Emma Employee" in grid and "Pat Peer" not in grid and "Mona Manager" not in grid
    export = client.get(f"/talent/sessions/{session.pk}/people/export.csv")
    text = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Emma Employee" in text and "Pat Peer" not in text
    response = api.as_(org.lead).get(f"/api/v1/calibration-sessions/{session.pk}/people")
    assert [i["employee"]["id"] for i in response.json()["items"]] == [org.employee.pk]
    peer = entry_of(session, org.peer)
    assert (
        api.as_(org.lead)
        .get(f"/api/v1/calibration-sessions/{session.pk}/people/{peer.pk}")
        .status_code
        == 404
    )
    assert client.get(f"/talent/sessions/{session.pk}/people/{peer.pk}/").status_code == 404


def test_hr_can_share_the_whole_view(org: Org, world: dict[str, Any], api: Api) -> None:
    session: CalibrationSession = world["session"]
    response = api.as_(org.hr_admin).patch(
        f"/api/v1/calibration-sessions/{session.pk}",
        {"share_whole_view": True, "version": session.version},
    )
    assert response.status_code == 200, response.content
    # Everyone else in the session, never themself.
    assert _visible_people(org.lead.user, session) == {org.manager.pk, org.employee.pk, org.peer.pk}
    assert _visible_people(org.manager.user, session) == {org.lead.pk, org.employee.pk, org.peer.pk}
    # Still nothing for a manager who does not take part.
    assert _visible_people(org.other_manager.user, session) == set()
    # Seeing is not moving: lead may not move the peer.
    peer = entry_of(session, org.peer)
    response = api.as_(org.lead).patch(
        f"/api/v1/calibration-sessions/{session.pk}/people/{peer.pk}",
        {"potential": 3, "reason": "Looks strong."},
    )
    assert response.status_code == 403


def test_an_hr_admin_in_the_population_sees_their_own_entry_a_manager_does_not(
    org: Org, world: dict[str, Any]
) -> None:
    session: CalibrationSession = world["session"]
    assert org.manager.pk not in _visible_people(org.manager.user, session)
    grant(org.manager.user, Role.HR_ADMIN)
    assert org.manager.pk in _visible_people(org.manager.user, session)
