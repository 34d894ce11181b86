"""Writing reviews: saving answers (the autosave) and submitting. One
transaction per call, permission checked here, every change audited with
its before and after values. Peer nominations are in
services_writing_nominations.

Only an assignment's reviewer writes it — not HR, not the reviewee's
manager: a review is its writer's own words. Reopening a submitted review
is HR's controlled change and lives with the cycle services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.core.numbers import plain_number
from cadence.core.permissions import viewer_for
from cadence.reviews.form_items import FormItem, by_key, is_answered, items_for, word_count
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    QuestionKind,
    ReviewAssignment,
    ReviewerKind,
)

VALUE_FIELDS = ("rating", "unable_to_rate", "text", "choice")
# A review answer is prose, not a document: this bounds a single answer
# even when the question sets no word limit.
MAX_TEXT_CHARS = 20_000
STALE_MESSAGE = (
    "This review was saved somewhere else (another tab or device) since you opened it. "
    "Reload the page to see the latest version; copy anything you typed here first."
)


# --- checks -------------------------------------------------------------------------


def _check_writer(actor: User, assignment: ReviewAssignment) -> None:
    """Only the reviewer writes or submits their review."""
    if not viewer_for(actor).is_self(assignment.reviewer_id):
        raise PermissionDenied("Only the reviewer writes this review.")


def locked_reason(assignment: ReviewAssignment) -> str:
    """Why the assignment cannot be written now, or "" when it can."""
    if assignment.status == AssignmentStatus.SUBMITTED:
        when = timezone.localtime(assignment.submitted_at) if assignment.submitted_at else None
        on = f" on {when:%-d %b %Y}" if when else ""
        return (
            f"This review was submitted{on} and is locked. "
            "If something must change, ask HR to reopen it."
        )
    if assignment.status == AssignmentStatus.CANCELLED:
        reason = f" ({assignment.cancelled_reason})" if assignment.cancelled_reason else ""
        return f"This review was cancelled{reason} and can no longer be written."
    if not assignment.cycle.is_running:
        return (
            f"The cycle “{assignment.cycle.name}” is not running "
            f"({assignment.cycle.get_stage_display().lower()}): reviews are written while it runs."
        )
    return ""


def _check_open(assignment: ReviewAssignment) -> None:
    reason = locked_reason(assignment)
    if reason:
        raise ValidationError(reason)


def _check_version(assignment: ReviewAssignment, expected_version: int | None) -> None:
    if expected_version is None or expected_version != assignment.version:
        raise ValidationError({"version": STALE_MESSAGE})


def _locked(assignment: ReviewAssignment) -> ReviewAssignment:
    """The assignment re-read under a row lock, so two saves of the same
    review run one after the other and the version check is reliable."""
    return (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .get(pk=assignment.pk)
    )


# --- answer values ----------------------------------------------------------------------


def stored_values(answer: Answer | None) -> dict[str, Any]:
    """An answer's values as plain data (an empty answer when None)."""
    if answer is None:
        return {"rating": None, "unable_to_rate": False, "text": "", "choice": ""}
    return {
        "rating": answer.rating,
        "unable_to_rate": answer.unable_to_rate,
        "text": answer.text,
        "choice": answer.choice,
    }


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values for the audit trail: a rating as people write it ("3", not
    "3.00"), so before and after compare at a glance."""
    rating = values.get("rating")
    return {**values, "rating": None if rating is None else plain_number(rating)}


def _as_rating(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError
    value = Decimal(str(raw).strip())
    if not value.is_finite():
        raise ValueError
    return value


def _levels_text(item: FormItem) -> str:
    return ", ".join(f"{level.key} {level.label}" for level in item.levels)


def value_error(item: FormItem, values: Mapping[str, Any]) -> str:
    """Why complete stored-shape `values` are not a valid answer to `item`,
    or "" when they are. Empty values are valid (not answered yet)."""
    rating, unable = values.get("rating"), bool(values.get("unable_to_rate"))
    text, choice = values.get("text") or "", values.get("choice") or ""
    if item.kind == QuestionKind.RATING:
        if choice:
            return "This is a rating: choose a level, not an option."
        if rating is not None and unable:
            return "Choose a level or “unable to rate”, not both."
        if rating is not None and rating not in item.rating_values:
            return f"Choose one of the scale's levels: {_levels_text(item)}."
        if unable and not item.allow_unable_to_rate:
            return "This scale has no “unable to rate”: choose a level."
    elif item.kind == QuestionKind.CHOICE:
        if rating is not None or unable or text:
            return "Choose one of the options."
        if choice and choice not in item.choices:
            return "Choose one of the options: " + ", ".join(item.choices) + "."
    else:
        if rating is not None or unable or choice:
            return "This question takes a written answer."
    if "\x00" in text:
        return "The text may not contain NUL characters."
    if len(text) > MAX_TEXT_CHARS:
        return f"Keep it under {MAX_TEXT_CHARS:,} characters."
    if item.word_limit and word_count(text) > item.word_limit:
        return f"Keep it to {item.word_limit} words (this has {word_count(text)})."
    return ""


def _merged(item: FormItem, current: Mapping[str, Any], sent: Any) -> dict[str, Any]:
    """`current` with what was sent for the item applied: a key that is sent
    replaces the stored value (null or "" clears it); a level clears
    "unable to rate" and "unable to rate" clears the level."""
    if not isinstance(sent, Mapping):
        raise ValidationError(
            "Send the answer as an object with rating, unable_to_rate, text or choice."
        )
    unknown = sorted(set(sent) - set(VALUE_FIELDS))
    if unknown:
        raise ValidationError(f"Unknown answer field: {', '.join(map(str, unknown))}.")
    new = dict(current)
    if "rating" in sent:
        try:
            new["rating"] = _as_rating(sent["rating"])
        except (ValueError, InvalidOperation, TypeError):
            raise ValidationError("The rating must be a number on the scale.") from None
        if new["rating"] is not None:
            new["unable_to_rate"] = False
    if "unable_to_rate" in sent:
        flag = sent["unable_to_rate"]
        if flag is not None and not isinstance(flag, bool):
            raise ValidationError("“unable_to_rate” must be true or false.")
        if flag and sent.get("rating") not in (None, ""):
            raise ValidationError("Choose a level or “unable to rate”, not both.")
        new["unable_to_rate"] = bool(flag)
        if flag:
            new["rating"] = None
    for name in ("text", "choice"):
        if name in sent:
            raw = sent[name]
            if raw is not None and not isinstance(raw, str):
                raise ValidationError(f"“{name}” must be text.")
            new[name] = (raw or "").strip()
    problem = value_error(item, new)
    if problem:
        raise ValidationError(problem)
    return new


# --- saving and submitting -------------------------------------------------------------------


@transaction.atomic
def save_answers(
    *,
    actor: User,
    assignment: ReviewAssignment,
    answers: Mapping[str, Any],
    expected_version: int | None,
) -> ReviewAssignment:
    """Save some or all answers of a review (the autosave). Each key of
    `answers` is an item key ("q12", "g5", "c7") and its value an object
    with any of rating, unable_to_rate, text and choice; only the fields
    sent change. Only the reviewer, only while the review is open and the
    cycle runs; `expected_version` must be the version they read (a stale
    one is a "version" error, so two tabs never overwrite each other).
    The first save moves the review from pending to in progress. Every
    problem is reported at once, keyed by item; nothing is saved then."""
    assignment = _locked(assignment)
    _check_writer(actor, assignment)
    _check_open(assignment)
    _check_version(assignment, expected_version)
    if not answers:
        return assignment
    items = by_key(items_for(assignment))
    existing = {
        a.item: a for a in Answer.objects.filter(assignment=assignment, item__in=list(answers))
    }
    errors: dict[str, list[str]] = {}
    changes: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for key, sent in answers.items():
        item = items.get(key)
        if item is None:
            errors[key] = ["This review has no such question."]
            continue
        before = stored_values(existing.get(key))
        try:
            after = _merged(item, before, sent)
        except ValidationError as error:
            errors[key] = error.messages
            continue
        if after != before:
            changes[key] = (before, after)
    if errors:
        raise ValidationError(errors)
    if not changes:
        return assignment

    now = timezone.now()
    to_create: list[Answer] = []
    to_update: list[Answer] = []
    for key, (_, after) in changes.items():
        item = items[key]
        answer = existing.get(key)
        if answer is None:
            answer = Answer(
                assignment=assignment,
                item=key,
                section_id=item.section_id,
                question_id=item.question_id,
                goal_id=item.goal_id,
                competency_id=item.competency_id,
            )
            to_create.append(answer)
        else:
            to_update.append(answer)
        for name in VALUE_FIELDS:
            setattr(answer, name, after[name])
        answer.updated_at = now
    Answer.objects.bulk_create(to_create)
    Answer.objects.bulk_update(to_update, [*VALUE_FIELDS, "updated_at"])

    before_meta = {"status": assignment.status, "version": assignment.version}
    if assignment.status == AssignmentStatus.PENDING:
        assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.version += 1
    assignment.save(update_fields=["status", "version", "updated_at"])
    # The audit row is the record of what the reviewer wrote and when, so it
    # keeps the full text of every changed item, however long.
    audit.record(
        actor,
        "review.answers_save",
        assignment,
        before={**before_meta, "answers": {k: _plain(b) for k, (b, _) in changes.items()}},
        after={
            "status": assignment.status,
            "version": assignment.version,
            "answers": {k: _plain(a) for k, (_, a) in changes.items()},
        },
    )
    return assignment


def missing_and_invalid(
    items: Iterable[FormItem], answers: Mapping[str, Mapping[str, Any]]
) -> dict[str, str]:
    """Per item key, what stops the review from being submitted: a required
    item with no answer, or a stored answer that is no longer valid (the
    template changed under it). Empty when it can be submitted."""
    problems: dict[str, str] = {}
    for item in items:
        values = answers.get(item.key)
        if item.required and not is_answered(item, values):
            problems[item.key] = f"“{item.label}” needs an answer before you submit."
        elif values:
            problem = value_error(item, values)
            if problem:
                problems[item.key] = f"“{item.label}”: {problem}"
    return problems


@transaction.atomic
def submit_assignment(
    *, actor: User, assignment: ReviewAssignment, expected_version: int | None
) -> ReviewAssignment:
    """Submit a review: every required item (for this reviewer's kind) must
    be answered — each missing one is reported, keyed by item, and nothing
    changes. A submitted review is locked: further saves are refused until
    HR reopens it."""
    assignment = _locked(assignment)
    _check_writer(actor, assignment)
    _check_open(assignment)
    _check_version(assignment, expected_version)
    items = items_for(assignment)
    stored = {a.item: stored_values(a) for a in Answer.objects.filter(assignment=assignment)}
    problems = missing_and_invalid(items, stored)
    if problems:
        raise ValidationError({key: [message] for key, message in problems.items()})
    before = {"status": assignment.status, "version": assignment.version, "submitted_at": None}
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.version += 1
    assignment.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    audit.record(
        actor,
        "review.submit",
        assignment,
        before=before,
        after={
            "status": assignment.status,
            "version": assignment.version,
            "submitted_at": assignment.submitted_at,
            "answered": sorted(k for k in stored if k in {i.key for i in items}),
        },
    )
    if assignment.kind == ReviewerKind.MANAGER:
        # The manager review is the appraisal of record: its ratings make the
        # computed score, in the same transaction as the submission.
        from cadence.reviews.services_results import compute_result

        compute_result(cycle=assignment.cycle, employee=assignment.reviewee, actor=actor)
    return assignment
