"""Forms for the development plan pages. They parse input only; the writes
go through `cadence.development.services_growth`, whose ValidationErrors
are mapped back onto the fields by `apply_service_errors`."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.development.models import (
    ActionKind,
    ActionStatus,
    DevelopmentPlanStatus,
)
from cadence.development.selectors_growth import (
    CompetencySources,
    PlanFilters,
    workable_employees,
)
from cadence.people.forms import BootstrapFormMixin, apply_service_errors

__all__ = [
    "ActionForm",
    "ActionStatusForm",
    "CommentForm",
    "DecisionForm",
    "GoalForm",
    "PlanFilterForm",
    "PlanForm",
    "VersionForm",
    "apply_service_errors",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=150)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), *DevelopmentPlanStatus.choices],
    )
    whose = forms.ChoiceField(
        label="Whose",
        required=False,
        choices=[("", "Everyone I can see"), ("mine", "Mine"), ("team", "My team's")],
    )

    def filters(self) -> PlanFilters:
        if not self.is_bound or not self.is_valid():
            return PlanFilters()
        data = self.cleaned_data
        return PlanFilters(status=data["status"], q=data["q"].strip(), whose=data["whose"])


class PlanForm(BootstrapFormMixin, forms.Form):
    """A plan's title and dates; on a new plan, whose plan it is (for
    managers and HR: the people they may work on)."""

    employee = forms.TypedChoiceField(label="For", coerce=int, required=False)
    title = forms.CharField(label="Title", max_length=200)
    starts_on = forms.DateField(label="Starts on", widget=DATE)
    ends_on = forms.DateField(label="Ends on", widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        viewer = viewer_for(user)
        if not new:
            del self.fields["employee"]
            return
        del self.fields["version"]
        people = workable_employees(user)
        # A page of choices for large organisations: people beyond it use the API.
        rows = list(people.order_by("last_name", "first_name", "id")[:500])
        cast(forms.ChoiceField, self.fields["employee"]).choices = [
            (p.pk, f"{p.full_name} (me)" if p.pk == viewer.employee_id else p.full_name)
            for p in rows
        ]
        self.fields["employee"].required = True
        if viewer.employee_id and not self.is_bound:
            self.initial.setdefault("employee", viewer.employee_id)
        self.people = {p.pk: p for p in rows}

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data[k] for k in ("title", "starts_on", "ends_on")}


class GoalForm(BootstrapFormMixin, forms.Form):
    """A development goal: a competency the job profile expects (levels left
    empty are prefilled from the job profile and the latest review), or a
    free-text aim."""

    competency = forms.TypedChoiceField(
        label="Competency", coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label="What to develop",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required without a competency; otherwise optional.",
    )
    current_level = forms.IntegerField(
        label="Current level",
        required=False,
        min_value=1,
        max_value=100,
        help_text="Empty: the latest review's rating, when there is one.",
    )
    target_level = forms.IntegerField(
        label="Target level",
        required=False,
        min_value=1,
        max_value=100,
        help_text="Empty: the level the job profile expects.",
    )

    def __init__(self, *args: Any, sources: CompetencySources, taken: set[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, str]] = [("", "None: a free-text goal")]
        for competency_id, expected in sources.expected.items():
            if competency_id in taken:
                continue
            review = sources.review_rating(competency_id)
            seen = f"review {review.level}" if review and review.level else "no review yet"
            choices.append(
                (
                    competency_id,
                    f"{expected.competency.name} (expected {expected.level}, {seen})",
                )
            )
        cast(forms.ChoiceField, self.fields["competency"]).choices = choices


class ActionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=ActionKind.choices)
    title = forms.CharField(label="Action", max_length=200)
    due_on = forms.DateField(label="Due on", required=False, widget=DATE)


class ActionStatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)


class VersionForm(forms.Form):
    """The plan version a state change was made from (stale: refused)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("request_changes", "Ask for changes")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you ask for changes.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def style_fields(self) -> None:
        super().style_fields()
        # Radios are styled by the template, not as a select.
        self.fields["decision"].widget.attrs.pop("class", None)


class CommentForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label="Comment", max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )
