"""Job architecture pages: everyone in the organisation reads, only HR
admins write (404 for anyone else), forms show field errors accessibly,
deletes ask first, and list/detail pages run a bounded number of queries."""

from __future__ import annotations

import pytest
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.jobs.models import (
    CompetencyFramework,
    ExpectedProficiency,
    JobFamily,
    JobProfile,
    ProficiencyLevel,
)
from cadence.people.models import Employee
from tests.conftest import Org
from tests.factories import (
    CompetencyFactory,
    JobFamilyFactory,
    JobLevelFactory,
    JobProfileFactory,
)
from tests.jobs.helpers import competency_with_indicators, framework_with_levels


def as_(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def profile_with_expectations(org: Org) -> JobProfile:
    framework = framework_with_levels(3, name="Engineering competencies")
    a = competency_with_indicators(framework, name="Problem solving", category="functional")
    b = competency_with_indicators(framework, name="Coaching", category="leadership")
    profile = JobProfileFactory(
        title="Platform Engineer",
        duties="Run the platform\nOwn incidents",
        performance_standards="99.9% uptime\nPostmortems within 5 days",
    )
    ExpectedProficiency.objects.create(job_profile=profile, competency=a, level=2)
    ExpectedProficiency.objects.create(job_profile=profile, competency=b, level=1)
    return profile


# --- who may read -------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    resp = client.get("/jobs/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["employee", "manager"])
def test_employees_read_profiles_and_frameworks(
    client: Client, org: Org, profile_with_expectations: JobProfile, who: str
) -> None:
    as_(client, getattr(org, who).user)
    resp = client.get("/jobs/")
    assert resp.status_code == 200 and b"Platform Engineer" in resp.content
    assert b"New job profile" not in resp.content
    detail = client.get(f"/jobs/profiles/{profile_with_expectations.pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "<li>Own incidents</li>" in html and "<li>99.9% uptime</li>" in html
    # the behavioural indicator of the expected level (2 Practitioner), not the others
    assert "Problem solving at 2 Practitioner" in html
    assert "Problem solving at 3 Expert" not in html
    assert "Coaching at 1 Foundation" in html
    assert ">Edit<" not in html
    assert client.get("/jobs/frameworks/").status_code == 200
    framework = CompetencyFramework.objects.get()
    assert client.get(f"/jobs/frameworks/{framework.pk}/").status_code == 200
    assert client.get("/jobs/architecture/").status_code == 200


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_logins_outside_the_organisation_see_nothing(
    client: Client, org: Org, profile_with_expectations: JobProfile, who: str
) -> None:
    as_(client, getattr(org, who))
    assert client.get("/jobs/").status_code == 404
    assert client.get(f"/jobs/profiles/{profile_with_expectations.pk}/").status_code == 404
    assert client.get("/jobs/frameworks/").status_code == 404


@pytest.mark.parametrize("who", ["employee", "manager", "hrbp", "executive", "auditor"])
def test_write_pages_are_404_for_everyone_but_hr_admin(
    client: Client, org: Org, profile_with_expectations: JobProfile, who: str
) -> None:
    person = getattr(org, who)
    as_(client, getattr(person, "user", person))
    p = profile_with_expectations
    framework = CompetencyFramework.objects.get()
    competency = framework.competencies.first()
    assert competency is not None
    urls = [
        "/jobs/profiles/new/",
        f"/jobs/profiles/{p.pk}/edit/",
        f"/jobs/profiles/{p.pk}/delete/",
        f"/jobs/profiles/{p.pk}/proficiencies/",
        "/jobs/frameworks/new/",
        f"/jobs/frameworks/{framework.pk}/edit/",
        f"/jobs/frameworks/{framework.pk}/delete/",
        f"/jobs/frameworks/{framework.pk}/competencies/new/",
        f"/jobs/frameworks/{framework.pk}/proficiency-levels/new/",
        f"/jobs/competencies/{competency.pk}/indicators/new/",
        f"/jobs/competencies/{competency.pk}/delete/",
        "/jobs/families/new/",
        f"/jobs/families/{p.family_id}/delete/",
        "/jobs/job-levels/new/",
        "/jobs/pay-grades/new/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "x", "title": "x"}).status_code == 404, url
    assert JobProfile.objects.filter(pk=p.pk).exists()
    assert not AuditEntry.objects.exists()


# --- list: search, filters, pagination, empty state ------------------------------------------


def test_list_search_and_filters(client: Client, org: Org) -> None:
    eng, sales = JobFamilyFactory(name="Engineering"), JobFamilyFactory(name="Sales")
    l3, l5 = JobLevelFactory(code="L3"), JobLevelFactory(code="L5", name="Senior", rank=5)
    JobProfileFactory(title="Backend Engineer", family=eng, level=l3)
    JobProfileFactory(title="Senior Backend Engineer", family=eng, level=l5)
    JobProfileFactory(title="Account Executive", family=sales, level=l3, is_active=False)
    as_(client, org.employee.user)

    def titles(**params: object) -> set[str]:
        resp = client.get("/jobs/", params)
        return {p.title for p in resp.context["page"].object_list}

    assert titles(q="backend") == {"Backend Engineer", "Senior Backend Engineer"}
    assert titles(family=sales.pk) == {"Account Executive"}
    assert titles(level=l5.pk) == {"Senior Backend Engineer"}
    assert titles(active="0") == {"Account Executive"}
    assert titles(active="1", family=eng.pk, level=l3.pk) == {"Backend Engineer"}
    assert titles(family="not-a-number") == titles()
    resp = client.get("/jobs/", {"q": "nothing matches"})
    assert b"No job profiles match these filters" in resp.content


def test_empty_state(client: Client, org: Org) -> None:
    resp = as_(client, org.hr_admin).get("/jobs/")
    assert b"There are no job profiles yet" in resp.content


def test_pagination_25_a_page(client: Client, org: Org) -> None:
    family, level = JobFamilyFactory(), JobLevelFactory()
    JobProfile.objects.bulk_create(
        JobProfile(title=f"Role {n:02d}", family=family, level=level) for n in range(30)
    )
    as_(client, org.employee.user)
    first = client.get("/jobs/")
    assert len(first.context["page"].object_list) == 25
    second = client.get("/jobs/", {"page": 2})
    assert len(second.context["page"].object_list) == 5
    assert b"Page 2 of 2" in second.content


@pytest.mark.parametrize("size", [5, 60])
def test_list_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: object, size: int
) -> None:
    family, level = JobFamilyFactory(), JobLevelFactory()
    JobProfile.objects.bulk_create(
        JobProfile(title=f"Role {n:03d}", family=family, level=level) for n in range(size)
    )
    as_(client, org.employee.user)
    with django_assert_max_num_queries(13):  # type: ignore[operator]
        assert client.get("/jobs/").status_code == 200


@pytest.mark.parametrize("competencies", [2, 20])
def test_detail_pages_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: object, competencies: int
) -> None:
    framework = framework_with_levels(3)
    profile = JobProfileFactory()
    for n in range(competencies):
        c = competency_with_indicators(framework, name=f"C{n}")
        ExpectedProficiency.objects.create(job_profile=profile, competency=c, level=1 + n % 3)
    as_(client, org.employee.user)
    with django_assert_max_num_queries(13):  # type: ignore[operator]
        assert client.get(f"/jobs/profiles/{profile.pk}/").status_code == 200
    with django_assert_max_num_queries(13):  # type: ignore[operator]
        assert client.get(f"/jobs/frameworks/{framework.pk}/").status_code == 200
    with django_assert_max_num_queries(11):  # type: ignore[operator]
        assert client.get("/jobs/frameworks/").status_code == 200
    as_(client, org.hr_admin)
    with django_assert_max_num_queries(13):  # type: ignore[operator]
        assert client.get(f"/jobs/profiles/{profile.pk}/proficiencies/").status_code == 200


# --- HR admin: forms -----------------------------------------------------------------------


def test_hr_admin_creates_and_edits_a_profile(client: Client, org: Org) -> None:
    family, level = JobFamilyFactory(), JobLevelFactory()
    as_(client, org.hr_admin)
    form_page = client.get("/jobs/profiles/new/")
    assert b'<label class="form-label" for="id_title">' in form_page.content
    resp = client.post(
        "/jobs/profiles/new/",
        {"title": "SRE", "family": family.pk, "level": level.pk, "is_active": "on"},
    )
    profile = JobProfile.objects.get(title="SRE")
    assert resp.status_code == 302 and resp["Location"] == f"/jobs/profiles/{profile.pk}/"
    edit = client.get(f"/jobs/profiles/{profile.pk}/edit/")
    assert b'name="version" value="1"' in edit.content
    resp = client.post(
        f"/jobs/profiles/{profile.pk}/edit/",
        {
            "title": "Site Reliability Engineer",
            "family": family.pk,
            "level": level.pk,
            "is_active": "on",
            "duties": "Keep it up",
            "version": 1,
        },
    )
    assert resp.status_code == 302
    profile.refresh_from_db()
    assert profile.title == "Site Reliability Engineer" and profile.version == 2


def test_stale_edit_shows_a_message_and_keeps_the_other_change(client: Client, org: Org) -> None:
    profile = JobProfileFactory(title="Analyst")
    JobProfile.objects.filter(pk=profile.pk).update(version=2, summary="Someone else's")
    as_(client, org.hr_admin)
    resp = client.post(
        f"/jobs/profiles/{profile.pk}/edit/",
        {
            "title": "Analyst",
            "family": profile.family_id,
            "level": profile.level_id,
            "summary": "Mine",
            "version": 1,
        },
    )
    assert resp.status_code == 200
    assert "changed by someone else" in resp.content.decode()
    profile.refresh_from_db()
    assert profile.summary == "Someone else's"


def test_field_errors_are_tied_to_their_fields(client: Client, org: Org) -> None:
    as_(client, org.hr_admin)
    resp = client.post("/jobs/profiles/new/", {"title": "", "summary": "x"})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'aria-describedby="id_title_error"' in html
    assert 'id="id_title_error"' in html
    assert 'aria-invalid="true"' in html and "is-invalid" in html


def test_expected_proficiency_editor(client: Client, org: Org) -> None:
    framework = framework_with_levels(3)
    a = CompetencyFactory(framework=framework, name="Alpha")
    b = CompetencyFactory(framework=framework, name="Beta")
    profile = JobProfileFactory()
    as_(client, org.hr_admin)
    page = client.get(f"/jobs/profiles/{profile.pk}/proficiencies/")
    assert f'<label for="id_level_{a.pk}">Alpha</label>' in page.content.decode()
    resp = client.post(
        f"/jobs/profiles/{profile.pk}/proficiencies/", {f"level_{a.pk}": "3", f"level_{b.pk}": ""}
    )
    assert resp.status_code == 302
    assert dict(
        ExpectedProficiency.objects.filter(job_profile=profile).values_list(
            "competency_id", "level"
        )
    ) == {a.pk: 3}
    bad = client.post(f"/jobs/profiles/{profile.pk}/proficiencies/", {f"level_{a.pk}": "9"})
    assert bad.status_code == 200 and f"id_level_{a.pk}_error" in bad.content.decode()


def test_framework_competency_level_and_indicator_forms(client: Client, org: Org) -> None:
    as_(client, org.hr_admin)
    resp = client.post("/jobs/frameworks/new/", {"name": "Values", "is_active": "on"})
    framework = CompetencyFramework.objects.get(name="Values")
    assert resp["Location"] == f"/jobs/frameworks/{framework.pk}/"
    client.post(
        f"/jobs/frameworks/{framework.pk}/proficiency-levels/new/", {"level": 1, "name": "Basic"}
    )
    client.post(
        f"/jobs/frameworks/{framework.pk}/competencies/new/",
        {"name": "Candour", "category": "core"},
    )
    competency = framework.competencies.get()
    resp = client.post(
        f"/jobs/competencies/{competency.pk}/indicators/new/",
        {"level": 1, "description": "Says what they think"},
    )
    assert resp.status_code == 302
    detail = client.get(f"/jobs/frameworks/{framework.pk}/").content.decode()
    assert "Core competencies" in detail and "Says what they think" in detail
    assert ProficiencyLevel.objects.filter(framework=framework).count() == 1
    dup = client.post(
        f"/jobs/frameworks/{framework.pk}/competencies/new/",
        {"name": "Candour", "category": "core"},
    )
    assert dup.status_code == 200 and b"alert-danger" in dup.content


def test_architecture_page_forms(client: Client, org: Org) -> None:
    as_(client, org.hr_admin)
    assert client.post("/jobs/families/new/", {"name": "Legal"}).status_code == 302
    assert (
        client.post(
            "/jobs/job-levels/new/", {"code": "L7", "name": "Principal", "rank": 7}
        ).status_code
        == 302
    )
    bad = client.post(
        "/jobs/pay-grades/new/",
        {"code": "P1", "currency": "EUR", "minimum": 10, "midpoint": 5, "maximum": 20},
    )
    assert bad.status_code == 200 and b"id_midpoint_error" in bad.content
    page = client.get("/jobs/architecture/").content.decode()
    assert "Legal" in page and "Principal" in page


def test_pay_ranges_are_shown_to_hr_only(client: Client, org: Org) -> None:
    from decimal import Decimal

    from cadence.jobs.models import PayGrade

    PayGrade.objects.create(
        code="G9",
        currency="GBP",
        minimum=Decimal(70000),
        midpoint=Decimal(80000),
        maximum=Decimal(90000),
    )
    assert b"80,000" in as_(client, org.hr_admin).get("/jobs/architecture/").content
    page = as_(client, org.employee.user).get("/jobs/architecture/").content
    assert b"G9" in page and b"80,000" not in page


# --- deletes ask first --------------------------------------------------------------------


def test_delete_needs_confirmation(client: Client, org: Org) -> None:
    family = JobFamily.objects.create(name="Temp")
    as_(client, org.hr_admin)
    confirm = client.get(f"/jobs/families/{family.pk}/delete/")
    assert confirm.status_code == 200 and b"Delete job family" in confirm.content
    assert JobFamily.objects.filter(pk=family.pk).exists()
    assert client.post(f"/jobs/families/{family.pk}/delete/").status_code == 302
    assert not JobFamily.objects.filter(pk=family.pk).exists()


def test_deleting_a_profile_in_use_explains_and_offers_deactivation(
    client: Client, org: Org
) -> None:
    profile = JobProfileFactory()
    Employee.objects.filter(pk=org.employee.pk).update(job_profile=profile)
    as_(client, org.hr_admin)
    resp = client.post(f"/jobs/profiles/{profile.pk}/delete/")
    assert resp.status_code == 400
    assert b"Deactivate it instead" in resp.content and b"Deactivate instead" in resp.content
    assert JobProfile.objects.filter(pk=profile.pk).exists()
    resp = client.post(f"/jobs/profiles/{profile.pk}/delete/", {"deactivate": "1"})
    assert resp.status_code == 302
    profile.refresh_from_db()
    assert profile.is_active is False


def test_deleting_a_family_in_use_is_a_message_not_a_crash(client: Client, org: Org) -> None:
    profile = JobProfileFactory()
    as_(client, org.hr_admin)
    resp = client.post(f"/jobs/families/{profile.family_id}/delete/")
    assert resp.status_code == 400 and b"still belong to this family" in resp.content


def test_stale_framework_edit_is_refused_and_keeps_the_other_change(
    client: Client, org: Org
) -> None:
    framework = CompetencyFramework.objects.create(name="Core values")
    as_(client, org.hr_admin)
    form = client.get(f"/jobs/frameworks/{framework.pk}/edit/")
    assert b'name="version" value="1"' in form.content
    CompetencyFramework.objects.filter(pk=framework.pk).update(version=2, description="Theirs")
    resp = client.post(
        f"/jobs/frameworks/{framework.pk}/edit/",
        {"name": "Core values", "description": "Mine", "is_active": "on", "version": 1},
    )
    assert resp.status_code == 200
    assert "changed by someone else" in resp.content.decode()
    framework.refresh_from_db()
    assert framework.description == "Theirs" and framework.version == 2
    saved = client.post(
        f"/jobs/frameworks/{framework.pk}/edit/",
        {"name": "Core values", "description": "Mine", "is_active": "on", "version": 2},
    )
    assert saved.status_code == 302
    framework.refresh_from_db()
    assert framework.description == "Mine" and framework.version == 3
