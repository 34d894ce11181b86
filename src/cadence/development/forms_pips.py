"""Forms for the improvement-plan pages. They parse input only: the rules
are in `services_pips`, whose errors (keyed by field, or by path such as
`expectations.1.due_on`) are put back on the right field here.

The plan editor (new plan, edit a draft) holds the plan's fields and its
expectations as rows (a formset, prefix "expectations"). "Add another
expectation" and "Remove" are submit buttons named `op`, as in the rating
scale editor: they work without JavaScript and, with htmx, swap the form in
place; nothing typed is lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from cadence.core.formrows import RowFormSet, RowsEditor
from cadence.core.models import User
from cadence.development.models import (
    ExpectationProgress,
    ImprovementPlan,
    PlanCheckIn,
    PlanExpectation,
    PlanOutcome,
    PlanState,
)
from cadence.development.pip_states import Move
from cadence.development.selectors_pips import PlanFilters, partner_choices, plan_departments
from cadence.development.services_pips import MAX_EXPECTATIONS, ExpectationInput
from cadence.development.services_pips_record import ProgressInput
from cadence.people.forms import BootstrapFormMixin, apply_service_errors
from cadence.people.models import Employee

__all__ = [
    "AcknowledgeForm",
    "CheckInForm",
    "CommentsForm",
    "EmployeeSearchForm",
    "PlanEditor",
    "PlanFilterForm",
    "TransitionForm",
    "apply_service_errors",
]

DEFAULT_LENGTH_DAYS = 60


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


# --- the list ---------------------------------------------------------------------------------


class PlanFilterForm(BootstrapFormMixin, forms.Form):
    """The list's search box and filters, from the query string."""

    q = forms.CharField(label="Employee name", required=False, max_length=150)
    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "Any"), *PlanState.choices]
    )
    department = forms.TypedChoiceField(
        label="Department", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Search by employee name",
                "autocomplete": "off",
                "class": "form-control",
            }
        )
        department = self.fields["department"]
        assert isinstance(department, forms.ChoiceField)
        department.choices = [
            ("", "Any"),
            *((str(d.pk), "\u2003" * d.depth + d.name) for d in plan_departments(user)),
        ]

    def filters(self) -> PlanFilters:
        """The filters asked for; invalid input is ignored rather than failing."""
        data = self.cleaned_data if self.is_valid() else {}
        return PlanFilters(
            state=data.get("state") or None,
            department=data.get("department"),
            q=(data.get("q") or "").strip(),
        )


class EmployeeSearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Employee name", required=False, max_length=150)


# --- the plan editor --------------------------------------------------------------------------


class _PartnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.email})" if obj.display_name else obj.email


class PlanForm(BootstrapFormMixin, forms.Form):
    """The plan's own fields. The HR partner is chosen among those who may
    be one for this employee (the service checks it again)."""

    hr_partner = _PartnerChoice(
        label="HR partner",
        queryset=User.objects.none(),
        help_text="An HR admin, or the HR business partner for the employee's department.",
    )
    concerns = forms.CharField(
        label="Performance concerns",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Specific, with examples: what happened, when, and the impact.",
    )
    support = forms.CharField(
        label="Support and resources offered",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    starts_on = forms.DateField(label="Starts on", widget=DateInput())
    ends_on = forms.DateField(label="Ends on", widget=DateInput())
    check_in_every_days = forms.IntegerField(
        label="Check in every (days)", min_value=1, max_value=60, initial=14
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, employee: Employee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = self.fields["hr_partner"]
        assert isinstance(partner, forms.ModelChoiceField)
        partner.queryset = partner_choices(employee)


class ExpectationForm(BootstrapFormMixin, forms.Form):
    """One expectation. A row left blank is skipped; a half-filled one says
    what it lacks."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    description = forms.CharField(
        label="Expectation", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    success_criterion = forms.CharField(
        label="Success criterion (how it is measured)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = forms.DateField(label="Due on", required=False, widget=DateInput())

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return (
            not data.get("description")
            and not data.get("success_criterion")
            and not data.get("due_on")
        )


ExpectationFormSet = forms.formset_factory(
    ExpectationForm,
    formset=RowFormSet,
    extra=0,
    max_num=MAX_EXPECTATIONS,
    absolute_max=MAX_EXPECTATIONS,
)


class PlanEditor(RowsEditor):
    """The plan form and its expectation rows. `op` "add_expectation" adds
    a row, "remove_expectation-<i>" removes one, "save" (the default)
    validates for the service."""

    prefix = "expectations"
    row = "expectation"
    focus_field = "description"
    max_rows = MAX_EXPECTATIONS
    formset_class = ExpectationFormSet
    row_form = ExpectationForm

    def __init__(
        self, data: QueryDict | None, *, employee: Employee, plan: ImprovementPlan | None = None
    ) -> None:
        self.employee = employee
        self.plan = plan
        super().__init__(data)

    def make_form(self, data: QueryDict | None = None, **kwargs: Any) -> PlanForm:
        return PlanForm(data, employee=self.employee, **kwargs)

    def stored(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        plan = self.plan
        if plan is None:
            today = timezone.localdate()
            return (
                {
                    "starts_on": today,
                    "ends_on": today + dt.timedelta(days=DEFAULT_LENGTH_DAYS),
                    "check_in_every_days": 14,
                },
                [{}],
            )
        expectations: list[PlanExpectation] = list(plan.expectations.order_by("position", "id"))
        return (
            {
                "hr_partner": plan.hr_partner_id,
                "concerns": plan.concerns,
                "support": plan.support,
                "starts_on": plan.starts_on,
                "ends_on": plan.ends_on,
                "check_in_every_days": plan.check_in_every_days,
                "version": plan.version,
            },
            [
                {
                    "id": e.pk,
                    "description": e.description,
                    "success_criterion": e.success_criterion,
                    "due_on": e.due_on,
                }
                for e in expectations
            ]
            or [{}],
        )

    def values(self) -> dict[str, Any]:
        """What `services_pips.open_plan` / `update_plan` take (after `is_valid`)."""
        items = [
            ExpectationInput(
                description=row.cleaned_data.get("description") or "",
                success_criterion=row.cleaned_data.get("success_criterion") or "",
                due_on=row.cleaned_data.get("due_on"),  # the service says when it is missing
                id=row.cleaned_data.get("id"),
            )
            for row in self.filled_rows()
        ]
        data = self.form.cleaned_data
        return {
            "hr_partner": data["hr_partner"],
            "concerns": data["concerns"],
            "support": data["support"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "check_in_every_days": data["check_in_every_days"],
            "expectations": items,
        }


# --- transitions ------------------------------------------------------------------------------


class TransitionForm(BootstrapFormMixin, forms.Form):
    """What one move needs (pip_states.Move.needs): a new end date and a
    reason to extend, the outcome and a summary to complete, a reason to
    cancel."""

    to = forms.ChoiceField(choices=PlanState.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    ends_on = forms.DateField(label="New end date", widget=DateInput())
    outcome = forms.ChoiceField(
        label="Outcome", choices=PlanOutcome.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(label="Outcome summary", widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, move: Move, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("ends_on", "outcome", "summary", "reason"):
            if name not in move.needs:
                del self.fields[name]
        if "reason" in self.fields:
            self.fields["reason"].label = (
                "Reason for the extension" if move.action == "extend" else "Reason for cancelling"
            )
        if "outcome" in self.fields:
            self.fields["outcome"].widget.attrs["class"] = "form-check-input"

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name] for name in ("ends_on", "outcome", "summary", "reason") if name in data
        }


# --- check-ins --------------------------------------------------------------------------------

UNSCHEDULED = "unscheduled"


class CheckInForm(BootstrapFormMixin, forms.Form):
    """A held check-in: which scheduled one it is, when it was held, the
    notes, and progress (with an optional comment) on each expectation as
    fields `progress_<id>` and `comment_<id>`."""

    check_in = forms.ChoiceField(label="Scheduled check-in")
    held_on = forms.DateField(label="Held on", widget=DateInput())
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(
        self,
        *args: Any,
        expectations: list[PlanExpectation],
        check_ins: list[PlanCheckIn],
        **kwargs: Any,
    ) -> None:
        self.expectations = expectations
        self.open_check_ins = {str(c.pk): c for c in check_ins if c.held_on is None}
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("held_on", timezone.localdate())
        if self.open_check_ins:
            kwargs["initial"].setdefault("check_in", next(iter(self.open_check_ins)))
        super().__init__(*args, **kwargs)
        choice = self.fields["check_in"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [
            *((pk, f"{c.scheduled_on:%-d %b %Y}") for pk, c in self.open_check_ins.items()),
            (UNSCHEDULED, "Unscheduled check-in (on the day held)"),
        ]
        for n, expectation in enumerate(expectations, start=1):
            self.fields[f"progress_{expectation.pk}"] = forms.ChoiceField(
                label=f"Progress on expectation {n}",
                choices=ExpectationProgress.choices,
                initial=expectation.progress,
            )
            self.fields[f"comment_{expectation.pk}"] = forms.CharField(
                label=f"Comment on expectation {n}", required=False, max_length=2000
            )
        self.style_fields()

    def rows(self) -> list[tuple[PlanExpectation, forms.BoundField, forms.BoundField]]:
        return [(e, self[f"progress_{e.pk}"], self[f"comment_{e.pk}"]) for e in self.expectations]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "notes": data["notes"],
            "check_in": self.open_check_ins.get(data["check_in"]),
            "progress": [
                ProgressInput(
                    expectation_id=e.pk,
                    progress=data[f"progress_{e.pk}"],
                    comment=data.get(f"comment_{e.pk}") or "",
                )
                for e in self.expectations
            ],
        }


# --- the employee -----------------------------------------------------------------------------


class AcknowledgeForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label="Type your full name to sign",
        max_length=200,
        help_text="Signing records that you have received and read this plan, not that you agree.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    comments = forms.CharField(
        label="Your comments (optional)",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentsForm(BootstrapFormMixin, forms.Form):
    comments = forms.CharField(
        label="Your comments on the plan",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
