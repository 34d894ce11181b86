"""The rules a rating scale and a review template must follow, checked as
a whole so that every problem is reported at once under its field path
(`levels.2.value`, `sections.1.questions.0.choices`). `services_admin`
calls these before it writes anything."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from cadence.core.numbers import plain_number
from cadence.reviews.models import (
    AnswerAudience,
    Question,
    QuestionKind,
    RatingScale,
    ReviewerKind,
    ReviewTemplate,
    SectionKind,
    default_reviewer_kinds,
)

MIN_LEVELS = 2
MAX_LEVELS = 25
MAX_SECTIONS = 50
MAX_QUESTIONS = 100
MAX_CHOICES = 50
# The model columns' limits (RatingLevel.value is 5 digits with 2 decimals,
# TemplateSection.weight 6 with 2, Answer.choice 200 characters).
MAX_LEVEL_VALUE = Decimal("999.99")
MAX_WEIGHT = Decimal("9999.99")
MAX_CHOICE_LENGTH = 200
MAX_WORD_LIMIT = 100_000

Errors = dict[str, list[str]]


def add_error(errors: Errors, path: str, message: str) -> None:
    """Note a problem under its field path."""
    errors.setdefault(path, []).append(message)


def clean_text(value: Any) -> str:
    """Text without surrounding spaces; None as ""."""
    return "" if value is None else str(value).strip()


def _decimal(value: Any) -> Decimal | None:
    """`value` as a finite Decimal, or None when it is not a number."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _has_two_decimals_at_most(number: Decimal) -> bool:
    return number == number.quantize(Decimal("0.01"))


def quoted(names: Sequence[str]) -> str:
    """Names for a message: “A”, “B”."""
    return ", ".join(f"“{name}”" for name in names)


def check_name(
    errors: Errors, model: type[RatingScale] | type[ReviewTemplate], name: str, pk: int | None
) -> None:
    """A name is required, fits its column and is not another's (any case)."""
    max_length = model._meta.get_field("name").max_length or 0
    label = "rating scale" if model is RatingScale else "template"
    if not name:
        add_error(errors, "name", f"Give the {label} a name.")
    elif len(name) > max_length:
        add_error(errors, "name", f"Keep the name to {max_length} characters.")
    elif model.objects.filter(name__iexact=name).exclude(pk=pk or 0).exists():
        add_error(errors, "name", f"Another {label} is already called “{name}”.")


def _items(value: Any, errors: Errors, path: str, what: str) -> list[Any]:
    if value is None or isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        add_error(errors, path, f"Give the {what} as a list.")
        return []
    return list(value)


# --- rating scales ---------------------------------------------------------------------


def clean_levels(levels: Any, errors: Errors) -> list[dict[str, Any]]:
    """The levels as {value, label, description}, every problem noted."""
    rows = _items(levels, errors, "levels", "levels")
    cleaned: list[dict[str, Any]] = []
    seen: set[Decimal] = set()
    for i, row in enumerate(rows):
        path = f"levels.{i}"
        if not isinstance(row, Mapping):
            add_error(errors, path, "Give each level a value and a label.")
            continue
        value = _decimal(row.get("value"))
        if value is None:
            add_error(errors, f"{path}.value", "Enter a number.")
        elif value < 0:
            add_error(errors, f"{path}.value", "Use 0 or more.")
        elif value > MAX_LEVEL_VALUE or not _has_two_decimals_at_most(value):
            add_error(
                errors, f"{path}.value", "Use a number up to 999.99 with at most two decimals."
            )
        elif value in seen:
            add_error(
                errors, f"{path}.value", f"Another level has the value {plain_number(value)}."
            )
        else:
            seen.add(value)
        label = clean_text(row.get("label"))
        if not label:
            add_error(errors, f"{path}.label", "Give the level a label, e.g. “Meets expectations”.")
        elif len(label) > 80:
            add_error(errors, f"{path}.label", "Keep the label to 80 characters.")
        cleaned.append(
            {"value": value, "label": label, "description": clean_text(row.get("description"))}
        )
    if len(rows) < MIN_LEVELS:
        add_error(errors, "levels", f"A scale needs at least {MIN_LEVELS} levels.")
    elif len(rows) > MAX_LEVELS:
        add_error(errors, "levels", f"A scale may have at most {MAX_LEVELS} levels.")
    return cleaned


# --- review templates ------------------------------------------------------------------


def _clean_kinds(value: Any, errors: Errors, path: str) -> list[str]:
    """Reviewer kinds as a non-empty list in the usual order."""
    if value is None or isinstance(value, str | bytes) or not isinstance(value, Iterable):
        add_error(errors, path, "Choose who answers: self, manager, peer or upward.")
        return []
    chosen = [str(k) for k in value]
    unknown = sorted(set(chosen) - set(ReviewerKind.values))
    if unknown:
        add_error(errors, path, f"Unknown reviewer kind: {', '.join(unknown)}.")
    elif not chosen:
        add_error(errors, path, "Choose at least one kind of reviewer.")
    return [k for k in ReviewerKind.values if k in chosen]


def _clean_audience(value: Any, errors: Errors, path: str) -> str:
    audience = str(value) if value not in (None, "") else AnswerAudience.REVIEWEE.value
    if audience not in AnswerAudience.values:
        add_error(errors, path, "Choose who may read the answers: reviewee, manager or hr.")
    return audience


def _clean_choices(value: Any, kind: str, errors: Errors, path: str) -> list[str]:
    if value in (None, ""):
        value = []
    rows = _items(value, errors, path, "choices")
    choices = [clean_text(c) for c in rows]
    if kind != QuestionKind.CHOICE:
        if any(choices):
            add_error(errors, path, "Only multiple-choice questions have choices; remove them.")
        return []
    distinct = list(dict.fromkeys(c for c in choices if c))
    if len(distinct) < 2:
        add_error(errors, path, "Give at least two different choices.")
    elif len(distinct) != len(choices):
        add_error(errors, path, "Remove the empty or repeated choices.")
    elif len(distinct) > MAX_CHOICES:
        add_error(errors, path, f"Offer at most {MAX_CHOICES} choices.")
    elif any(len(c) > MAX_CHOICE_LENGTH for c in distinct):
        add_error(errors, path, f"Keep each choice to {MAX_CHOICE_LENGTH} characters.")
    return distinct


def _clean_word_limit(value: Any, kind: str, errors: Errors, path: str) -> int | None:
    if value in (None, ""):
        return None
    if kind != QuestionKind.TEXT:
        add_error(errors, path, "Only text questions have a word limit.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        add_error(errors, path, "Enter a whole number of words.")
        return None
    try:
        limit = int(value)
    except ValueError:
        add_error(errors, path, "Enter a whole number of words.")
        return None
    if not 1 <= limit <= MAX_WORD_LIMIT:
        add_error(errors, path, f"Use a limit from 1 to {MAX_WORD_LIMIT} words.")
    return limit


def _clean_question(row: Any, errors: Errors, path: str) -> dict[str, Any] | None:
    if not isinstance(row, Mapping):
        add_error(errors, path, "Give each question a kind and a text.")
        return None
    kind = str(row.get("kind") or "")
    if kind not in QuestionKind.values:
        add_error(errors, f"{path}.kind", "Choose rating, text or choice.")
    text = clean_text(row.get("text"))
    if not text:
        add_error(errors, f"{path}.text", "Write the question.")
    elif len(text) > 500:
        add_error(errors, f"{path}.text", "Keep the question to 500 characters.")
    required = row.get("required", True)
    return {
        "id": row.get("id"),
        "kind": kind,
        "text": text,
        "help_text": clean_text(row.get("help_text")),
        "required": True if required is None else bool(required),
        "word_limit": _clean_word_limit(row.get("word_limit"), kind, errors, f"{path}.word_limit"),
        "choices": _clean_choices(row.get("choices"), kind, errors, f"{path}.choices"),
        "reviewer_kinds": _clean_kinds(
            row.get("reviewer_kinds", default_reviewer_kinds()), errors, f"{path}.reviewer_kinds"
        ),
        "audience": _clean_audience(row.get("audience"), errors, f"{path}.audience"),
    }


def _clean_section(row: Any, errors: Errors, path: str) -> dict[str, Any] | None:
    if not isinstance(row, Mapping):
        add_error(errors, path, "Give each section a kind, a title and a weight.")
        return None
    kind = str(row.get("kind") or "")
    if kind not in SectionKind.values:
        add_error(errors, f"{path}.kind", "Choose goals, competencies or questions.")
    title = clean_text(row.get("title"))
    if not title:
        add_error(errors, f"{path}.title", "Give the section a title.")
    elif len(title) > 150:
        add_error(errors, f"{path}.title", "Keep the title to 150 characters.")
    weight = _decimal(row.get("weight", 1))
    if weight is None:
        add_error(errors, f"{path}.weight", "Enter a number.")
    elif weight < 0:
        add_error(errors, f"{path}.weight", "Use 0 or more (0: shown but not scored).")
    elif weight > MAX_WEIGHT or not _has_two_decimals_at_most(weight):
        add_error(errors, f"{path}.weight", "Use a number up to 9999.99 with at most two decimals.")
    questions = _items(row.get("questions") or [], errors, f"{path}.questions", "questions")
    if kind in (SectionKind.GOALS, SectionKind.COMPETENCIES) and questions:
        what = "goals" if kind == SectionKind.GOALS else "job profile's competencies"
        add_error(
            errors,
            f"{path}.questions",
            f"A {kind} section rates the reviewee's {what} and has no questions: "
            "remove them, or make it a questions section.",
        )
    elif kind == SectionKind.QUESTIONS and not questions:
        add_error(errors, f"{path}.questions", "Add at least one question to this section.")
    elif len(questions) > MAX_QUESTIONS:
        add_error(
            errors, f"{path}.questions", f"A section may hold at most {MAX_QUESTIONS} questions."
        )
    cleaned_questions = [
        _clean_question(q, errors, f"{path}.questions.{j}") for j, q in enumerate(questions)
    ]
    if kind == SectionKind.QUESTIONS:
        # Questions say who answers them; the section's kinds are theirs.
        reviewer_kinds = [
            k
            for k in ReviewerKind.values
            if any(q and k in q["reviewer_kinds"] for q in cleaned_questions)
        ]
    else:
        reviewer_kinds = _clean_kinds(
            row.get("reviewer_kinds", default_reviewer_kinds()), errors, f"{path}.reviewer_kinds"
        )
    return {
        "id": row.get("id"),
        "kind": kind,
        "title": title,
        "description": clean_text(row.get("description")),
        "weight": weight,
        "reviewer_kinds": reviewer_kinds,
        "audience": _clean_audience(row.get("audience"), errors, f"{path}.audience"),
        "questions": [q for q in cleaned_questions if q is not None],
    }


def clean_sections(
    sections: Any, errors: Errors, template: ReviewTemplate | None
) -> list[dict[str, Any]]:
    """Every section and question checked, in order. On a new template ids
    are ignored; on an existing one an id must name one of its sections
    (questions: one of its questions), used once."""
    rows = _items(sections, errors, "sections", "sections")
    if len(rows) > MAX_SECTIONS:
        add_error(errors, "sections", f"A template may have at most {MAX_SECTIONS} sections.")
        return []
    cleaned: list[dict[str, Any]] = []
    singles: dict[str, int] = {}
    for i, row in enumerate(rows):
        section = _clean_section(row, errors, f"sections.{i}")
        if section is None:
            continue
        kind = section["kind"]
        if kind in (SectionKind.GOALS, SectionKind.COMPETENCIES):
            if kind in singles:
                add_error(
                    errors,
                    f"sections.{i}.kind",
                    f"Section {singles[kind] + 1} already rates the {kind}; "
                    f"a template has at most one {kind} section.",
                )
            else:
                singles[kind] = i
        cleaned.append({**section, "path": f"sections.{i}"})
    if not rows:
        add_error(errors, "sections", "Add at least one section.")
    elif cleaned and not any(s["weight"] is not None and s["weight"] > 0 for s in cleaned):
        add_error(errors, "sections", "Give at least one section a weight above 0.")
    _check_ids(cleaned, errors, template)
    return cleaned


def _check_ids(
    sections: list[dict[str, Any]], errors: Errors, template: ReviewTemplate | None
) -> None:
    """Ids keep a section or question (and its answers' references) across
    edits. Unknown ones are refused; a new template starts afresh."""
    if template is None or template.pk is None:
        for section in sections:
            section["id"] = None
            for question in section["questions"]:
                question["id"] = None
        return
    section_ids = set(template.sections.values_list("pk", flat=True))
    question_ids = set(
        Question.objects.filter(section__template=template).values_list("pk", flat=True)
    )
    used_sections: set[int] = set()
    used_questions: set[int] = set()
    for section in sections:
        path = section["path"]
        sid = section["id"]
        if sid is not None:
            if not isinstance(sid, int) or sid not in section_ids or sid in used_sections:
                add_error(errors, f"{path}.id", "This is not one of this template's sections.")
            used_sections.add(sid)
        for j, question in enumerate(section["questions"]):
            qid = question["id"]
            if qid is None:
                continue
            if not isinstance(qid, int) or qid not in question_ids or qid in used_questions:
                add_error(
                    errors,
                    f"{path}.questions.{j}.id",
                    "This is not one of this template's questions.",
                )
            used_questions.add(qid)


def clean_scale(
    rating_scale: Any, template: ReviewTemplate | None, errors: Errors
) -> RatingScale | None:
    """The template's scale: a current one, or the archived one it already has."""
    if not isinstance(rating_scale, RatingScale):
        add_error(errors, "rating_scale", "Choose a rating scale.")
        return None
    keeps_current = template is not None and template.rating_scale_id == rating_scale.pk
    if rating_scale.is_archived and not keeps_current:
        add_error(errors, "rating_scale", f"“{rating_scale}” is archived; choose another scale.")
    return rating_scale
