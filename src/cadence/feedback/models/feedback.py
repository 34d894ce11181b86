"""Continuous feedback and praise, the company values praise can point to,
and feedback requests (ask named colleagues for feedback on yourself, or —
as a manager — on a report)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from cadence.core.models import User


class CompanyValue(models.Model):
    """A value the organisation names (e.g. "Customers first"); feedback and
    praise can point to one. Kept by HR admins."""

    name = models.CharField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FeedbackVisibility(models.TextChoices):
    """Chosen by the giver. The giver always sees what they gave."""

    PRIVATE = "private", "Private to the recipient"
    RECIPIENT_AND_MANAGER = "recipient_manager", "The recipient and their manager"
    MANAGER_ONLY = "manager_only", "Their manager only"
    PUBLIC = "public", "Public praise (the praise wall)"


class FeedbackQuerySet(models.QuerySet["Feedback"]):
    def visible_to(self, user: User) -> FeedbackQuerySet:
        """See cadence.feedback.access."""
        from cadence.feedback.access import feedback_condition

        return self.filter(feedback_condition(user))


class Feedback(models.Model):
    """One piece of feedback or praise from one person to another,
    optionally about a competency, a company value or a goal, and
    optionally answering a feedback request."""

    giver = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="feedback_given"
    )
    recipient = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="feedback_received"
    )
    body = models.TextField()
    visibility = models.CharField(
        max_length=20, choices=FeedbackVisibility.choices, default=FeedbackVisibility.PRIVATE
    )
    competency = models.ForeignKey(
        "jobs.Competency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value = models.ForeignKey(
        CompanyValue, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    goal = models.ForeignKey(
        "goals.Objective", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when this answers a request: the requester sees the answer too.
    ask = models.OneToOneField(
        "feedback.FeedbackAsk",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answer",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="feedback_recipient_idx"),
            models.Index(fields=["giver", "created_at"], name="feedback_giver_idx"),
            models.Index(fields=["visibility", "created_at"], name="feedback_wall_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=models.F("recipient")), name="feedback_not_to_self"
            )
        ]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"Feedback to {self.recipient_id} from {self.giver_id}"

    @property
    def is_praise(self) -> bool:
        return self.visibility == FeedbackVisibility.PUBLIC


class FeedbackRequestQuerySet(models.QuerySet["FeedbackRequest"]):
    def visible_to(self, user: User) -> FeedbackRequestQuerySet:
        """See cadence.feedback.access."""
        from cadence.feedback.access import request_condition

        return self.filter(request_condition(user))


class FeedbackRequest(models.Model):
    """A request for feedback on `subject` (the requester themself, or one
    of the requester's reports), sent to named colleagues (`asks`)."""

    requester = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="feedback_requests_made"
    )
    subject = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="feedback_requests_about"
    )
    message = models.TextField(blank=True, help_text="What the requester would like to hear about.")
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = FeedbackRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requester", "created_at"], name="fbrequest_requester_idx"),
            models.Index(fields=["subject", "created_at"], name="fbrequest_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.subject_id} asked by {self.requester_id}"


class AskStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ANSWERED = "answered", "Answered"
    DECLINED = "declined", "Declined"


class FeedbackAskQuerySet(models.QuerySet["FeedbackAsk"]):
    def visible_to(self, user: User) -> FeedbackAskQuerySet:
        """See cadence.feedback.access."""
        from cadence.feedback.access import ask_condition

        return self.filter(ask_condition(user))


class FeedbackAsk(models.Model):
    """One colleague asked in a feedback request, and where their answer is."""

    request = models.ForeignKey(FeedbackRequest, on_delete=models.CASCADE, related_name="asks")
    responder = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="feedback_asks"
    )
    status = models.CharField(max_length=10, choices=AskStatus.choices, default=AskStatus.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    objects = FeedbackAskQuerySet.as_manager()

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "responder"], name="uniq_feedback_ask"),
        ]
        indexes = [
            models.Index(fields=["responder", "status"], name="fbask_responder_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.responder_id} asked in request {self.request_id}"
