"""Job architecture services: HR admins only, field-level validation, one
audit row per change with the values before and after, and deletes of
records in use refused with a message instead of a crash."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.core.models import AuditEntry
from cadence.jobs import services
from cadence.jobs.models import (
    BehaviouralIndicator,
    Competency,
    CompetencyFramework,
    ExpectedProficiency,
    JobFamily,
    JobLevel,
    JobProfile,
    PayGrade,
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
from tests.jobs.helpers import competency_with_indicators, framework_with_levels, last_audit


def audit_actions(object_id: int) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(object_id))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- permissions --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["hrbp", "executive", "auditor", "outsider"])
def test_only_hr_admin_may_write(org: Org, who: str) -> None:
    actor = getattr(org, who)
    with pytest.raises(PermissionDenied):
        services.create_job_family(actor=actor, name="Finance")
    with pytest.raises(PermissionDenied):
        services.create_framework(actor=actor, name="Leadership")
    assert not JobFamily.objects.filter(name="Finance").exists()


def test_employees_and_managers_may_not_write(org: Org) -> None:
    profile = JobProfileFactory()
    for person in (org.employee, org.manager, org.ceo):
        with pytest.raises(PermissionDenied):
            services.update_job_profile(actor=person.user, job_profile=profile, title="Changed")
    profile.refresh_from_db()
    assert profile.title != "Changed"
    assert not AuditEntry.objects.exists()


# --- families, levels, pay grades -----------------------------------------------------


def test_family_create_update_delete_are_audited(org: Org) -> None:
    family = services.create_job_family(actor=org.hr_admin, name="Finance")
    family_id = family.pk
    assert last_audit("job_family.create").after == {"name": "Finance", "description": ""}
    services.update_job_family(actor=org.hr_admin, family=family, description="Money")
    entry = last_audit("job_family.update")
    assert (entry.before, entry.after) == ({"description": ""}, {"description": "Money"})
    assert entry.actor == org.hr_admin
    services.delete_job_family(actor=org.hr_admin, family=family)
    assert last_audit("job_family.delete").before["name"] == "Finance"
    assert audit_actions(family_id) == [
        "job_family.create",
        "job_family.update",
        "job_family.delete",
    ]


def test_noop_update_writes_no_audit_row(org: Org) -> None:
    family = JobFamilyFactory(name="Ops")
    services.update_job_family(actor=org.hr_admin, family=family, name="Ops")
    assert not AuditEntry.objects.exists()


def test_duplicate_family_name_is_a_field_error(org: Org) -> None:
    JobFamilyFactory(name="Ops")
    with pytest.raises(ValidationError) as exc:
        services.create_job_family(actor=org.hr_admin, name="Ops")
    assert "name" in exc.value.message_dict


def test_unknown_field_is_refused(org: Org) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_job_family(actor=org.hr_admin, name="Ops", id=99)
    assert "id" in exc.value.message_dict


def test_job_level_in_use_cannot_be_deleted(org: Org) -> None:
    profile = JobProfileFactory()
    with pytest.raises(ValidationError, match="still use this level"):
        services.delete_job_level(actor=org.hr_admin, level=profile.level)
    assert JobLevel.objects.filter(pk=profile.level_id).exists()
    assert not AuditEntry.objects.exists()  # the refused delete left no audit row


def test_job_level_audited(org: Org) -> None:
    level = services.create_job_level(actor=org.hr_admin, code="L5", name="Senior", rank=5)
    services.update_job_level(actor=org.hr_admin, level=level, rank=6)
    assert last_audit("job_level.update").after == {"rank": 6}


def test_pay_grade_range_must_be_ordered(org: Org) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_pay_grade(
            actor=org.hr_admin,
            code="G1",
            currency="GBP",
            minimum=Decimal("50000"),
            midpoint=Decimal("40000"),
            maximum=Decimal("60000"),
        )
    assert "midpoint" in exc.value.message_dict
    grade = services.create_pay_grade(
        actor=org.hr_admin,
        code="G1",
        currency="GBP",
        minimum=Decimal("40000"),
        midpoint=Decimal("50000"),
        maximum=Decimal("60000"),
    )
    with pytest.raises(ValidationError) as exc:
        services.update_pay_grade(actor=org.hr_admin, grade=grade, maximum=Decimal("45000"))
    assert "maximum" in exc.value.message_dict
    services.update_pay_grade(actor=org.hr_admin, grade=grade, maximum=Decimal("65000"))
    assert last_audit("pay_grade.update").before == {"maximum": "60000.00"}


def test_pay_grade_in_use_cannot_be_deleted(org: Org) -> None:
    grade = PayGrade.objects.create(
        code="G2", minimum=Decimal(1), midpoint=Decimal(2), maximum=Decimal(3)
    )
    JobProfileFactory(pay_grade=grade)
    with pytest.raises(ValidationError, match="pay grade"):
        services.delete_pay_grade(actor=org.hr_admin, grade=grade)


# --- job profiles -----------------------------------------------------------------------


def test_job_profile_create_and_update_with_version(org: Org) -> None:
    family, level = JobFamilyFactory(), JobLevelFactory()
    profile = services.create_job_profile(
        actor=org.hr_admin,
        title="Data Engineer",
        family=family,
        level=level,
        duties="Build pipelines\nOwn data quality",
    )
    assert profile.version == 1
    assert last_audit("job_profile.create").after["family"] == family.pk
    updated = services.update_job_profile(
        actor=org.hr_admin, job_profile=profile, expected_version=1, summary="Moves data"
    )
    assert updated.version == 2
    entry = last_audit("job_profile.update")
    assert entry.before == {"summary": ""} and entry.after == {"summary": "Moves data"}


def test_stale_job_profile_edit_is_refused(org: Org) -> None:
    profile = JobProfileFactory()
    services.update_job_profile(
        actor=org.hr_admin, job_profile=profile, expected_version=1, summary="First"
    )
    with pytest.raises(ValidationError) as exc:
        services.update_job_profile(
            actor=org.hr_admin, job_profile=profile, expected_version=1, summary="Second"
        )
    assert "changed by someone else" in exc.value.message_dict["version"][0]
    profile.refresh_from_db()
    assert profile.summary == "First" and profile.version == 2


def test_job_profile_missing_required_field_is_field_error(org: Org) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_job_profile(actor=org.hr_admin, title="", family=JobFamilyFactory())
    assert {"title", "level"} <= set(exc.value.message_dict)


def test_job_profile_held_by_employees_cannot_be_deleted_but_can_be_deactivated(org: Org) -> None:
    profile = JobProfileFactory()
    Employee.objects.filter(pk=org.employee.pk).update(job_profile=profile)
    with pytest.raises(ValidationError, match="Deactivate it instead"):
        services.delete_job_profile(actor=org.hr_admin, job_profile=profile)
    assert JobProfile.objects.filter(pk=profile.pk).exists()
    services.update_job_profile(actor=org.hr_admin, job_profile=profile, is_active=False)
    assert last_audit("job_profile.update").after == {"is_active": False}


def test_unused_job_profile_is_deleted(org: Org) -> None:
    profile = JobProfileFactory()
    services.delete_job_profile(actor=org.hr_admin, job_profile=profile)
    assert not JobProfile.objects.filter(pk=profile.pk).exists()
    assert last_audit("job_profile.delete").before["title"] == profile.title


# --- frameworks, competencies, levels, indicators --------------------------------------------


def test_framework_tree_writes_are_audited(org: Org) -> None:
    hr = org.hr_admin
    framework = services.create_framework(actor=hr, name="Core values")
    level = services.create_proficiency_level(
        actor=hr, framework=framework, level=1, name="Foundation"
    )
    competency = services.create_competency(
        actor=hr, framework=framework, name="Teamwork", category="core"
    )
    indicator = services.create_indicator(
        actor=hr, competency=competency, level=1, description="Shares knowledge"
    )
    services.update_framework(actor=hr, framework=framework, description="What we value")
    services.update_competency(actor=hr, competency=competency, category="leadership")
    services.update_proficiency_level(actor=hr, proficiency_level=level, name="Basic")
    services.update_indicator(actor=hr, indicator=indicator, description="Teaches others")
    assert last_audit("competency.update").after == {"category": "leadership"}
    assert last_audit("behavioural_indicator.update").before == {"description": "Shares knowledge"}
    services.delete_indicator(actor=hr, indicator=indicator)
    services.delete_competency(actor=hr, competency=competency)
    services.delete_proficiency_level(actor=hr, proficiency_level=level)
    services.delete_framework(actor=hr, framework=framework)
    assert not CompetencyFramework.objects.filter(pk=framework.pk).exists()
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        f"{kind}.{verb}"
        for kind in (
            "competency_framework",
            "proficiency_level",
            "competency",
            "behavioural_indicator",
        )
        for verb in ("create", "update", "delete")
    }


def test_competency_category_must_be_a_choice(org: Org) -> None:
    framework = framework_with_levels()
    with pytest.raises(ValidationError) as exc:
        services.create_competency(
            actor=org.hr_admin, framework=framework, name="X", category="magic"
        )
    assert "category" in exc.value.message_dict


def test_indicator_level_must_exist_in_framework(org: Org) -> None:
    framework = framework_with_levels(3)
    competency = CompetencyFactory(framework=framework)
    with pytest.raises(ValidationError) as exc:
        services.create_indicator(
            actor=org.hr_admin, competency=competency, level=4, description="Too high"
        )
    assert "level" in exc.value.message_dict
    assert not BehaviouralIndicator.objects.exists()


def test_duplicate_proficiency_level_is_refused(org: Org) -> None:
    framework = framework_with_levels(2)
    with pytest.raises(ValidationError):
        services.create_proficiency_level(
            actor=org.hr_admin, framework=framework, level=2, name="Again"
        )


def test_level_in_use_cannot_be_deleted_or_renumbered(org: Org) -> None:
    framework = framework_with_levels(3)
    competency = CompetencyFactory(framework=framework)
    profile = JobProfileFactory()
    ExpectedProficiency.objects.create(job_profile=profile, competency=competency, level=2)
    level2 = ProficiencyLevel.objects.get(framework=framework, level=2)
    with pytest.raises(ValidationError, match="expect this level"):
        services.delete_proficiency_level(actor=org.hr_admin, proficiency_level=level2)
    with pytest.raises(ValidationError) as exc:
        services.update_proficiency_level(actor=org.hr_admin, proficiency_level=level2, level=5)
    assert "level" in exc.value.message_dict
    # renaming is fine
    services.update_proficiency_level(actor=org.hr_admin, proficiency_level=level2, name="Pro")


def test_expected_competency_and_framework_cannot_be_deleted(org: Org) -> None:
    framework = framework_with_levels(3)
    competency = CompetencyFactory(framework=framework)
    ExpectedProficiency.objects.create(
        job_profile=JobProfileFactory(), competency=competency, level=1
    )
    with pytest.raises(ValidationError, match="expect this competency"):
        services.delete_competency(actor=org.hr_admin, competency=competency)
    with pytest.raises(ValidationError, match="Deactivate it instead"):
        services.delete_framework(actor=org.hr_admin, framework=framework)
    assert Competency.objects.filter(pk=competency.pk).exists()


# --- expected proficiencies ----------------------------------------------------------------


def test_set_expected_proficiencies_adds_changes_and_removes(org: Org) -> None:
    framework = framework_with_levels(3)
    a = competency_with_indicators(framework, name="Alpha")
    b = competency_with_indicators(framework, name="Beta")
    profile = JobProfileFactory()
    result = services.set_expected_proficiencies(
        actor=org.hr_admin, job_profile=profile, levels={a.pk: 2, b.pk: 1}
    )
    assert result == {a.pk: 2, b.pk: 1}
    entry = last_audit("job_profile.set_expected_proficiencies")
    assert entry.before == {str(a.pk): None, str(b.pk): None}
    assert entry.after == {str(a.pk): 2, str(b.pk): 1}
    result = services.set_expected_proficiencies(
        actor=org.hr_admin, job_profile=profile, levels={a.pk: 3, b.pk: None}
    )
    assert result == {a.pk: 3}
    entry = last_audit("job_profile.set_expected_proficiencies")
    assert entry.before == {str(a.pk): 2, str(b.pk): 1}
    assert entry.after == {str(a.pk): 3, str(b.pk): None}
    assert dict(
        ExpectedProficiency.objects.filter(job_profile=profile).values_list(
            "competency_id", "level"
        )
    ) == {a.pk: 3}


def test_expected_level_must_be_one_of_the_framework_levels(org: Org) -> None:
    framework = framework_with_levels(3)
    competency = CompetencyFactory(framework=framework)
    profile = JobProfileFactory()
    with pytest.raises(ValidationError) as exc:
        services.set_expected_proficiencies(
            actor=org.hr_admin, job_profile=profile, levels={competency.pk: 4}
        )
    assert f"level_{competency.pk}" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.set_expected_proficiencies(
            actor=org.hr_admin, job_profile=profile, levels={987654: 1}
        )
    assert not ExpectedProficiency.objects.exists()
    assert not AuditEntry.objects.exists()


def test_unchanged_expected_proficiencies_write_no_audit_row(org: Org) -> None:
    framework = framework_with_levels(2)
    competency = CompetencyFactory(framework=framework)
    profile = JobProfileFactory()
    services.set_expected_proficiencies(
        actor=org.hr_admin, job_profile=profile, levels={competency.pk: 1}
    )
    services.set_expected_proficiencies(
        actor=org.hr_admin, job_profile=profile, levels={competency.pk: 1}
    )
    assert AuditEntry.objects.count() == 1


def test_set_expected_proficiencies_is_hr_admin_only(org: Org) -> None:
    framework = framework_with_levels(2)
    competency = CompetencyFactory(framework=framework)
    with pytest.raises(PermissionDenied):
        services.set_expected_proficiencies(
            actor=org.manager.user, job_profile=JobProfileFactory(), levels={competency.pk: 1}
        )
