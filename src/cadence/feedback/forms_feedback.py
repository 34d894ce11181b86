"""Forms for the feedback pages. They parse input only; the rules (who may
receive, who may be asked, which visibility fits) are in
`services_feedback`, whose field errors `apply_service_errors` puts back on
these forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.feedback.models import CompanyValue, FeedbackRequest, FeedbackVisibility
from cadence.feedback.selectors_feedback import active_values
from cadence.feedback.services_feedback import BODY_MAX, MESSAGE_MAX, REASON_MAX
from cadence.goals.models import Objective, ObjectiveStatus
from cadence.jobs.models import Competency
from cadence.people.forms import BootstrapFormMixin, apply_service_errors
from cadence.people.models import Employee, EmploymentStatus

__all__ = [
    "DeclineForm",
    "FeedbackForm",
    "FeedbackRequestForm",
    "ValueForm",
    "apply_service_errors",
    "visibility_explanations",
]

SUBJECT_CHOICE_LIMIT = 500
DEFAULT_DUE_DAYS = 7


def visibility_explanations(
    name: str = "", request: FeedbackRequest | None = None
) -> dict[str, str]:
    """Each visibility in plain words, for the person choosing it."""
    who = name or "the recipient"
    explained = {
        FeedbackVisibility.PRIVATE: f"Only {who} can read it (and you).",
        FeedbackVisibility.RECIPIENT_AND_MANAGER: f"{who[0].upper()}{who[1:]} and their "
        "managers can read it.",
        FeedbackVisibility.MANAGER_ONLY: f"Only {who}’s managers can read it; {who} will not "
        "see it. For something their manager should know.",
        FeedbackVisibility.PUBLIC: "Everyone in the organisation can read it on the praise "
        "wall. For praise.",
    }
    if request is not None:
        asker = request.requester.full_name
        explained[FeedbackVisibility.PRIVATE] = (
            f"Only {who} can read it (and you, and {asker}, who asked for it)."
        )
        if request.requester_id == request.subject_id:
            explained[FeedbackVisibility.MANAGER_ONLY] = (
                f"Not available here: {asker} asked for this feedback and reads every answer."
            )
    return {str(k): v for k, v in explained.items()}


class FeedbackForm(BootstrapFormMixin, forms.Form):
    """Give feedback or praise; without `recipient` when answering a request."""

    recipient = forms.ModelChoiceField(
        queryset=Employee.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose one of your current colleagues."},
    )
    body = forms.CharField(
        label="Your feedback",
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Be specific: what happened, and what it changed.",
    )
    visibility = forms.ChoiceField(
        label="Who can read it",
        choices=FeedbackVisibility.choices,
        initial=FeedbackVisibility.PRIVATE,
        widget=forms.RadioSelect,
    )
    value = forms.ModelChoiceField(
        label="Company value (optional)",
        queryset=CompanyValue.objects.none(),
        required=False,
        empty_label="— none —",
    )
    competency = forms.ModelChoiceField(
        label="Competency (optional)",
        queryset=Competency.objects.select_related("framework").order_by("name", "id"),
        required=False,
        empty_label="— none —",
    )
    goal = forms.ModelChoiceField(
        label="Goal (optional)",
        queryset=Objective.objects.none(),
        required=False,
        empty_label="— none —",
        help_text="One of their current goals that you can see.",
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        recipient: Employee | None = None,
        answering: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        recipient_field = self.fields["recipient"]
        assert isinstance(recipient_field, forms.ModelChoiceField)
        if answering:
            del self.fields["recipient"]
        else:
            recipient_field.queryset = Employee.objects.visible_to(user)
        value_field = self.fields["value"]
        assert isinstance(value_field, forms.ModelChoiceField)
        value_field.queryset = active_values()
        goal_field = self.fields["goal"]
        assert isinstance(goal_field, forms.ModelChoiceField)
        if recipient is None:
            del self.fields["goal"]
        else:
            # A person's active goals are a handful: no cap needed (and a
            # sliced queryset could not validate the choice).
            goal_field.queryset = (
                Objective.objects.visible_to(user)
                .filter(owner_employee=recipient, status=ObjectiveStatus.ACTIVE)
                .order_by("title", "id")
            )

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments."""
        data = self.cleaned_data
        out = {
            "body": data.get("body") or "",
            "visibility": data["visibility"],
            "value": data.get("value"),
            "competency": data.get("competency"),
            "goal": data.get("goal"),
        }
        if "recipient" in self.fields:
            out["recipient"] = data.get("recipient")
        return out


def _subjects(user: User) -> list[tuple[int, str]]:
    """The requester and the current people in their reporting subtree."""
    viewer = viewer_for(user)
    if viewer.employee_id is None:
        return []
    reports = (
        Employee.objects.filter(viewer.reports_q())
        .exclude(status=EmploymentStatus.TERMINATED)
        .order_by("last_name", "first_name", "id")[:SUBJECT_CHOICE_LIMIT]
    )
    return [(viewer.employee_id, "Myself"), *((e.pk, e.full_name) for e in reports)]


class FeedbackRequestForm(BootstrapFormMixin, forms.Form):
    """Ask named colleagues for feedback on yourself or on one of your reports."""

    subject = forms.TypedChoiceField(
        label="Feedback on", coerce=int, help_text="Yourself, or someone who reports to you."
    )
    responders = forms.ModelMultipleChoiceField(
        label="People to ask",
        queryset=Employee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose current colleagues only."},
    )
    message = forms.CharField(
        label="What would you like to hear about? (optional)",
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_on = forms.DateField(label="Answers due by", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subject_field = self.fields["subject"]
        assert isinstance(subject_field, forms.TypedChoiceField)
        subject_field.choices = _subjects(user)
        if len(subject_field.choices) <= 1:
            subject_field.widget = forms.HiddenInput()
        responders_field = self.fields["responders"]
        assert isinstance(responders_field, forms.ModelMultipleChoiceField)
        responders_field.queryset = Employee.objects.visible_to(user)
        self.fields["due_on"].initial = timezone.localdate() + dt.timedelta(days=DEFAULT_DUE_DAYS)
        self.style_fields()

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        subject = Employee.objects.get(pk=data["subject"])
        responders = list(data.get("responders") or [])
        return {
            "subject": subject,
            "responders": responders,
            "message": data.get("message") or "",
            "due_on": data["due_on"],
        }


class DeclineForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason (optional; the person who asked reads it)",
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ValueForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=80)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the value means in practice, in a sentence or two.",
    )
    active = forms.BooleanField(
        label="In use (people can choose it for new feedback)", required=False, initial=True
    )
