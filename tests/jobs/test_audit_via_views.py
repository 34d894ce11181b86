"""Every job architecture write made through a page leaves one audit row
with the actor, the values before and after, and the id of the request
(the X-Request-ID the response carries)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.jobs.models import (
    BehaviouralIndicator,
    CompetencyFramework,
    JobFamily,
    JobLevel,
    PayGrade,
    ProficiencyLevel,
)
from tests.conftest import Org
from tests.factories import CompetencyFactory, JobFamilyFactory, JobLevelFactory, JobProfileFactory
from tests.jobs.helpers import framework_with_levels

World = dict[str, Any]


@pytest.fixture
def world(org: Org) -> World:
    framework = framework_with_levels(2, name="Values")
    competency = CompetencyFactory(framework=framework, name="Candour")
    return {
        "family": JobFamilyFactory(name="Engineering"),
        "level": JobLevelFactory(code="L3"),
        "grade": PayGrade.objects.create(
            code="G1", minimum=Decimal(10), midpoint=Decimal(20), maximum=Decimal(30)
        ),
        "profile": JobProfileFactory(title="Engineer"),
        "framework": framework,
        "competency": competency,
        "proficiency_level": ProficiencyLevel.objects.get(framework=framework, level=2),
        "indicator": BehaviouralIndicator.objects.create(
            competency=competency, level=1, description="Says it"
        ),
    }


def _profile_data(w: World, **extra: Any) -> dict[str, Any]:
    return {"family": w["family"].pk, "level": w["level"].pk, "is_active": "on", **extra}


# (action, url builder, POST data builder, expected key in before, in after)
CASES: list[tuple[str, Callable[[World], str], Callable[[World], dict[str, Any]], str, str]] = [
    ("job_family.create", lambda w: "/jobs/families/new/", lambda w: {"name": "Legal"}, "", "name"),
    (
        "job_family.update",
        lambda w: f"/jobs/families/{w['family'].pk}/edit/",
        lambda w: {"name": "Eng"},
        "name",
        "name",
    ),
    (
        "job_level.create",
        lambda w: "/jobs/job-levels/new/",
        lambda w: {"code": "L9", "name": "Fellow", "rank": 9},
        "",
        "code",
    ),
    (
        "job_level.update",
        lambda w: f"/jobs/job-levels/{w['level'].pk}/edit/",
        lambda w: {"code": "L3", "name": "Pro", "rank": 3},
        "name",
        "name",
    ),
    (
        "pay_grade.create",
        lambda w: "/jobs/pay-grades/new/",
        lambda w: {"code": "G2", "currency": "GBP", "minimum": 1, "midpoint": 2, "maximum": 3},
        "",
        "code",
    ),
    (
        "pay_grade.update",
        lambda w: f"/jobs/pay-grades/{w['grade'].pk}/edit/",
        lambda w: {"code": "G1", "currency": "USD", "minimum": 10, "midpoint": 20, "maximum": 40},
        "maximum",
        "maximum",
    ),
    (
        "job_profile.create",
        lambda w: "/jobs/profiles/new/",
        lambda w: _profile_data(w, title="Analyst"),
        "",
        "title",
    ),
    (
        "job_profile.update",
        lambda w: f"/jobs/profiles/{w['profile'].pk}/edit/",
        lambda w: _profile_data(w, title="Staff Engineer", version=1),
        "title",
        "title",
    ),
    (
        "job_profile.set_expected_proficiencies",
        lambda w: f"/jobs/profiles/{w['profile'].pk}/proficiencies/",
        lambda w: {f"level_{w['competency'].pk}": "2"},
        "",
        "",
    ),
    (
        "competency_framework.create",
        lambda w: "/jobs/frameworks/new/",
        lambda w: {"name": "Leadership", "is_active": "on"},
        "",
        "name",
    ),
    (
        "competency_framework.update",
        lambda w: f"/jobs/frameworks/{w['framework'].pk}/edit/",
        lambda w: {"name": "Values", "description": "Ours", "is_active": "on"},
        "description",
        "description",
    ),
    (
        "competency.create",
        lambda w: f"/jobs/frameworks/{w['framework'].pk}/competencies/new/",
        lambda w: {"name": "Grit", "category": "core"},
        "",
        "name",
    ),
    (
        "competency.update",
        lambda w: f"/jobs/competencies/{w['competency'].pk}/edit/",
        lambda w: {"name": "Candour", "category": "leadership"},
        "category",
        "category",
    ),
    (
        "proficiency_level.create",
        lambda w: f"/jobs/frameworks/{w['framework'].pk}/proficiency-levels/new/",
        lambda w: {"level": 3, "name": "Expert"},
        "",
        "level",
    ),
    (
        "proficiency_level.update",
        lambda w: f"/jobs/proficiency-levels/{w['proficiency_level'].pk}/edit/",
        lambda w: {"level": 2, "name": "Skilled"},
        "name",
        "name",
    ),
    (
        "behavioural_indicator.create",
        lambda w: f"/jobs/competencies/{w['competency'].pk}/indicators/new/",
        lambda w: {"level": 2, "description": "Tells hard truths kindly"},
        "",
        "description",
    ),
    (
        "behavioural_indicator.update",
        lambda w: f"/jobs/indicators/{w['indicator'].pk}/edit/",
        lambda w: {"level": 1, "description": "Speaks up"},
        "description",
        "description",
    ),
    (
        "behavioural_indicator.delete",
        lambda w: f"/jobs/indicators/{w['indicator'].pk}/delete/",
        lambda w: {},
        "description",
        "",
    ),
    (
        "competency.delete",
        lambda w: f"/jobs/competencies/{w['competency'].pk}/delete/",
        lambda w: {},
        "name",
        "",
    ),
    (
        "proficiency_level.delete",
        lambda w: f"/jobs/proficiency-levels/{w['proficiency_level'].pk}/delete/",
        lambda w: {},
        "name",
        "",
    ),
    (
        "job_profile.delete",
        lambda w: f"/jobs/profiles/{w['profile'].pk}/delete/",
        lambda w: {},
        "title",
        "",
    ),
    (
        "pay_grade.delete",
        lambda w: f"/jobs/pay-grades/{w['grade'].pk}/delete/",
        lambda w: {},
        "code",
        "",
    ),
    (
        "job_level.delete",
        lambda w: (
            f"/jobs/job-levels/{JobLevel.objects.create(code='LX', name='X', rank=1).pk}/delete/"
        ),
        lambda w: {},
        "code",
        "",
    ),
    (
        "job_family.delete",
        lambda w: f"/jobs/families/{JobFamily.objects.create(name='Tmp').pk}/delete/",
        lambda w: {},
        "name",
        "",
    ),
    (
        "competency_framework.delete",
        lambda w: f"/jobs/frameworks/{CompetencyFramework.objects.create(name='Old').pk}/delete/",
        lambda w: {},
        "name",
        "",
    ),
]


@pytest.mark.parametrize(
    ("action", "url", "data", "before_key", "after_key"), CASES, ids=[c[0] for c in CASES]
)
def test_write_via_page_is_audited_with_request_id(
    client: Client,
    org: Org,
    world: World,
    action: str,
    url: Callable[[World], str],
    data: Callable[[World], dict[str, Any]],
    before_key: str,
    after_key: str,
) -> None:
    client.force_login(org.hr_admin)
    resp = client.post(url(world), data(world), headers={"X-Request-ID": "req-jobs-000042"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert resp["X-Request-ID"] == "req-jobs-000042"
    entry = AuditEntry.objects.get(action=action)
    assert entry.actor == org.hr_admin
    assert entry.request_id == "req-jobs-000042"
    if before_key:
        assert before_key in entry.before
    if after_key:
        assert after_key in entry.after
    if action.endswith(".create"):
        assert entry.before == {}
    if action.endswith(".delete"):
        assert entry.after == {}
    if action == "job_profile.set_expected_proficiencies":
        assert entry.after == {str(world["competency"].pk): 2}


def test_generated_request_id_is_used_when_none_is_sent(
    client: Client, org: Org, world: World
) -> None:
    client.force_login(org.hr_admin)
    resp = client.post("/jobs/families/new/", {"name": "Ops"})
    entry = AuditEntry.objects.get(action="job_family.create")
    assert entry.request_id and entry.request_id == resp["X-Request-ID"]


def test_models_are_all_covered(world: World) -> None:
    """A new model in jobs needs a row in CASES."""
    covered = {c[0].split(".")[0] for c in CASES}
    assert covered == {
        "job_family",
        "job_level",
        "pay_grade",
        "job_profile",
        "competency_framework",
        "competency",
        "proficiency_level",
        "behavioural_indicator",
    }
