"""Jobs: families, levels, pay grades, job profiles (description, duties,
performance standards) and competency frameworks with proficiency levels,
behavioural indicators and the proficiency each job profile expects."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q


class JobFamily(models.Model):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "job families"

    def __str__(self) -> str:
        return self.name


class JobLevel(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    rank = models.PositiveSmallIntegerField(help_text="Higher is more senior.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PayGrade(models.Model):
    code = models.CharField(max_length=20, unique=True)
    currency = models.CharField(max_length=3, default="USD")
    minimum = models.DecimalField(max_digits=12, decimal_places=2)
    midpoint = models.DecimalField(max_digits=12, decimal_places=2)
    maximum = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["minimum"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum__lte=F("midpoint")) & Q(midpoint__lte=F("maximum")),
                name="paygrade_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.currency} {self.minimum:,.0f}–{self.maximum:,.0f})"


class JobProfile(models.Model):
    title = models.CharField(max_length=150)
    family = models.ForeignKey(JobFamily, on_delete=models.PROTECT, related_name="profiles")
    level = models.ForeignKey(JobLevel, on_delete=models.PROTECT, related_name="profiles")
    pay_grade = models.ForeignKey(
        PayGrade, null=True, blank=True, on_delete=models.PROTECT, related_name="profiles"
    )
    summary = models.TextField(blank=True)
    duties = models.TextField(blank=True, help_text="One duty per line.")
    performance_standards = models.TextField(blank=True, help_text="One standard per line.")
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["title", "level"], name="uniq_jobprofile_title_level")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duty_list(self) -> list[str]:
        return [line.strip() for line in self.duties.splitlines() if line.strip()]

    @property
    def standard_list(self) -> list[str]:
        return [line.strip() for line in self.performance_standards.splitlines() if line.strip()]


class CompetencyFramework(models.Model):
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProficiencyLevel(models.Model):
    """A step on a framework's proficiency scale (e.g. 1 Foundation … 5 Expert)."""

    framework = models.ForeignKey(
        CompetencyFramework, on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "level"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "level"], name="uniq_proficiency_level")
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.name}"


class CompetencyCategory(models.TextChoices):
    CORE = "core", "Core"
    LEADERSHIP = "leadership", "Leadership"
    FUNCTIONAL = "functional", "Functional"


class Competency(models.Model):
    framework = models.ForeignKey(
        CompetencyFramework, on_delete=models.CASCADE, related_name="competencies"
    )
    name = models.CharField(max_length=150)
    category = models.CharField(max_length=20, choices=CompetencyCategory.choices)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "category", "name"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="uniq_competency_name")
        ]

    def __str__(self) -> str:
        return self.name


class BehaviouralIndicator(models.Model):
    """What a competency looks like in practice at one proficiency level."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="indicators")
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    description = models.TextField()

    class Meta:
        ordering = ["competency", "level", "id"]

    def __str__(self) -> str:
        return f"{self.competency} L{self.level}: {self.description[:40]}"


class ExpectedProficiency(models.Model):
    job_profile = models.ForeignKey(
        JobProfile, on_delete=models.CASCADE, related_name="expected_proficiencies"
    )
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="expected_by")
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["job_profile", "competency"]
        verbose_name_plural = "expected proficiencies"
        constraints = [
            models.UniqueConstraint(
                fields=["job_profile", "competency"], name="uniq_expected_proficiency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_profile}: {self.competency} ≥ {self.level}"
