"""Reads of the job architecture. Job profiles and competency frameworks are
organisation-wide reference data: everyone in the organisation may read
them; logins with no place in it (auditors, outsiders) see nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from cadence.core.permissions import viewer_for
from cadence.jobs.models import (
    BehaviouralIndicator,
    Competency,
    CompetencyCategory,
    CompetencyFramework,
    ExpectedProficiency,
    JobFamily,
    JobLevel,
    JobProfile,
    PayGrade,
    ProficiencyLevel,
)


def can_read_jobs(user: Any) -> bool:
    return viewer_for(user).in_organisation


@dataclass(frozen=True)
class JobProfileFilters:
    q: str = ""
    family: int | None = None
    level: int | None = None
    active: bool | None = None


def job_profiles(user: Any, filters: JobProfileFilters | None = None) -> QuerySet[JobProfile]:
    """The job profiles `user` may read, searched by title and filtered, with
    family, level and pay grade joined."""
    if not can_read_jobs(user):
        return JobProfile.objects.none()
    f = filters or JobProfileFilters()
    qs = JobProfile.objects.select_related("family", "level", "pay_grade")
    for term in f.q.split()[:5]:
        qs = qs.filter(title__icontains=term)
    if f.family is not None:
        qs = qs.filter(family_id=f.family)
    if f.level is not None:
        qs = qs.filter(level_id=f.level)
    if f.active is not None:
        qs = qs.filter(is_active=f.active)
    return qs.order_by("title", "level__rank", "pk")


@dataclass
class ExpectedRow:
    """One competency a job profile expects, at which level, and what that
    level looks like in practice."""

    expected: ExpectedProficiency
    level_name: str = ""
    indicators: list[BehaviouralIndicator] = field(default_factory=list)

    @property
    def competency(self) -> Competency:
        return self.expected.competency


def get_job_profile(user: Any, pk: int) -> JobProfile:
    """One job profile, or JobProfile.DoesNotExist when `user` may not read it."""
    return job_profiles(user).get(pk=pk)


def expected_proficiency_rows(profile: JobProfile) -> list[ExpectedRow]:
    """The profile's expectations with level names and the behavioural
    indicators at the expected level, in three queries."""
    expected = list(
        ExpectedProficiency.objects.filter(job_profile=profile)
        .select_related("competency__framework")
        .order_by("competency__framework__name", "competency__category", "competency__name")
    )
    competency_ids = [e.competency_id for e in expected]
    framework_ids = {e.competency.framework_id for e in expected}
    names = {
        (fw, lvl): name
        for fw, lvl, name in ProficiencyLevel.objects.filter(
            framework_id__in=framework_ids
        ).values_list("framework_id", "level", "name")
    }
    wanted = Q()
    for e in expected:
        wanted |= Q(competency_id=e.competency_id, level=e.level)
    by_key: dict[tuple[int, int], list[BehaviouralIndicator]] = {}
    if competency_ids:
        for indicator in BehaviouralIndicator.objects.filter(wanted):
            by_key.setdefault((indicator.competency_id, indicator.level), []).append(indicator)
    return [
        ExpectedRow(
            expected=e,
            level_name=names.get((e.competency.framework_id, e.level), ""),
            indicators=by_key.get((e.competency_id, e.level), []),
        )
        for e in expected
    ]


def frameworks(user: Any) -> QuerySet[CompetencyFramework]:
    """Competency frameworks with their competency and level counts."""
    if not can_read_jobs(user):
        return CompetencyFramework.objects.none()
    return CompetencyFramework.objects.annotate(
        competency_count=Count("competencies", distinct=True),
        level_count=Count("levels", distinct=True),
    ).order_by("name")


def get_framework(user: Any, pk: int) -> CompetencyFramework:
    """One framework with levels, competencies and indicators prefetched."""
    if not can_read_jobs(user):
        raise CompetencyFramework.DoesNotExist
    return CompetencyFramework.objects.prefetch_related(
        "levels",
        Prefetch(
            "competencies",
            queryset=Competency.objects.order_by("category", "name").prefetch_related(
                Prefetch(
                    "indicators", queryset=BehaviouralIndicator.objects.order_by("level", "id")
                )
            ),
        ),
    ).get(pk=pk)


@dataclass
class CategoryGroup:
    category: str
    label: str
    competencies: list[Competency]


def competencies_by_category(framework: CompetencyFramework) -> list[CategoryGroup]:
    """The framework's (prefetched) competencies grouped core → leadership → functional."""
    groups = []
    all_competencies = list(framework.competencies.all())
    for value, label in CompetencyCategory.choices:
        members = [c for c in all_competencies if c.category == value]
        if members:
            groups.append(CategoryGroup(value, str(label), members))
    return groups


def competency_editor_rows(
    profile: JobProfile,
) -> list[tuple[Competency, list[ProficiencyLevel], int | None]]:
    """Every competency of an active framework (plus any already expected),
    with its framework's levels and the level the profile expects now."""
    current = dict(
        ExpectedProficiency.objects.filter(job_profile=profile).values_list(
            "competency_id", "level"
        )
    )
    competencies = list(
        Competency.objects.filter(Q(framework__is_active=True) | Q(pk__in=list(current)))
        .select_related("framework")
        .order_by("framework__name", "category", "name")
    )
    levels: dict[int, list[ProficiencyLevel]] = {}
    for level in ProficiencyLevel.objects.filter(
        framework_id__in={c.framework_id for c in competencies}
    ).order_by("level"):
        levels.setdefault(level.framework_id, []).append(level)
    return [(c, levels.get(c.framework_id, []), current.get(c.pk)) for c in competencies]


def job_architecture(user: Any) -> dict[str, list[Any]]:
    """Families, levels and pay grades, each with how many profiles use it."""
    if not can_read_jobs(user):
        return {"families": [], "levels": [], "pay_grades": []}
    return {
        "families": list(JobFamily.objects.annotate(profile_count=Count("profiles"))),
        "levels": list(JobLevel.objects.annotate(profile_count=Count("profiles"))),
        "pay_grades": list(PayGrade.objects.annotate(profile_count=Count("profiles"))),
    }
