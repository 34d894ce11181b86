"""The grid page, the people list (page, export, API) run a fixed number
of queries whatever the session's size."""

from __future__ import annotations

import pytest
from django.test import Client

from cadence.core.models import User
from cadence.talent import services_sessions as services
from cadence.talent.models import CalibrationEntry, CalibrationSession
from tests.api_client import Api
from tests.conftest import Org
from tests.talent.session_support import add_team, calibration_cycle, level

pytestmark = pytest.mark.django_db
SIZES = [5, 60]


def _session(org: Org, size: int) -> CalibrationSession:
    """Platform with `size` more people under lead, open, a few moved."""
    cycle = calibration_cycle(org)
    add_team(org, cycle, size)
    session = services.create_session(
        actor=org.hr_admin,
        cycle=cycle,
        name="Platform",
        population_kind="department",
        department=org.platform,
        facilitator=org.hr_admin,
    )
    session = services.open_session(actor=org.hr_admin, session=session)
    for entry in CalibrationEntry.objects.filter(session=session)[:3]:
        services.move_entry(
            actor=org.hr_admin,
            entry=entry,
            calibrated_level=level(cycle, 4),
            potential=3,
            reason="Moved.",
        )
    return session


def _viewers(org: Org) -> list[User]:
    return [org.hr_admin, org.lead.user]


@pytest.mark.parametrize("size", SIZES)
def test_grid_query_budget(
    org: Org,
    client: Client,
    django_assert_max_num_queries,
    size: int,  # type: ignore[no-untyped-def]
) -> None:
    session = _session(org, size)
    for user in _viewers(org):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            response = client.get(f"/talent/sessions/{session.pk}/grid/")
        assert response.status_code == 200
        assert response.content.decode().count('class="card cal-card') >= size


@pytest.mark.parametrize("size", SIZES)
def test_people_list_query_budget(
    org: Org,
    client: Client,
    django_assert_max_num_queries,
    size: int,  # type: ignore[no-untyped-def]
) -> None:
    session = _session(org, size)
    for user in _viewers(org):
        client.force_login(user)
        with django_assert_max_num_queries(14):
            response = client.get(f"/talent/sessions/{session.pk}/people/", {"changed": ""})
        assert response.status_code == 200
        with django_assert_max_num_queries(12):
            export = client.get(f"/talent/sessions/{session.pk}/people/export.csv")
            rows = b"".join(export.streaming_content).decode().count("\n")  # type: ignore[attr-defined]
        assert rows >= size + 1


@pytest.mark.parametrize("size", SIZES)
def test_api_people_query_budget(
    org: Org,
    api: Api,
    django_assert_max_num_queries,
    size: int,  # type: ignore[no-untyped-def]
) -> None:
    session = _session(org, size)
    with django_assert_max_num_queries(12):
        response = api.as_(org.hr_admin).get(
            f"/api/v1/calibration-sessions/{session.pk}/people", limit=100
        )
    assert response.json()["count"] == size + 2
    with django_assert_max_num_queries(12):
        assert api.as_(org.hr_admin).get("/api/v1/calibration-sessions").status_code == 200
