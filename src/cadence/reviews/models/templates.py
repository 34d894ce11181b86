"""Review templates: weighted sections (the reviewee's goals, their job's
competencies, or questions) and the questions in them, with who answers
each and who may read the answers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from cadence.reviews.models.scales import RatingScale


class ReviewerKind(models.TextChoices):
    SELF = "self", "Self"
    MANAGER = "manager", "Manager"
    PEER = "peer", "Peer"
    UPWARD = "upward", "Upward (reports about their manager)"


class SectionKind(models.TextChoices):
    GOALS = "goals", "Goals (the reviewee's goals for the cycle's period, rated)"
    COMPETENCIES = "competencies", "Competencies (the reviewee's job profile, rated)"
    QUESTIONS = "questions", "Questions"


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating on the scale"
    TEXT = "text", "Text"
    CHOICE = "choice", "Multiple choice"


class AnswerAudience(models.TextChoices):
    """Who may read an answer besides its writer and HR. The reviewee's
    manager chain always reads what the reviewee may read."""

    REVIEWEE = "reviewee", "The reviewee, their manager and HR"
    MANAGER = "manager", "Their manager and HR"
    HR = "hr", "HR only"


def default_reviewer_kinds() -> list[str]:
    return [ReviewerKind.SELF.value, ReviewerKind.MANAGER.value]


class ReviewTemplate(models.Model):
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    rating_scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="+")
    is_archived = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TemplateSection(models.Model):
    """A weighted part of the review. Goals and competencies sections rate
    the reviewee's own goals or competencies; a questions section holds
    questions. Weights are relative: they are renormalised over the
    sections that have answers."""

    template = models.ForeignKey(ReviewTemplate, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=14, choices=SectionKind.choices)
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    position = models.PositiveSmallIntegerField(default=0)
    # For goals and competencies sections: which reviewer kinds rate them and
    # who reads those ratings (questions carry their own).
    reviewer_kinds = models.JSONField(default=default_reviewer_kinds)
    audience = models.CharField(
        max_length=10, choices=AnswerAudience.choices, default=AnswerAudience.REVIEWEE
    )

    class Meta:
        ordering = ["template", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="section_weight_nonneg"),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=8, choices=QuestionKind.choices)
    text = models.CharField(max_length=500)
    help_text = models.TextField(blank=True)
    required = models.BooleanField(default=True)
    word_limit = models.PositiveIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True, help_text="For multiple choice.")
    reviewer_kinds = models.JSONField(default=default_reviewer_kinds)
    audience = models.CharField(
        max_length=10, choices=AnswerAudience.choices, default=AnswerAudience.REVIEWEE
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]
