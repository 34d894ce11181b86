"""Reads of the review programme's design: rating scales and review
templates. They are programme design, not personal records: everyone with
a place in the organisation may read every one of them (employees need to
know the scale they are rated on); logins with no place in it (auditors,
outsiders) read none. Only HR admins write (see services_admin).

`template_structure` is how the review form, scoring and the preview read
a template: sections in order with their share of the weight, each with
its questions, and `for_kind` to keep what one kind of reviewer answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from cadence.core.numbers import plain_number
from cadence.core.permissions import viewer_for
from cadence.reviews.models import (
    AnswerAudience,
    Cycle,
    Question,
    RatingLevel,
    RatingScale,
    ReviewerKind,
    ReviewTemplate,
    SectionKind,
    Stage,
    TemplateSection,
)

# Search terms beyond this many are ignored: each is one more LIKE.
MAX_SEARCH_TERMS = 5


def can_read_programme(user: Any) -> bool:
    """Everyone in the organisation reads scales and templates."""
    return viewer_for(user).in_organisation


def can_design_programme(user: Any) -> bool:
    """Only HR admins design rating scales and review templates."""
    return viewer_for(user).is_hr_admin


@dataclass(frozen=True)
class ProgrammeFilters:
    """`q`: words in the name; `archived`: True, False or None for both."""

    q: str = ""
    archived: bool | None = None


def _count(queryset: QuerySet[Any], key: str) -> Coalesce:
    """COUNT of `queryset` grouped by `key`, as a correlated subquery: a
    list annotated this way needs no GROUP BY over its own joins."""
    counted = queryset.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _launched(cycles: QuerySet[Cycle]) -> QuerySet[Cycle]:
    """Cycles past draft: what they use may no longer change."""
    return cycles.exclude(stage=Stage.DRAFT)


def _search(queryset: QuerySet[Any], filters: ProgrammeFilters) -> QuerySet[Any]:
    for term in filters.q.split()[:MAX_SEARCH_TERMS]:
        queryset = queryset.filter(name__icontains=term)
    if filters.archived is not None:
        queryset = queryset.filter(is_archived=filters.archived)
    return queryset


# --- rating scales ---------------------------------------------------------------------


def scales_for(user: Any, filters: ProgrammeFilters | None = None) -> QuerySet[RatingScale]:
    """The rating scales `user` may read, by name, each with its levels
    prefetched (in value order), `template_count` (templates using it) and
    `values_locked` (a launched cycle uses it, so its values may not change)."""
    if not can_read_programme(user):
        return RatingScale.objects.none()
    queryset = _search(RatingScale.objects.all(), filters or ProgrammeFilters())
    return queryset.annotate(
        template_count=_count(
            ReviewTemplate.objects.filter(rating_scale=OuterRef("pk")), "rating_scale"
        ),
        values_locked=Exists(
            _launched(Cycle.objects.filter(template__rating_scale=OuterRef("pk")))
        ),
    ).prefetch_related(Prefetch("levels", queryset=RatingLevel.objects.order_by("value")))


def get_scale(user: Any, pk: int) -> RatingScale:
    """One scale, or RatingScale.DoesNotExist when `user` may not read it."""
    return scales_for(user).get(pk=pk)


def offered_scales(user: Any) -> QuerySet[RatingScale]:
    """Scales a new or changed template may use: the ones not archived."""
    return scales_for(user, ProgrammeFilters(archived=False))


def scale_choices(user: Any, template: ReviewTemplate | None = None) -> QuerySet[RatingScale]:
    """Scales a template may choose (plain rows, for a form's select): the
    current ones, and the one `template` already has even if archived."""
    if not can_read_programme(user):
        return RatingScale.objects.none()
    condition = Q(is_archived=False)
    if template is not None:
        condition |= Q(pk=template.rating_scale_id)
    return RatingScale.objects.filter(condition).order_by("name", "pk")


def scale_values(scale: RatingScale) -> dict[str, Any]:
    """The scale as `services_admin.save_scale` takes it (one query for the
    levels unless prefetched)."""
    return {
        "name": scale.name,
        "description": scale.description,
        "allow_unable_to_rate": scale.allow_unable_to_rate,
        "levels": [
            {"value": level.value, "label": level.label, "description": level.description}
            for level in sorted(scale.levels.all(), key=lambda lv: lv.value)
        ],
    }


def cycles_locking_scale(scale: RatingScale, limit: int = 3) -> list[str]:
    """Names of launched cycles whose template uses `scale` (a few)."""
    cycles = _launched(Cycle.objects.filter(template__rating_scale=scale))
    return list(cycles.order_by("name").values_list("name", flat=True)[:limit])


# --- review templates ------------------------------------------------------------------


def templates_for(user: Any, filters: ProgrammeFilters | None = None) -> QuerySet[ReviewTemplate]:
    """The review templates `user` may read, by name, with the scale joined
    and counted in the same query: `section_count`, `cycle_count` (cycles
    using it, drafts included) and `launched_cycle_count` (cycles past
    draft: while there is one, the template may not change)."""
    if not can_read_programme(user):
        return ReviewTemplate.objects.none()
    queryset = _search(ReviewTemplate.objects.all(), filters or ProgrammeFilters())
    cycles = Cycle.objects.filter(template=OuterRef("pk"))
    return queryset.select_related("rating_scale").annotate(
        section_count=_count(TemplateSection.objects.filter(template=OuterRef("pk")), "template"),
        cycle_count=_count(cycles, "template"),
        launched_cycle_count=_count(_launched(cycles), "template"),
    )


def get_template(user: Any, pk: int) -> ReviewTemplate:
    """One template with its sections and their questions prefetched (in
    order), or ReviewTemplate.DoesNotExist when `user` may not read it."""
    questions = Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
    sections = Prefetch(
        "sections",
        queryset=TemplateSection.objects.order_by("position", "id").prefetch_related(questions),
    )
    return templates_for(user).prefetch_related(sections).get(pk=pk)


def offered_templates(user: Any) -> QuerySet[ReviewTemplate]:
    """Templates a new cycle may use: the ones not archived."""
    return templates_for(user, ProgrammeFilters(archived=False))


def cycles_locking_template(template: ReviewTemplate, limit: int = 3) -> list[str]:
    """Names of launched cycles using `template` (a few): while there is
    one, the template may not change."""
    cycles = _launched(Cycle.objects.filter(template=template))
    return list(cycles.order_by("name").values_list("name", flat=True)[:limit])


def _ordered_kinds(kinds: Iterable[str]) -> list[str]:
    chosen = set(kinds)
    return [k for k in ReviewerKind.values if k in chosen]


def template_values(template: ReviewTemplate) -> dict[str, Any]:
    """The template as `services_admin.save_template` takes it, ids
    included so that saving it back keeps every section and question.
    Uses the prefetched sections and questions when there are any."""
    sections = []
    for section in sorted(template.sections.all(), key=_position):
        questions = [
            {
                "id": question.pk,
                "kind": question.kind,
                "text": question.text,
                "help_text": question.help_text,
                "required": question.required,
                "word_limit": question.word_limit,
                "choices": list(question.choices),
                "reviewer_kinds": _ordered_kinds(question.reviewer_kinds),
                "audience": question.audience,
            }
            for question in sorted(section.questions.all(), key=_position)
        ]
        sections.append(
            {
                "id": section.pk,
                "kind": section.kind,
                "title": section.title,
                "description": section.description,
                "weight": section.weight,
                "reviewer_kinds": _section_kinds(section.kind, section.reviewer_kinds, questions),
                "audience": section.audience,
                "questions": questions,
            }
        )
    return {
        "name": template.name,
        "description": template.description,
        "rating_scale": template.rating_scale,
        "sections": sections,
    }


def _section_kinds(
    kind: str, own: Iterable[str], questions: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Who answers a section: a questions section's are its questions'."""
    if kind == SectionKind.QUESTIONS:
        return _ordered_kinds(k for q in questions for k in q["reviewer_kinds"])
    return _ordered_kinds(own)


def _position(row: TemplateSection | Question) -> tuple[int, int]:
    return (row.position, row.pk)


# --- the structure the review form reads -------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    """One question. `item` is the key its answers are stored under
    (Answer.item)."""

    id: int
    kind: str
    text: str
    help_text: str
    required: bool
    word_limit: int | None
    choices: tuple[str, ...]
    reviewer_kinds: tuple[str, ...]
    audience: str
    position: int

    @property
    def item(self) -> str:
        return f"q{self.id}"

    @property
    def audience_label(self) -> str:
        return str(AnswerAudience(self.audience).label)


@dataclass(frozen=True)
class SectionSpec:
    """One section: `share` is its weight as a percentage of all the
    sections' weights (None when every weight is 0), before the
    renormalisation over answered sections that scoring does.
    `reviewer_kinds` of a questions section is the union of its questions'."""

    id: int
    kind: str
    title: str
    description: str
    weight: Decimal
    share: Decimal | None
    reviewer_kinds: tuple[str, ...]
    audience: str
    position: int
    questions: tuple[QuestionSpec, ...] = field(default_factory=tuple)

    @property
    def is_questions(self) -> bool:
        return self.kind == SectionKind.QUESTIONS

    @property
    def audience_label(self) -> str:
        return str(AnswerAudience(self.audience).label)

    @property
    def share_text(self) -> str:
        return "" if self.share is None else f"{plain_number(self.share)} %"

    def for_kind(self, kind: str) -> SectionSpec | None:
        """This section as `kind` of reviewer sees it (only their
        questions), or None when they answer nothing in it."""
        if not self.is_questions:
            return self if kind in self.reviewer_kinds else None
        mine = tuple(q for q in self.questions if kind in q.reviewer_kinds)
        if not mine:
            return None
        return SectionSpec(
            id=self.id,
            kind=self.kind,
            title=self.title,
            description=self.description,
            weight=self.weight,
            share=self.share,
            reviewer_kinds=self.reviewer_kinds,
            audience=self.audience,
            position=self.position,
            questions=mine,
        )


@dataclass(frozen=True)
class TemplateStructure:
    template: ReviewTemplate
    scale: RatingScale
    levels: tuple[RatingLevel, ...]
    sections: tuple[SectionSpec, ...]

    def for_kind(self, kind: str) -> tuple[SectionSpec, ...]:
        """The sections `kind` of reviewer answers, with only their questions."""
        found = (section.for_kind(kind) for section in self.sections)
        return tuple(section for section in found if section is not None)


def shares(weights: Iterable[Decimal]) -> list[Decimal | None]:
    """Each weight as a percentage of their total, to one decimal place."""
    values = list(weights)
    total = sum(values, Decimal(0))
    if total <= 0:
        return [None for _ in values]
    return [(w * 100 / total).quantize(Decimal("0.1")) for w in values]


def template_structure(template: ReviewTemplate) -> TemplateStructure:
    """The template's scale, levels, sections and questions in order (three
    queries; fewer when `get_template` prefetched them)."""
    sections = sorted(template.sections.all(), key=_position)
    by_section: dict[int, list[Question]] = {s.pk: [] for s in sections}
    if sections and all(
        "questions" in getattr(s, "_prefetched_objects_cache", {}) for s in sections
    ):
        for s in sections:
            by_section[s.pk] = sorted(s.questions.all(), key=_position)
    else:
        rows = Question.objects.filter(section__template=template).order_by("position", "id")
        for question in rows:
            by_section[question.section_id].append(question)
    scale = template.rating_scale
    levels = tuple(RatingLevel.objects.filter(scale=scale).order_by("value"))
    specs = []
    for section, share in zip(sections, shares(s.weight for s in sections), strict=True):
        questions = tuple(
            QuestionSpec(
                id=q.pk,
                kind=q.kind,
                text=q.text,
                help_text=q.help_text,
                required=q.required,
                word_limit=q.word_limit,
                choices=tuple(q.choices),
                reviewer_kinds=tuple(_ordered_kinds(q.reviewer_kinds)),
                audience=q.audience,
                position=q.position,
            )
            for q in by_section[section.pk]
        )
        kinds = (
            _ordered_kinds(k for q in questions for k in q.reviewer_kinds)
            if section.kind == SectionKind.QUESTIONS
            else _ordered_kinds(section.reviewer_kinds)
        )
        specs.append(
            SectionSpec(
                id=section.pk,
                kind=section.kind,
                title=section.title,
                description=section.description,
                weight=section.weight,
                share=share,
                reviewer_kinds=tuple(kinds),
                audience=section.audience,
                position=section.position,
                questions=questions,
            )
        )
    return TemplateStructure(template=template, scale=scale, levels=levels, sections=tuple(specs))
