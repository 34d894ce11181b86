"""What reviewers write (answers, autosaved until submitted) and what a
reviewee ends up with (the result: computed score, the manager's proposed
rating with the reason for any override, room for a calibrated rating,
release and acknowledgement)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

from cadence.reviews.models.cycles import Cycle, ReviewAssignment
from cadence.reviews.models.scales import RatingLevel
from cadence.reviews.models.templates import Question, TemplateSection

if TYPE_CHECKING:
    from cadence.core.models import User


class Answer(models.Model):
    """One answer in an assignment. `item` names what it answers: "q<id>"
    for a question, "g<id>" for a goal rating, "c<id>" for a competency
    rating; the matching foreign key is set too."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="answers"
    )
    section = models.ForeignKey(TemplateSection, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=24)
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    goal = models.ForeignKey(
        "goals.Objective", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    competency = models.ForeignKey(
        "jobs.Competency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    unable_to_rate = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    choice = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "section", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "item"], name="uniq_answer_item"),
            models.CheckConstraint(
                condition=~Q(unable_to_rate=True, rating__isnull=False),
                name="answer_rating_or_unable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} in {self.assignment_id}"


class ResultQuerySet(models.QuerySet["ReviewResult"]):
    def visible_to(self, user: User) -> ResultQuerySet:
        """See cadence.reviews.access."""
        from cadence.reviews.access import result_condition

        condition = result_condition(user)
        return self if condition is None else self.filter(condition)


class ReviewResult(models.Model):
    """A reviewee's outcome in a cycle. The computed score, the manager's
    proposed rating (with a reason when it differs from the computed one)
    and a calibrated rating are kept side by side; the final rating is the
    latest of them that is set."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="results")
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="review_results"
    )
    computed_score = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    computed_level = models.ForeignKey(
        RatingLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_level = models.ForeignKey(
        RatingLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.TextField(blank=True)
    manager_rated_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    calibrated_level = models.ForeignKey(
        RatingLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    calibration_reason = models.TextField(blank=True)
    calibrated_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "employee"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="uniq_review_result"),
        ]
        indexes = [models.Index(fields=["employee", "released_at"], name="result_released_idx")]

    def __str__(self) -> str:
        return f"{self.employee} in {self.cycle}"

    @property
    def final_level(self) -> RatingLevel | None:
        return self.calibrated_level or self.manager_level or self.computed_level
