"""Where result numbers come from: the ratings in the submitted reviews of a
set of reviewees, loaded in a fixed number of queries (two per chunk of
reviewees), and what is derived from them — the computed score of record
(from the manager review) and the self, peer and upward averages per
section. Who may read which of these numbers is decided in disclosure.py."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from cadence.reviews.models import (
    Answer,
    AnswerAudience,
    AssignmentStatus,
    Cycle,
    RatingLevel,
    ReviewAssignment,
    ReviewerKind,
    TemplateSection,
)
from cadence.reviews.scoring import computed_score, map_to_level, quantize_score, section_score

# How many reviewees' ratings are loaded at once by bulk work.
CHUNK = 500


@dataclass(frozen=True)
class Rating:
    """One answered rating in a submitted review. `audience` is the item's:
    the question's, or the section's for goal and competency ratings."""

    section_id: int
    audience: str
    value: Decimal


@dataclass
class SubmittedReview:
    """One submitted assignment about the reviewee, with its ratings."""

    assignment_id: int
    kind: str
    reviewer_id: int
    submitted_at: dt.datetime | None
    ratings: list[Rating] = field(default_factory=list)

    def section_scores(self, audiences: Collection[str] | None = None) -> dict[int, Decimal]:
        """This review's score per section it rated, counting only items
        whose audience is in `audiences` (all when None)."""
        per_section: dict[int, list[Decimal]] = defaultdict(list)
        for rating in self.ratings:
            if audiences is None or rating.audience in audiences:
                per_section[rating.section_id].append(rating.value)
        scores = {sid: section_score(values) for sid, values in per_section.items()}
        return {sid: score for sid, score in scores.items() if score is not None}


@dataclass
class ScoreSheet:
    """Every submitted review about one reviewee in one cycle."""

    employee_id: int
    reviews: list[SubmittedReview] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[SubmittedReview]:
        return [r for r in self.reviews if r.kind == kind]

    def count(self, kind: str) -> int:
        return sum(1 for r in self.reviews if r.kind == kind)

    def manager_review(self) -> SubmittedReview | None:
        """The appraisal of record: the latest submitted manager review (a
        reviewee whose manager changed mid-cycle may have two)."""
        reviews = self.of_kind(ReviewerKind.MANAGER)
        if not reviews:
            return None
        epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
        return max(reviews, key=lambda r: (r.submitted_at or epoch, r.assignment_id))


@dataclass(frozen=True)
class SectionAverage:
    """A kind's average for one section: the mean of each reviewer's
    section score (every reviewer counts once, however many items they
    rated), and how many reviewers it is the mean of."""

    value: Decimal | None
    raters: int


def load_sheets(cycle_id: int, employee_ids: Iterable[int]) -> dict[int, ScoreSheet]:
    """The submitted reviews and their ratings about these reviewees in the
    cycle (two queries). Cancelled and unsubmitted reviews do not count; an
    "unable to rate" answer has no rating and is not loaded."""
    ids = list(employee_ids)
    sheets = {pk: ScoreSheet(employee_id=pk) for pk in ids}
    if not ids:
        return sheets
    submitted = ReviewAssignment.objects.filter(
        cycle_id=cycle_id, reviewee_id__in=ids, status=AssignmentStatus.SUBMITTED
    )
    reviews: dict[int, SubmittedReview] = {}
    for pk, reviewee_id, kind, reviewer_id, submitted_at in submitted.order_by("id").values_list(
        "id", "reviewee_id", "kind", "reviewer_id", "submitted_at"
    ):
        review = SubmittedReview(pk, kind, reviewer_id, submitted_at)
        reviews[pk] = review
        sheets[reviewee_id].reviews.append(review)
    if not reviews:
        return sheets
    answers = Answer.objects.filter(
        assignment__in=submitted, rating__isnull=False, unable_to_rate=False
    ).values_list(
        "assignment_id", "section_id", "section__audience", "question__audience", "rating"
    )
    for assignment_id, section_id, section_audience, question_audience, rating in answers:
        if rating is None:  # excluded by the filter; narrows the type
            continue
        audience = question_audience or section_audience
        reviews[assignment_id].ratings.append(Rating(section_id, audience, rating))
    return sheets


@dataclass(frozen=True)
class ScoringFrame:
    """What turns ratings into a score for one cycle: its template's
    sections (with weights) and its scale's levels."""

    sections: Sequence[TemplateSection]
    levels: Sequence[RatingLevel]


def scoring_frame(cycle: Cycle) -> ScoringFrame:
    """The cycle's sections and levels (two queries)."""
    template = cycle.template
    return ScoringFrame(
        sections=list(TemplateSection.objects.filter(template_id=template.pk)),
        levels=list(RatingLevel.objects.filter(scale_id=template.rating_scale_id)),
    )


def weighted_score(
    sections: Sequence[TemplateSection], section_scores: dict[int, Decimal]
) -> Decimal | None:
    """The weighted score over the template's sections, stored precision."""
    score = computed_score((s.weight, section_scores.get(s.pk)) for s in sections)
    return None if score is None else quantize_score(score)


# Ratings on manager- or HR-only items are shown to those readers, but the
# score of record is built only from what the reviewee reads too.
SCORED_AUDIENCES = (AnswerAudience.REVIEWEE.value,)


def score_of_record(
    sheet: ScoreSheet | None, frame: ScoringFrame
) -> tuple[Decimal | None, RatingLevel | None]:
    """The computed score and level: from the manager review's ratings, per
    section, weighted. Only ratings the reviewee may read count: a score must
    be explainable to the person it is about, and one built on hidden
    ratings would let them work those out from the section scores they see.
    The level is mapped from the score as stored and shown, so the two
    always agree."""
    review = sheet.manager_review() if sheet is not None else None
    if review is None:
        return None, None
    score = weighted_score(frame.sections, review.section_scores(SCORED_AUDIENCES))
    return score, map_to_level(score, frame.levels)


def section_averages(
    reviews: Sequence[SubmittedReview], audiences: Collection[str] | None
) -> dict[int, SectionAverage]:
    """Per section, the mean of the reviewers' section scores over the items
    whose audience is in `audiences`."""
    collected: dict[int, list[Decimal]] = defaultdict(list)
    for review in reviews:
        for section_id, score in review.section_scores(audiences).items():
            collected[section_id].append(score)
    averages: dict[int, SectionAverage] = {}
    for section_id, scores in collected.items():
        mean = section_score(scores)
        value = None if mean is None else quantize_score(mean)
        averages[section_id] = SectionAverage(value, len(scores))
    return averages
