"""Job architecture pages. Everyone in the organisation may read job
profiles and competency frameworks; only HR admins see (and may use) the
write pages; for anyone else those answer 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cadence.core.models import User
from cadence.jobs import selectors, services
from cadence.jobs.forms import (
    BehaviouralIndicatorForm,
    CompetencyForm,
    CompetencyFrameworkForm,
    ExpectedProficiencyForm,
    JobFamilyForm,
    JobLevelForm,
    JobProfileForm,
    PayGradeForm,
    ProficiencyLevelForm,
    apply_service_errors,
)
from cadence.jobs.models import (
    BehaviouralIndicator,
    Competency,
    CompetencyFramework,
    JobFamily,
    JobLevel,
    JobProfile,
    PayGrade,
    ProficiencyLevel,
)

PROFILES_PER_PAGE = 25

View = Callable[..., HttpResponse]


def readers_only(view: View) -> View:
    """Signed in and part of the organisation; anyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.can_read_jobs(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def hr_admin_only(view: View) -> View:
    """Write pages exist only for HR admins: 404 for everyone else."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.can_manage_jobs(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _actor(request: HttpRequest) -> User:
    """The signed-in user (the decorators above have checked there is one)."""
    return cast(User, request.user)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- job profiles -----------------------------------------------------------------


@readers_only
def profile_list(request: HttpRequest) -> HttpResponse:
    """Job profiles: search by title, filter by family, level and status."""
    active_param = request.GET.get("active", "")
    filters = selectors.JobProfileFilters(
        q=request.GET.get("q", "").strip(),
        family=_int_or_none(request.GET.get("family")),
        level=_int_or_none(request.GET.get("level")),
        active={"1": True, "0": False}.get(active_param),
    )
    page = Paginator(selectors.job_profiles(request.user, filters), PROFILES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "jobs/profile_list.html",
        {
            "page": page,
            "filters": filters,
            "active_param": active_param,
            "families": JobFamily.objects.all(),
            "levels": JobLevel.objects.all(),
            "filtered": bool(filters.q or filters.family or filters.level or active_param),
            "can_manage": services.can_manage_jobs(request.user),
        },
    )


@readers_only
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job profile: duties, performance standards and expected proficiencies."""
    try:
        profile = selectors.get_job_profile(request.user, pk)
    except JobProfile.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "jobs/profile_detail.html",
        {
            "profile": profile,
            "rows": selectors.expected_proficiency_rows(profile),
            "can_manage": services.can_manage_jobs(request.user),
        },
    )


@hr_admin_only
def profile_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit a job profile; the hidden version refuses stale edits."""
    profile = get_object_or_404(JobProfile, pk=pk) if pk else None
    form = JobProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            if profile is None:
                values = form.service_values()
                profile = services.create_job_profile(actor=_actor(request), **values)
            else:
                profile = services.update_job_profile(
                    actor=_actor(request),
                    job_profile=profile,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_values(),
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Saved “{profile}”.")
            return redirect("jobs:profile_detail", pk=profile.pk)
    return render(
        request,
        "jobs/form.html",
        {
            "form": form,
            "title": f"Edit {profile}" if profile else "New job profile",
            "cancel_url": reverse("jobs:profile_detail", args=[profile.pk])
            if profile
            else reverse("jobs:profile_list"),
        },
    )


@hr_admin_only
def profile_proficiencies(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the expected proficiency of each competency for a job profile."""
    profile = get_object_or_404(JobProfile, pk=pk)
    rows = selectors.competency_editor_rows(profile)
    form = ExpectedProficiencyForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_expected_proficiencies(
                actor=_actor(request), job_profile=profile, levels=form.levels()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Expected proficiencies saved.")
            return redirect("jobs:profile_detail", pk=profile.pk)
    return render(request, "jobs/profile_proficiencies.html", {"profile": profile, "form": form})


@hr_admin_only
def profile_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete a job profile, or deactivate one still in use."""
    profile = get_object_or_404(JobProfile, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("deactivate"):
                services.update_job_profile(
                    actor=_actor(request), job_profile=profile, is_active=False
                )
                messages.success(request, f"Deactivated “{profile}”.")
                return redirect("jobs:profile_detail", pk=profile.pk)
            services.delete_job_profile(actor=_actor(request), job_profile=profile)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Deleted “{profile}”.")
            return redirect("jobs:profile_list")
    return render(
        request,
        "jobs/confirm_delete.html",
        {
            "object": profile,
            "kind": "job profile",
            "error": error,
            "can_deactivate": profile.is_active,
            "cancel_url": reverse("jobs:profile_detail", args=[profile.pk]),
        },
        status=400 if error else 200,
    )


# --- competency frameworks ------------------------------------------------------


@readers_only
def framework_list(request: HttpRequest) -> HttpResponse:
    """Competency frameworks with their sizes."""
    return render(
        request,
        "jobs/framework_list.html",
        {
            "frameworks": selectors.frameworks(request.user),
            "can_manage": services.can_manage_jobs(request.user),
        },
    )


@readers_only
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A framework: its proficiency scale and its competencies by category,
    each with its behavioural indicators."""
    try:
        framework = selectors.get_framework(request.user, pk)
    except CompetencyFramework.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "jobs/framework_detail.html",
        {
            "framework": framework,
            "groups": selectors.competencies_by_category(framework),
            "can_manage": services.can_manage_jobs(request.user),
        },
    )


# --- generic create / edit / delete for the smaller records ------------------------


@dataclass(frozen=True)
class Kind:
    """How the pages create, edit and delete one kind of record."""

    model: type[models.Model]
    form: type[forms.ModelForm]
    noun: str
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., None]
    instance_kw: str
    parent_model: type[models.Model] | None = None
    parent_kw: str = ""
    back: Callable[[Any], str] = lambda obj: reverse("jobs:architecture")


def _to_framework(obj: Any) -> str:
    return reverse("jobs:framework_detail", args=[obj.framework_id])


KINDS: dict[str, Kind] = {
    "family": Kind(
        JobFamily,
        JobFamilyForm,
        "job family",
        services.create_job_family,
        services.update_job_family,
        services.delete_job_family,
        "family",
    ),
    "job_level": Kind(
        JobLevel,
        JobLevelForm,
        "job level",
        services.create_job_level,
        services.update_job_level,
        services.delete_job_level,
        "level",
    ),
    "pay_grade": Kind(
        PayGrade,
        PayGradeForm,
        "pay grade",
        services.create_pay_grade,
        services.update_pay_grade,
        services.delete_pay_grade,
        "grade",
    ),
    "framework": Kind(
        CompetencyFramework,
        CompetencyFrameworkForm,
        "competency framework",
        services.create_framework,
        services.update_framework,
        services.delete_framework,
        "framework",
        back=lambda obj: (
            reverse("jobs:framework_detail", args=[obj.pk])
            if obj.pk
            else reverse("jobs:framework_list")
        ),
    ),
    "competency": Kind(
        Competency,
        CompetencyForm,
        "competency",
        services.create_competency,
        services.update_competency,
        services.delete_competency,
        "competency",
        parent_model=CompetencyFramework,
        parent_kw="framework",
        back=_to_framework,
    ),
    "proficiency_level": Kind(
        ProficiencyLevel,
        ProficiencyLevelForm,
        "proficiency level",
        services.create_proficiency_level,
        services.update_proficiency_level,
        services.delete_proficiency_level,
        "proficiency_level",
        parent_model=CompetencyFramework,
        parent_kw="framework",
        back=_to_framework,
    ),
    "indicator": Kind(
        BehaviouralIndicator,
        BehaviouralIndicatorForm,
        "behavioural indicator",
        services.create_indicator,
        services.update_indicator,
        services.delete_indicator,
        "indicator",
        parent_model=Competency,
        parent_kw="competency",
        back=lambda obj: reverse("jobs:framework_detail", args=[obj.competency.framework_id]),
    ),
}


@hr_admin_only
def record_form(
    request: HttpRequest, kind: str, pk: int | None = None, parent_pk: int | None = None
) -> HttpResponse:
    """Create (under a parent, when the record has one) or edit a record."""
    spec = KINDS[kind]
    if pk is not None:
        obj = get_object_or_404(spec.model, pk=pk)
        parent = None
    else:
        parent = get_object_or_404(spec.parent_model, pk=parent_pk) if spec.parent_model else None
        obj = spec.model(**({spec.parent_kw: parent} if parent else {}))
    form = spec.form(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form._meta.fields or ()}
        if pk is not None and "version" in form.fields:
            values["expected_version"] = form.cleaned_data.get("version")
        try:
            if pk is not None:
                saved = spec.update(actor=_actor(request), **{spec.instance_kw: obj}, **values)
            elif parent is not None:
                saved = spec.create(actor=_actor(request), **{spec.parent_kw: parent}, **values)
            else:
                saved = spec.create(actor=_actor(request), **values)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {spec.noun} “{saved}”.")
            return redirect(spec.back(saved))
    noun = spec.noun
    title = f"Edit {noun}: {obj}" if pk is not None else f"New {noun}"
    if parent is not None:
        title = f"{title} in {parent}"
    return render(
        request, "jobs/form.html", {"form": form, "title": title, "cancel_url": spec.back(obj)}
    )


@hr_admin_only
def record_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes, or explains why it cannot."""
    spec = KINDS[kind]
    obj = get_object_or_404(spec.model, pk=pk)
    back = spec.back(obj)
    error = ""
    if request.method == "POST":
        try:
            spec.delete(actor=_actor(request), **{spec.instance_kw: obj})
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Deleted {spec.noun} “{obj}”.")
            if kind == "framework":
                back = reverse("jobs:framework_list")
            return redirect(back)
    return render(
        request,
        "jobs/confirm_delete.html",
        {"object": obj, "kind": spec.noun, "error": error, "cancel_url": back},
        status=400 if error else 200,
    )


@readers_only
def architecture(request: HttpRequest) -> HttpResponse:
    """Job families, levels and pay grades on one page."""
    return render(
        request,
        "jobs/architecture.html",
        {
            **selectors.job_architecture(request.user),
            "can_manage": services.can_manage_jobs(request.user),
        },
    )
