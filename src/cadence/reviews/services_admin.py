"""Writes to the review programme's design: rating scales and review
templates. HR admins only; one transaction per call; every change audited
with before and after snapshots (levels, sections and questions as nested
lists). Input is checked as a whole by `services_admin_rules` and every
problem reported at once, each under its field path (`levels.2.value`,
`sections.1.questions.0.choices`).

What a launched cycle uses is frozen: a template used by a cycle past
draft may not change at all (copy it instead), and a scale used by such a
template keeps its level values (labels and descriptions may change),
because answers, scores and results already refer to them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, ProtectedError, prefetch_related_objects

from cadence.core import audit
from cadence.core.models import User
from cadence.core.numbers import plain_number
from cadence.reviews.models import (
    Question,
    RatingLevel,
    RatingScale,
    ReviewTemplate,
    TemplateSection,
)
from cadence.reviews.selectors_admin import (
    can_design_programme,
    cycles_locking_scale,
    cycles_locking_template,
    template_values,
)
from cadence.reviews.services_admin_rules import (
    MAX_CHOICE_LENGTH,
    MAX_CHOICES,
    MAX_LEVEL_VALUE,
    MAX_LEVELS,
    MAX_QUESTIONS,
    MAX_SECTIONS,
    MAX_WEIGHT,
    MAX_WORD_LIMIT,
    Errors,
    add_error,
    check_name,
    clean_levels,
    clean_scale,
    clean_sections,
    clean_text,
    quoted,
)

__all__ = [
    "MAX_CHOICES",
    "MAX_CHOICE_LENGTH",
    "MAX_LEVELS",
    "MAX_LEVEL_VALUE",
    "MAX_QUESTIONS",
    "MAX_SECTIONS",
    "MAX_WEIGHT",
    "MAX_WORD_LIMIT",
    "STALE_SCALE_MESSAGE",
    "STALE_TEMPLATE_MESSAGE",
    "archive_scale",
    "archive_template",
    "copy_template",
    "save_scale",
    "save_template",
]

STALE_SCALE_MESSAGE = "This rating scale was changed by someone else. Reload it and try again."
STALE_TEMPLATE_MESSAGE = "This template was changed by someone else. Reload it and try again."


def _require_designer(actor: User) -> None:
    if not can_design_programme(actor):
        raise PermissionDenied


# --- rating scales ---------------------------------------------------------------------


def _levels_snapshot(levels: Iterable[Mapping[str, Any] | RatingLevel]) -> list[dict[str, Any]]:
    rows = [
        (lv.value, lv.label, lv.description)
        if isinstance(lv, RatingLevel)
        else (lv["value"], lv["label"], lv["description"])
        for lv in levels
    ]
    return [
        {"value": plain_number(value), "label": label, "description": description}
        for value, label, description in sorted(rows, key=lambda r: r[0])
    ]


def _scale_snapshot(
    name: str, description: str, allow_unable_to_rate: bool, levels: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "allow_unable_to_rate": allow_unable_to_rate,
        "levels": levels,
    }


def _check_scale_lock(
    scale: RatingScale, before: Mapping[str, Any], after: Mapping[str, Any], errors: Errors
) -> None:
    """A launched cycle's answers and results refer to the scale's values:
    those stay; labels and descriptions may be reworded."""
    old_values = {row["value"] for row in before["levels"]}
    new_values = {row["value"] for row in after["levels"]}
    turning_off = before["allow_unable_to_rate"] and not after["allow_unable_to_rate"]
    if old_values == new_values and not turning_off:
        return
    names = cycles_locking_scale(scale)
    if not names:
        return
    cycles = f"cycle{'s' if len(names) > 1 else ''} {quoted(names)}"
    if old_values != new_values:
        add_error(
            errors,
            "levels",
            f"This scale is in use by {cycles}, so its level values cannot change "
            "(labels and descriptions can). Make a new scale to use other values.",
        )
    if turning_off:
        add_error(
            errors,
            "allow_unable_to_rate",
            f"This scale is in use by {cycles}, whose reviewers may already have answered "
            "“unable to rate”; it cannot be turned off until they are closed.",
        )


def _replace_levels(scale: RatingScale, levels: list[dict[str, Any]]) -> None:
    """Levels as a set, matched by value: a kept value keeps its row (and
    the results pointing at it), others are added or removed."""
    existing = {level.value: level for level in scale.levels.all()}
    wanted = {row["value"]: row for row in levels}
    changed = []
    for value, level in existing.items():
        row = wanted.get(value)
        if row and (level.label, level.description) != (row["label"], row["description"]):
            level.label, level.description = row["label"], row["description"]
            changed.append(level)
    if changed:
        RatingLevel.objects.bulk_update(changed, ["label", "description"])
    gone = [level.pk for value, level in existing.items() if value not in wanted]
    if gone:
        try:
            RatingLevel.objects.filter(pk__in=gone).delete()
        except ProtectedError:
            raise ValidationError(
                {"levels": "Some review results use a level you removed; keep its value."}
            ) from None
    RatingLevel.objects.bulk_create(
        RatingLevel(scale=scale, value=value, label=row["label"], description=row["description"])
        for value, row in wanted.items()
        if value not in existing
    )


@transaction.atomic
def save_scale(
    *,
    actor: User,
    scale: RatingScale | None = None,
    expected_version: int | None = None,
    name: str,
    description: str = "",
    allow_unable_to_rate: bool = True,
    levels: Sequence[Mapping[str, Any]],
) -> RatingScale:
    """Create a rating scale, or change one (HR admin). `levels` replace the
    scale's levels as a set, matched by value: each is {value, label,
    description}; at least two, values unique, 0 to 999.99, labels not
    empty. While a launched cycle uses the scale its values (and "unable to
    rate", once allowed) stay. With `expected_version`, a concurrent edit
    is refused (error on `version`)."""
    _require_designer(actor)
    creating = scale is None
    if scale is None:
        scale = RatingScale()
        before: dict[str, Any] = {}
    else:
        scale = RatingScale.objects.select_for_update().get(pk=scale.pk)
        if expected_version is not None and expected_version != scale.version:
            raise ValidationError({"version": STALE_SCALE_MESSAGE})
        before = _scale_snapshot(
            scale.name,
            scale.description,
            scale.allow_unable_to_rate,
            _levels_snapshot(scale.levels.all()),
        )
    errors: Errors = {}
    name = clean_text(name)
    check_name(errors, RatingScale, name, scale.pk)
    cleaned = clean_levels(levels, errors)
    if errors:
        raise ValidationError(errors)
    after = _scale_snapshot(name, clean_text(description), bool(allow_unable_to_rate), [])
    after["levels"] = _levels_snapshot(cleaned)
    old, new = audit.changed(before, after)
    if not new:
        return scale
    if not creating:
        _check_scale_lock(scale, before, after, errors)
        if errors:
            raise ValidationError(errors)
        scale.version += 1
    scale.name, scale.description = after["name"], after["description"]
    scale.allow_unable_to_rate = after["allow_unable_to_rate"]
    scale.save()
    _replace_levels(scale, cleaned)
    if creating:
        audit.record(actor, "rating_scale.create", scale, after=new)
    else:
        audit.record(actor, "rating_scale.update", scale, before=old, after=new)
    return scale


@transaction.atomic
def archive_scale(
    *,
    actor: User,
    scale: RatingScale,
    archived: bool = True,
    expected_version: int | None = None,
) -> RatingScale:
    """Archive a scale (or restore it with `archived=False`). Templates
    that use it keep it; new and changed templates are not offered it."""
    _require_designer(actor)
    scale = RatingScale.objects.select_for_update().get(pk=scale.pk)
    if expected_version is not None and expected_version != scale.version:
        raise ValidationError({"version": STALE_SCALE_MESSAGE})
    if scale.is_archived == archived:
        return scale
    scale.is_archived = archived
    scale.version += 1
    scale.save(update_fields=["is_archived", "version", "updated_at"])
    action = "rating_scale.archive" if archived else "rating_scale.restore"
    audit.record(
        actor, action, scale, before={"is_archived": not archived}, after={"is_archived": archived}
    )
    return scale


# --- review templates ------------------------------------------------------------------

QUESTION_FIELDS = (
    "kind",
    "text",
    "help_text",
    "required",
    "word_limit",
    "choices",
    "reviewer_kinds",
    "audience",
)
SECTION_FIELDS = ("kind", "title", "description", "weight", "reviewer_kinds", "audience")


def _content(sections: Iterable[Mapping[str, Any]], *, with_ids: bool) -> list[dict[str, Any]]:
    """Sections and questions as plain JSON values for the audit and for
    telling whether anything changed."""
    out = []
    for section in sections:
        row: dict[str, Any] = {"id": section["id"]} if with_ids else {}
        row.update({name: section[name] for name in SECTION_FIELDS})
        row["weight"] = plain_number(section["weight"])
        row["questions"] = [
            {**({"id": q["id"]} if with_ids else {}), **{n: q[n] for n in QUESTION_FIELDS}}
            for q in section["questions"]
        ]
        out.append(row)
    return out


def _stored_sections(template: ReviewTemplate) -> list[dict[str, Any]]:
    """The template's sections and questions as `_clean_sections` gives
    them (two queries)."""
    questions = Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
    sections = Prefetch(
        "sections",
        queryset=TemplateSection.objects.order_by("position", "id").prefetch_related(questions),
    )
    prefetch_related_objects([template], sections)
    stored: list[dict[str, Any]] = template_values(template)["sections"]
    return stored


def _template_snapshot(
    name: str, description: str, scale_id: int | None, sections: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "rating_scale": scale_id,
        "sections": sections,
    }


def _write_sections(template: ReviewTemplate, sections: list[dict[str, Any]]) -> None:
    """Sections and questions in list order: kept ones (by id) updated,
    new ones created, the rest removed; bulk queries whatever the size.
    Fills in the ids of the new ones."""
    existing_sections = {s.pk: s for s in template.sections.all()}
    existing_questions = {q.pk: q for q in Question.objects.filter(section__template=template)}
    section_objs: list[TemplateSection] = []
    for position, data in enumerate(sections):
        section = existing_sections.get(data["id"]) or TemplateSection(template=template)
        for name in SECTION_FIELDS:
            setattr(section, name, data[name])
        section.position = position
        section_objs.append(section)
    TemplateSection.objects.bulk_update(
        [s for s in section_objs if s.pk], [*SECTION_FIELDS, "position"]
    )
    TemplateSection.objects.bulk_create([s for s in section_objs if not s.pk])
    question_objs: list[tuple[dict[str, Any], Question]] = []
    for data, section in zip(sections, section_objs, strict=True):
        data["id"] = section.pk
        for position, qdata in enumerate(data["questions"]):
            question = existing_questions.get(qdata["id"]) or Question()
            question.section = section
            for name in QUESTION_FIELDS:
                setattr(question, name, qdata[name])
            question.position = position
            question_objs.append((qdata, question))
    Question.objects.bulk_update(
        [q for _, q in question_objs if q.pk], ["section", *QUESTION_FIELDS, "position"]
    )
    Question.objects.bulk_create([q for _, q in question_objs if not q.pk])
    for qdata, question in question_objs:
        qdata["id"] = question.pk
    kept_questions = [q.pk for _, q in question_objs]
    kept_sections = [s.pk for s in section_objs]
    try:
        Question.objects.filter(section__template=template).exclude(pk__in=kept_questions).delete()
        template.sections.exclude(pk__in=kept_sections).delete()
    except ProtectedError:
        # Answers protect their sections and questions. A template with
        # answers is in use by a launched cycle and never gets here, unless
        # a cycle launched after the lock was checked.
        raise ValidationError(
            {NON_FIELD_ERRORS: "Reviewers have answered what you removed; copy the template."}
        ) from None


def _lock_message(names: Sequence[str]) -> str:
    cycles = f"cycle{'s' if len(names) > 1 else ''} {quoted(names)}"
    return f"This template is in use by {cycles}; copy it to change it."


@transaction.atomic
def save_template(
    *,
    actor: User,
    template: ReviewTemplate | None = None,
    expected_version: int | None = None,
    name: str,
    description: str = "",
    rating_scale: RatingScale | None,
    sections: Sequence[Mapping[str, Any]],
) -> ReviewTemplate:
    """Create a review template, or change one (HR admin).

    `sections` is the whole template in order (positions follow the list);
    each is {id?, kind, title, description, weight, reviewer_kinds,
    audience, questions: [{id?, kind, text, help_text, required,
    word_limit, choices, reviewer_kinds, audience}]}. Sections and
    questions sent with their `id` are kept (and may move); the ones left
    out are removed. Rules: at least one section; weights 0 or more, one
    above 0; at most one goals and one competencies section, neither with
    questions; a questions section has at least one question; reviewer
    kinds a non-empty subset of self/manager/peer/upward (a questions
    section's are its questions'); choice questions at least two distinct
    choices; word limits only on text questions. A template in use by a
    cycle past draft may not change at all (copy it); with
    `expected_version`, a concurrent edit is refused."""
    _require_designer(actor)
    creating = template is None
    locked: list[str] = []
    if template is None:
        template = ReviewTemplate()
        before: dict[str, Any] = {}
        stored: list[dict[str, Any]] = []
    else:
        template = ReviewTemplate.objects.select_for_update().get(pk=template.pk)
        if expected_version is not None and expected_version != template.version:
            raise ValidationError({"version": STALE_TEMPLATE_MESSAGE})
        locked = cycles_locking_template(template)
        stored = _stored_sections(template)
        before = _template_snapshot(
            template.name,
            template.description,
            template.rating_scale_id,
            _content(stored, with_ids=True),
        )
    errors: Errors = {}
    name = clean_text(name)
    check_name(errors, ReviewTemplate, name, template.pk)
    scale = clean_scale(rating_scale, None if creating else template, errors)
    cleaned = clean_sections(sections, errors, None if creating else template)
    if errors:
        # Nothing sent to a locked template can be saved: say why first.
        raise ValidationError({NON_FIELD_ERRORS: _lock_message(locked)} if locked else errors)
    assert scale is not None  # an error above otherwise
    proposed = _template_snapshot(
        name, clean_text(description), scale.pk, _content(cleaned, with_ids=False)
    )
    if not creating:
        current = {**before, "sections": _content(stored, with_ids=False)}
        if current == proposed:
            return template
        if locked:
            raise ValidationError({NON_FIELD_ERRORS: _lock_message(locked)})
        template.version += 1
    template.name, template.description = name, proposed["description"]
    template.rating_scale = scale
    template.save()
    _write_sections(template, cleaned)
    after = {**proposed, "sections": _content(cleaned, with_ids=True)}
    if creating:
        audit.record(actor, "review_template.create", template, after=after)
    else:
        old, new = audit.changed(before, after)
        audit.record(actor, "review_template.update", template, before=old, after=new)
    return template


@transaction.atomic
def copy_template(*, actor: User, template: ReviewTemplate, name: str) -> ReviewTemplate:
    """A new, unarchived template with `template`'s scale, description,
    sections and questions (HR admin): the way to change a template that a
    launched cycle uses."""
    _require_designer(actor)
    errors: Errors = {}
    name = clean_text(name)
    check_name(errors, ReviewTemplate, name, None)
    if errors:
        raise ValidationError(errors)
    source = _stored_sections(template)
    copy = ReviewTemplate.objects.create(
        name=name, description=template.description, rating_scale_id=template.rating_scale_id
    )
    for section in source:
        section["id"] = None
        for question in section["questions"]:
            question["id"] = None
    _write_sections(copy, source)
    after = _template_snapshot(
        copy.name, copy.description, copy.rating_scale_id, _content(source, with_ids=True)
    )
    audit.record(actor, "review_template.copy", copy, after={**after, "copied_from": template.pk})
    return copy


@transaction.atomic
def archive_template(
    *,
    actor: User,
    template: ReviewTemplate,
    archived: bool = True,
    expected_version: int | None = None,
) -> ReviewTemplate:
    """Archive a template (or restore it with `archived=False`). Cycles
    using it keep it; new cycles are not offered it."""
    _require_designer(actor)
    template = ReviewTemplate.objects.select_for_update().get(pk=template.pk)
    if expected_version is not None and expected_version != template.version:
        raise ValidationError({"version": STALE_TEMPLATE_MESSAGE})
    if template.is_archived == archived:
        return template
    template.is_archived = archived
    template.version += 1
    template.save(update_fields=["is_archived", "version", "updated_at"])
    action = "review_template.archive" if archived else "review_template.restore"
    audit.record(
        actor,
        action,
        template,
        before={"is_archived": not archived},
        after={"is_archived": archived},
    )
    return template
