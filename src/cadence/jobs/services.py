"""Writes to the job architecture: families, levels, pay grades, job
profiles, competency frameworks (competencies, proficiency levels,
behavioural indicators) and the proficiency each job profile expects.

Each service is one transaction, is for HR admins only, validates with
field-level messages and records an audit row with the values before and
after. Deleting something still in use is refused with a message; the
usual answer is to deactivate it instead."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.core.services import assign_fields
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

FAMILY_FIELDS = ("name", "description")
LEVEL_FIELDS = ("code", "name", "rank", "description")
PAY_GRADE_FIELDS = ("code", "currency", "minimum", "midpoint", "maximum")
PROFILE_FIELDS = (
    "title",
    "family",
    "level",
    "pay_grade",
    "summary",
    "duties",
    "performance_standards",
    "is_active",
)
FRAMEWORK_FIELDS = ("name", "description", "is_active")
COMPETENCY_FIELDS = ("name", "category", "description")
PROFICIENCY_FIELDS = ("level", "name", "description")
INDICATOR_FIELDS = ("level", "description")

STALE_MESSAGE = (
    "This record was changed by someone else since you opened it. Reload it and try again."
)

M = TypeVar("M", bound=models.Model)


def can_manage_jobs(user: Any) -> bool:
    """Only HR admins design the job architecture."""
    return viewer_for(user).is_hr_admin


def _require_hr_admin(actor: User) -> None:
    if not can_manage_jobs(actor):
        raise PermissionDenied


def _label(obj: models.Model) -> str:
    return obj._meta.label_lower.split(".")[1]


def _action(obj: models.Model, verb: str) -> str:
    names = {
        "jobfamily": "job_family",
        "joblevel": "job_level",
        "paygrade": "pay_grade",
        "jobprofile": "job_profile",
        "competencyframework": "competency_framework",
        "competency": "competency",
        "proficiencylevel": "proficiency_level",
        "behaviouralindicator": "behavioural_indicator",
    }
    return f"{names[_label(obj)]}.{verb}"


def _create(actor: User, obj: M, values: Mapping[str, Any], fields: tuple[str, ...]) -> M:
    assign_fields(obj, values, fields)
    obj.full_clean()
    obj.save()
    audit.record(actor, _action(obj, "create"), obj, after=audit.snapshot(obj, fields))
    return obj


def _update(
    actor: User,
    obj: M,
    values: Mapping[str, Any],
    fields: tuple[str, ...],
    expected_version: int | None = None,
) -> M:
    """Lock the row, apply the values, and audit only what changed. Models
    with a `version` refuse an edit made against an older version."""
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    current_version: int | None = getattr(obj, "version", None)
    versioned = current_version is not None
    if versioned and expected_version is not None and expected_version != current_version:
        raise ValidationError({"version": STALE_MESSAGE})
    before = audit.snapshot(obj, fields)
    assign_fields(obj, values, fields)
    obj.full_clean()
    old, new = audit.changed(before, audit.snapshot(obj, fields))
    if new:
        if versioned:
            obj.version = (current_version or 0) + 1  # type: ignore[attr-defined]
        obj.save()
        audit.record(actor, _action(obj, "update"), obj, before=old, after=new)
    return obj


def _delete(actor: User, obj: models.Model, fields: tuple[str, ...], in_use: str) -> None:
    """Delete, turning a protected reference into a message instead of a crash."""
    audit.record(actor, _action(obj, "delete"), obj, before=audit.snapshot(obj, fields))
    try:
        with transaction.atomic():
            obj.delete()
    except models.ProtectedError:
        raise ValidationError(in_use) from None


# --- job families, levels and pay grades ----------------------------------------


@transaction.atomic
def create_job_family(*, actor: User, **values: Any) -> JobFamily:
    """Add a job family (e.g. Engineering, Sales)."""
    _require_hr_admin(actor)
    return _create(actor, JobFamily(), values, FAMILY_FIELDS)


@transaction.atomic
def update_job_family(*, actor: User, family: JobFamily, **values: Any) -> JobFamily:
    """Rename or describe a job family."""
    _require_hr_admin(actor)
    return _update(actor, family, values, FAMILY_FIELDS)


@transaction.atomic
def delete_job_family(*, actor: User, family: JobFamily) -> None:
    """Delete a job family no job profile belongs to."""
    _require_hr_admin(actor)
    in_use = "Job profiles still belong to this family. Move them first."
    _delete(actor, family, FAMILY_FIELDS, in_use)


@transaction.atomic
def create_job_level(*, actor: User, **values: Any) -> JobLevel:
    """Add a job level (code, name, rank: higher is more senior)."""
    _require_hr_admin(actor)
    return _create(actor, JobLevel(), values, LEVEL_FIELDS)


@transaction.atomic
def update_job_level(*, actor: User, level: JobLevel, **values: Any) -> JobLevel:
    """Change a job level."""
    _require_hr_admin(actor)
    return _update(actor, level, values, LEVEL_FIELDS)


@transaction.atomic
def delete_job_level(*, actor: User, level: JobLevel) -> None:
    """Delete a job level no job profile uses."""
    _require_hr_admin(actor)
    _delete(actor, level, LEVEL_FIELDS, "Job profiles still use this level. Move them first.")


def _check_pay_range(grade: PayGrade) -> None:
    low, mid, high = grade.minimum, grade.midpoint, grade.maximum
    if not all(isinstance(v, Decimal | int | float) for v in (low, mid, high)):
        return  # full_clean reports missing or malformed amounts
    errors: dict[str, str] = {}
    if low > mid:
        errors["midpoint"] = "The midpoint must not be below the minimum."
    if mid > high:
        errors["maximum"] = "The maximum must not be below the midpoint."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_pay_grade(*, actor: User, **values: Any) -> PayGrade:
    """Add a pay grade with its minimum ≤ midpoint ≤ maximum range."""
    _require_hr_admin(actor)
    grade = PayGrade()
    assign_fields(grade, values, PAY_GRADE_FIELDS)
    _check_pay_range(grade)
    return _create(actor, grade, {}, PAY_GRADE_FIELDS)


@transaction.atomic
def update_pay_grade(*, actor: User, grade: PayGrade, **values: Any) -> PayGrade:
    """Change a pay grade's code, currency or range."""
    _require_hr_admin(actor)
    probe = PayGrade(**{name: values.get(name, getattr(grade, name)) for name in PAY_GRADE_FIELDS})
    _check_pay_range(probe)
    return _update(actor, grade, values, PAY_GRADE_FIELDS)


@transaction.atomic
def delete_pay_grade(*, actor: User, grade: PayGrade) -> None:
    """Delete a pay grade no job profile uses."""
    _require_hr_admin(actor)
    in_use = "Job profiles still use this pay grade. Move them first."
    _delete(actor, grade, PAY_GRADE_FIELDS, in_use)


# --- job profiles -------------------------------------------------------------


@transaction.atomic
def create_job_profile(*, actor: User, **values: Any) -> JobProfile:
    """Write a job profile: title, family, level, pay grade, summary, duties
    and performance standards (one per line)."""
    _require_hr_admin(actor)
    return _create(actor, JobProfile(), values, PROFILE_FIELDS)


@transaction.atomic
def update_job_profile(
    *, actor: User, job_profile: JobProfile, expected_version: int | None = None, **values: Any
) -> JobProfile:
    """Change a job profile. With `expected_version`, a concurrent edit is
    refused instead of silently overwritten."""
    _require_hr_admin(actor)
    return _update(actor, job_profile, values, PROFILE_FIELDS, expected_version)


@transaction.atomic
def delete_job_profile(*, actor: User, job_profile: JobProfile) -> None:
    """Delete a job profile nobody holds. Profiles in use are deactivated
    instead (see `update_job_profile(is_active=False)`)."""
    _require_hr_admin(actor)
    _delete(
        actor,
        job_profile,
        PROFILE_FIELDS,
        "Employees still hold this job profile. Deactivate it instead, or move them first.",
    )


# --- competency frameworks ------------------------------------------------------


@transaction.atomic
def create_framework(*, actor: User, **values: Any) -> CompetencyFramework:
    """Add a competency framework."""
    _require_hr_admin(actor)
    return _create(actor, CompetencyFramework(), values, FRAMEWORK_FIELDS)


@transaction.atomic
def update_framework(
    *,
    actor: User,
    framework: CompetencyFramework,
    expected_version: int | None = None,
    **values: Any,
) -> CompetencyFramework:
    """Rename, describe, activate or deactivate a framework. With
    `expected_version`, a concurrent edit is refused."""
    _require_hr_admin(actor)
    return _update(actor, framework, values, FRAMEWORK_FIELDS, expected_version)


@transaction.atomic
def delete_framework(*, actor: User, framework: CompetencyFramework) -> None:
    """Delete a framework no job profile expects anything from."""
    _require_hr_admin(actor)
    if ExpectedProficiency.objects.filter(competency__framework=framework).exists():
        raise ValidationError(
            "Job profiles expect competencies from this framework. Deactivate it instead."
        )
    _delete(actor, framework, FRAMEWORK_FIELDS, "This framework is still in use.")


@transaction.atomic
def create_competency(*, actor: User, framework: CompetencyFramework, **values: Any) -> Competency:
    """Add a competency (core, leadership or functional) to a framework."""
    _require_hr_admin(actor)
    return _create(actor, Competency(framework=framework), values, COMPETENCY_FIELDS)


@transaction.atomic
def update_competency(*, actor: User, competency: Competency, **values: Any) -> Competency:
    """Rename, recategorise or describe a competency."""
    _require_hr_admin(actor)
    return _update(actor, competency, values, COMPETENCY_FIELDS)


@transaction.atomic
def delete_competency(*, actor: User, competency: Competency) -> None:
    """Delete a competency no job profile expects."""
    _require_hr_admin(actor)
    if competency.expected_by.exists():
        raise ValidationError(
            "Job profiles expect this competency. Remove it from their expected "
            "proficiencies first."
        )
    _delete(actor, competency, COMPETENCY_FIELDS, "This competency is still in use.")


@transaction.atomic
def create_proficiency_level(
    *, actor: User, framework: CompetencyFramework, **values: Any
) -> ProficiencyLevel:
    """Add a step to a framework's proficiency scale."""
    _require_hr_admin(actor)
    return _create(actor, ProficiencyLevel(framework=framework), values, PROFICIENCY_FIELDS)


def _level_in_use(framework_id: int, level: int) -> str | None:
    if ExpectedProficiency.objects.filter(
        competency__framework_id=framework_id, level=level
    ).exists():
        return "Job profiles expect this level. Change their expected proficiencies first."
    if BehaviouralIndicator.objects.filter(
        competency__framework_id=framework_id, level=level
    ).exists():
        return "Behavioural indicators are written for this level. Move or delete them first."
    return None


@transaction.atomic
def update_proficiency_level(
    *, actor: User, proficiency_level: ProficiencyLevel, **values: Any
) -> ProficiencyLevel:
    """Rename or describe a proficiency level; renumbering a level in use is refused."""
    _require_hr_admin(actor)
    new_number = values.get("level", proficiency_level.level)
    if new_number != proficiency_level.level:
        problem = _level_in_use(proficiency_level.framework_id, proficiency_level.level)
        if problem:
            raise ValidationError({"level": problem})
    return _update(actor, proficiency_level, values, PROFICIENCY_FIELDS)


@transaction.atomic
def delete_proficiency_level(*, actor: User, proficiency_level: ProficiencyLevel) -> None:
    """Delete a proficiency level nothing refers to."""
    _require_hr_admin(actor)
    problem = _level_in_use(proficiency_level.framework_id, proficiency_level.level)
    if problem:
        raise ValidationError(problem)
    _delete(actor, proficiency_level, PROFICIENCY_FIELDS, "This level is still in use.")


def _framework_levels(framework_id: int) -> set[int]:
    return set(
        ProficiencyLevel.objects.filter(framework_id=framework_id).values_list("level", flat=True)
    )


def _check_indicator_level(indicator: BehaviouralIndicator) -> None:
    framework_id = indicator.competency.framework_id
    if indicator.level not in _framework_levels(framework_id):
        raise ValidationError({"level": "Choose one of the framework's proficiency levels."})


@transaction.atomic
def create_indicator(*, actor: User, competency: Competency, **values: Any) -> BehaviouralIndicator:
    """Describe what a competency looks like at one proficiency level."""
    _require_hr_admin(actor)
    indicator = BehaviouralIndicator(competency=competency)
    assign_fields(indicator, values, INDICATOR_FIELDS)
    _check_indicator_level(indicator)
    return _create(actor, indicator, {}, INDICATOR_FIELDS)


@transaction.atomic
def update_indicator(
    *, actor: User, indicator: BehaviouralIndicator, **values: Any
) -> BehaviouralIndicator:
    """Change a behavioural indicator's level or wording."""
    _require_hr_admin(actor)
    if "level" in values:
        probe = BehaviouralIndicator(competency=indicator.competency, level=values["level"])
        _check_indicator_level(probe)
    return _update(actor, indicator, values, INDICATOR_FIELDS)


@transaction.atomic
def delete_indicator(*, actor: User, indicator: BehaviouralIndicator) -> None:
    """Delete a behavioural indicator."""
    _require_hr_admin(actor)
    _delete(actor, indicator, INDICATOR_FIELDS, "This indicator is still in use.")


# --- expected proficiencies -----------------------------------------------------


@transaction.atomic
def set_expected_proficiencies(
    *, actor: User, job_profile: JobProfile, levels: Mapping[int, int | None]
) -> dict[int, int]:
    """Set the proficiency a job profile expects for each competency given;
    None removes the expectation. Each level must be one of the competency's
    framework levels. Returns the profile's expectations after the change."""
    _require_hr_admin(actor)
    profile = JobProfile.objects.select_for_update().get(pk=job_profile.pk)
    competencies = {
        c.pk: c for c in Competency.objects.filter(pk__in=list(levels)).select_related("framework")
    }
    allowed: dict[int, set[int]] = {}
    for framework_id, number in ProficiencyLevel.objects.filter(
        framework_id__in={c.framework_id for c in competencies.values()}
    ).values_list("framework_id", "level"):
        allowed.setdefault(framework_id, set()).add(number)
    errors: dict[str, str] = {}
    for competency_id, level in levels.items():
        competency = competencies.get(competency_id)
        if competency is None:
            errors[f"level_{competency_id}"] = "This competency does not exist."
        elif level is not None and level not in allowed.get(competency.framework_id, set()):
            errors[f"level_{competency_id}"] = (
                f"Choose one of the proficiency levels of {competency.framework}."
            )
    if errors:
        raise ValidationError(errors)

    current: dict[int, int] = dict(
        ExpectedProficiency.objects.filter(job_profile=profile).values_list(
            "competency_id", "level"
        )
    )
    before: dict[str, int | None] = {}
    after: dict[str, int | None] = {}
    to_delete: list[int] = []
    for competency_id, level in levels.items():
        old = current.get(competency_id)
        if old == level:
            continue
        before[str(competency_id)] = old
        after[str(competency_id)] = level
        if level is None:
            to_delete.append(competency_id)
        else:
            ExpectedProficiency.objects.update_or_create(
                job_profile=profile, competency_id=competency_id, defaults={"level": level}
            )
            current[competency_id] = level
    if to_delete:
        ExpectedProficiency.objects.filter(
            job_profile=profile, competency_id__in=to_delete
        ).delete()
        for competency_id in to_delete:
            current.pop(competency_id, None)
    if after:
        audit.record(
            actor, "job_profile.set_expected_proficiencies", profile, before=before, after=after
        )
    return current
