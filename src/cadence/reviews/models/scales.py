"""Rating scales: named, ordered levels (1 Does not meet … 5 Far exceeds),
optionally with "unable to rate"."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class RatingScale(models.Model):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    allow_unable_to_rate = models.BooleanField(
        default=True, help_text='Reviewers may answer "unable to rate" instead of a level.'
    )
    is_archived = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class RatingLevel(models.Model):
    """One point on a scale. `value` orders the levels and is what scores
    are computed from."""

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="levels")
    value = models.DecimalField(max_digits=5, decimal_places=2)
    label = models.CharField(max_length=80)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="uniq_rating_level_value"),
            models.CheckConstraint(condition=Q(value__gte=0), name="rating_level_value_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.value.normalize():f} {self.label}"
