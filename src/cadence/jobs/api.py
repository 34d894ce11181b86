"""/api/v1 endpoints for the job architecture: job profiles (with the
proficiency each expects) and competencies. Read-only; everyone with a
place in the organisation may read them."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cadence.api.errors import DETAIL_ERRORS, READ_ERRORS
from cadence.api.fields import MAX_ID, Id
from cadence.api.pagination import Page, PageParams, paginate
from cadence.core.permissions import viewer_for
from cadence.jobs.models import Competency, CompetencyCategory, ExpectedProficiency, JobProfile

router = Router(tags=["jobs"])


class FamilyRef(Schema):
    id: int
    name: str


class LevelRef(Schema):
    id: int
    code: str
    name: str
    rank: int


class FrameworkRef(Schema):
    id: int
    name: str


class CompetencyOut(Schema):
    id: int
    name: str
    category: CompetencyCategory
    description: str
    framework: FrameworkRef


class CompetencyRef(Schema):
    id: int
    name: str
    category: CompetencyCategory


class ExpectedProficiencyOut(Schema):
    competency: CompetencyRef
    level: int


class JobProfileOut(Schema):
    id: int
    title: str
    family: FamilyRef
    level: LevelRef
    summary: str
    duties: list[str] = Field(alias="duty_list")
    performance_standards: list[str] = Field(alias="standard_list")
    is_active: bool
    version: int


class JobProfileDetailOut(JobProfileOut):
    expected_proficiencies: list[ExpectedProficiencyOut]

    @staticmethod
    def resolve_expected_proficiencies(obj: JobProfile) -> list[ExpectedProficiency]:
        return list(obj.expected_proficiencies.all())


class JobProfileFilters(Schema):
    family: Id | None = None
    level: Id | None = None
    is_active: bool | None = None


class CompetencyFilters(Schema):
    framework: Id | None = None
    category: CompetencyCategory | None = None


def _in_organisation(request: HttpRequest) -> bool:
    return viewer_for(request.user).in_organisation


def _profiles(request: HttpRequest) -> QuerySet[JobProfile]:
    if not _in_organisation(request):
        return JobProfile.objects.none()
    return JobProfile.objects.select_related("family", "level").order_by("title", "id")


@router.get("/job-profiles", response={200: Page[JobProfileOut], **READ_ERRORS})
def list_job_profiles(
    request: HttpRequest, filters: Query[JobProfileFilters], page: Query[PageParams]
) -> Any:
    """Job profiles, by title."""
    queryset = _profiles(request)
    if filters.family is not None:
        queryset = queryset.filter(family_id=filters.family)
    if filters.level is not None:
        queryset = queryset.filter(level_id=filters.level)
    if filters.is_active is not None:
        queryset = queryset.filter(is_active=filters.is_active)
    count, items = paginate(queryset, page)
    return {"count": count, "items": items}


@router.get("/job-profiles/{job_profile_id}", response={200: JobProfileDetailOut, **DETAIL_ERRORS})
def get_job_profile(request: HttpRequest, job_profile_id: int) -> Any:
    """One job profile with the proficiency it expects in each competency."""
    if not 0 < job_profile_id <= MAX_ID:
        raise JobProfile.DoesNotExist
    expected = ExpectedProficiency.objects.select_related("competency").order_by(
        "competency__category", "competency__name"
    )
    return (
        _profiles(request)
        .prefetch_related(Prefetch("expected_proficiencies", queryset=expected))
        .get(pk=job_profile_id)
    )


@router.get("/competencies", response={200: Page[CompetencyOut], **READ_ERRORS})
def list_competencies(
    request: HttpRequest, filters: Query[CompetencyFilters], page: Query[PageParams]
) -> Any:
    """Competencies, by framework, category and name."""
    if not _in_organisation(request):
        queryset = Competency.objects.none()
    else:
        queryset = Competency.objects.select_related("framework").order_by(
            "framework__name", "category", "name", "id"
        )
    if filters.framework is not None:
        queryset = queryset.filter(framework_id=filters.framework)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    count, items = paginate(queryset, page)
    return {"count": count, "items": items}
