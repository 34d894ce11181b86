"""/api/v1 endpoints for rating scales and review templates; mounted by
reviews/api.py. Everyone in the organisation reads them; only HR admins
write (403 for anyone else who can read them). Anyone with no place in the
organisation reads nothing: 404 on a record, an empty list."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from cadence.api.errors import DETAIL_ERRORS, READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, responses
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.api.related import resolve_related
from cadence.core.models import User
from cadence.reviews import selectors_admin as selectors
from cadence.reviews import services_admin as services
from cadence.reviews.models import RatingScale, ReviewTemplate
from cadence.reviews.schemas_admin import (
    ProgrammeFilters,
    RatingScaleCreate,
    RatingScaleOut,
    RatingScalePatch,
    ReviewTemplateCreate,
    ReviewTemplateDetailOut,
    ReviewTemplateOut,
    ReviewTemplatePatch,
    TemplateCopy,
    scale_out,
    template_detail_out,
    template_out,
)

router = Router(tags=["reviews"])

# A write on a record that exists: 404 when the caller may not read it,
# 403 when they may read it but not change it.
CHILD_WRITE_ERRORS = responses(400, 401, 403, 404, 422)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _filters(filters: ProgrammeFilters) -> selectors.ProgrammeFilters:
    return selectors.ProgrammeFilters(q=filters.q, archived=filters.archived)


def _scale(user: User, scale_id: int) -> RatingScale:
    """The scale, or 404 when the caller may not read it."""
    if not 0 < scale_id <= MAX_ID:
        raise Http404
    return selectors.get_scale(user, scale_id)


def _template(user: User, template_id: int) -> ReviewTemplate:
    """The template, or 404 when the caller may not read it."""
    if not 0 < template_id <= MAX_ID:
        raise Http404
    return selectors.get_template(user, template_id)


def _template_detail(user: User, template_id: int) -> dict[str, Any]:
    template = selectors.get_template(user, template_id)
    return template_detail_out(selectors.template_structure(template))


def _sections(values: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Enum members as their plain values, so the audit stores strings."""
    if values is None:
        return None
    for section in values:
        section["reviewer_kinds"] = [str(k) for k in section["reviewer_kinds"]]
        for question in section["questions"]:
            question["reviewer_kinds"] = [str(k) for k in question["reviewer_kinds"]]
    return values


# --- rating scales -----------------------------------------------------------


@router.get(
    "/rating-scales",
    response={200: Page[RatingScaleOut], **READ_ERRORS},
    summary="List rating scales",
)
def list_rating_scales(
    request: HttpRequest, filters: Query[ProgrammeFilters], page: Query[PageParams]
) -> Any:
    """Every rating scale, by name, with its levels."""
    count, items = paginate(selectors.scales_for(_user(request), _filters(filters)), page)
    return {"count": count, "items": [scale_out(s) for s in items]}


@router.post(
    "/rating-scales",
    response={201: RatingScaleOut, **WRITE_ERRORS},
    summary="Add a rating scale",
)
def create_rating_scale(request: HttpRequest, payload: RatingScaleCreate) -> Any:
    """HR admins only. At least two levels, each value used once."""
    user = _user(request)
    scale = services.save_scale(actor=user, **payload.dict())
    return Status(201, scale_out(selectors.get_scale(user, scale.pk)))


@router.get(
    "/rating-scales/{scale_id}",
    response={200: RatingScaleOut, **DETAIL_ERRORS},
    summary="Read a rating scale",
)
def get_rating_scale(request: HttpRequest, scale_id: int) -> Any:
    return scale_out(_scale(_user(request), scale_id))


@router.patch(
    "/rating-scales/{scale_id}",
    response={200: RatingScaleOut, **UPDATE_ERRORS},
    summary="Change, archive or restore a rating scale",
)
def update_rating_scale(request: HttpRequest, scale_id: int, payload: RatingScalePatch) -> Any:
    """HR admins only. Send the `version` you read to be told (409) when
    someone else changed the scale in the meantime. While a launched cycle
    uses the scale its level values stay (422 on `levels`)."""
    user = _user(request)
    scale = _scale(user, scale_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    archived = changes.pop("is_archived", None)
    with transaction.atomic():
        saved = services.save_scale(
            actor=user,
            scale=scale,
            expected_version=version,
            **{**selectors.scale_values(scale), **changes},
        )
        if archived is not None:
            services.archive_scale(actor=user, scale=saved, archived=archived)
    return scale_out(selectors.get_scale(user, scale.pk))


# --- review templates --------------------------------------------------------


@router.get(
    "/review-templates",
    response={200: Page[ReviewTemplateOut], **READ_ERRORS},
    summary="List review templates",
)
def list_review_templates(
    request: HttpRequest, filters: Query[ProgrammeFilters], page: Query[PageParams]
) -> Any:
    """Every review template, by name, with how many cycles use it."""
    count, items = paginate(selectors.templates_for(_user(request), _filters(filters)), page)
    return {"count": count, "items": [template_out(t) for t in items]}


@router.post(
    "/review-templates",
    response={201: ReviewTemplateDetailOut, **WRITE_ERRORS},
    summary="Add a review template",
)
def create_review_template(request: HttpRequest, payload: ReviewTemplateCreate) -> Any:
    """HR admins only. The whole template: sections in order, each with its
    questions. Every problem is reported at once, under its path (e.g.
    `sections.1.questions.0.choices`)."""
    user = _user(request)
    values = payload.dict()
    values["sections"] = _sections(values["sections"])
    values = resolve_related(values, {"rating_scale": selectors.scales_for(user)})
    template = services.save_template(actor=user, **values)
    return Status(201, _template_detail(user, template.pk))


@router.get(
    "/review-templates/{template_id}",
    response={200: ReviewTemplateDetailOut, **DETAIL_ERRORS},
    summary="Read a review template",
)
def get_review_template(request: HttpRequest, template_id: int) -> Any:
    """The template with its sections and questions, in order."""
    user = _user(request)
    return template_detail_out(selectors.template_structure(_template(user, template_id)))


@router.patch(
    "/review-templates/{template_id}",
    response={200: ReviewTemplateDetailOut, **UPDATE_ERRORS},
    summary="Change, archive or restore a review template",
)
def update_review_template(
    request: HttpRequest, template_id: int, payload: ReviewTemplatePatch
) -> Any:
    """HR admins only. Send the `version` you read to be told (409) when
    someone else changed the template in the meantime. A template used by a
    cycle past draft cannot change (422; copy it), but may be archived."""
    user = _user(request)
    template = _template(user, template_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    archived = changes.pop("is_archived", None)
    if "sections" in changes:
        changes["sections"] = _sections(changes["sections"])
    changes = resolve_related(changes, {"rating_scale": selectors.scales_for(user)})
    with transaction.atomic():
        saved = services.save_template(
            actor=user,
            template=template,
            expected_version=version,
            **{**selectors.template_values(template), **changes},
        )
        if archived is not None:
            services.archive_template(actor=user, template=saved, archived=archived)
    return _template_detail(user, template.pk)


@router.post(
    "/review-templates/{template_id}/copy",
    response={201: ReviewTemplateDetailOut, **CHILD_WRITE_ERRORS},
    summary="Copy a review template",
)
def copy_review_template(request: HttpRequest, template_id: int, payload: TemplateCopy) -> Any:
    """HR admins only. A new, current template with the same scale,
    sections and questions, under a new name: how to change a template a
    launched cycle uses."""
    user = _user(request)
    template = _template(user, template_id)
    copy = services.copy_template(actor=user, template=template, name=payload.name)
    return Status(201, _template_detail(user, copy.pk))
