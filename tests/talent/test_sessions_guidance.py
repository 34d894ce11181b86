"""HR's guidance for a session (target percent per rating level): set on the
set-up page and through the API, validated (the cycle's own levels, whole
percents, at most 100 in all), audited, and shown in the pre-read."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.talent import services_sessions as services
from tests.api_client import Api
from tests.conftest import Org
from tests.review_factories import five_point_scale
from tests.talent.session_support import calibration_cycle, engineering_session, level

pytestmark = pytest.mark.django_db


def test_guidance_is_validated_and_audited(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    three, four = level(cycle, 3), level(cycle, 4)
    other_scale = five_point_scale("Another scale")
    foreign = other_scale.levels.first()
    assert foreign is not None
    cases = [
        ({str(foreign.pk): 10}, "is not a rating level of this cycle's scale"),
        ({str(three.pk): 101}, "must be a whole percent"),
        ({str(three.pk): -1}, "must be a whole percent"),
        ({str(three.pk): 70, str(four.pk): 40}, "add up to 110%"),
    ]
    for guidance, message in cases:
        with pytest.raises(ValidationError) as error:
            services.update_session(actor=org.hr_admin, session=session, guidance=guidance)
        assert message in str(error.value.message_dict["guidance"])
    services.update_session(
        actor=org.hr_admin, session=session, guidance={str(three.pk): 50, str(four.pk): 25}
    )
    session.refresh_from_db()
    assert session.guidance == {str(three.pk): 50, str(four.pk): 25}
    row = AuditEntry.objects.get(action="calibration_session.update", object_id=str(session.pk))
    assert row.after["guidance"] == {str(three.pk): 50, str(four.pk): 25}


def test_guidance_from_the_set_up_page_shows_in_the_pre_read(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    three = level(cycle, 3)
    client = Client()
    client.force_login(org.hr_admin)
    page = client.get(f"/talent/sessions/{session.pk}/edit/")
    assert page.status_code == 200 and b'id="session-guidance"' in page.content
    form = {
        "name": session.name,
        "facilitator": org.hr_admin.pk,
        "min_team_size": 3,
        "version": session.version,
        f"guidance_{three.pk}": "60",
        f"guidance_{level(cycle, 4).pk}": "50",
    }
    refused = client.post(f"/talent/sessions/{session.pk}/edit/", form)
    assert refused.status_code == 400 and "add up to 110%" in refused.content.decode()
    form[f"guidance_{level(cycle, 4).pk}"] = ""
    saved = client.post(f"/talent/sessions/{session.pk}/edit/", form)
    assert saved.status_code == 302
    session.refresh_from_db()
    assert session.guidance == {str(three.pk): 60}
    preread = client.get(f"/talent/sessions/{session.pk}/pre-read/").content.decode()
    assert "HR guidance: 60% at" in preread


def test_guidance_through_the_api(org: Org, api: Api) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    three = level(cycle, 3)
    url = f"/api/v1/calibration-sessions/{session.pk}"
    bad = api.as_(org.hr_admin).patch(url, {"guidance": {str(three.pk): 120}})
    assert bad.status_code == 422
    too_much = api.as_(org.hr_admin).patch(
        url, {"guidance": {str(three.pk): 80, str(level(cycle, 2).pk): 30}}
    )
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["field"] == "guidance"
    ok = api.as_(org.hr_admin).patch(url, {"guidance": {str(three.pk): 45}})
    assert ok.status_code == 200 and ok.json()["guidance"] == {str(three.pk): 45}
    # A participating manager may not set it.
    assert org.manager.user is not None
    assert api.as_(org.manager.user).patch(url, {"guidance": {}}).status_code in (403, 404)
