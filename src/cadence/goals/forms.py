"""Forms for the goals pages. They parse input only; writes go through
`cadence.goals.services`, whose ValidationErrors are mapped back onto the
fields by `apply_service_errors`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cadence.core.models import User
from cadence.core.numbers import plain_number
from cadence.core.permissions import viewer_for
from cadence.goals.models import (
    Confidence,
    Direction,
    GoalPeriod,
    KeyResult,
    KeyResultType,
    Kind,
    Objective,
    Scope,
    Visibility,
)
from cadence.goals.services import PERIOD_FIELDS
from cadence.people.forms import BootstrapFormMixin, apply_service_errors
from cadence.people.models import Department, Employee, EmploymentStatus

__all__ = [
    "CheckInForm",
    "KeyResultForm",
    "ObjectiveForm",
    "apply_service_errors",
    "measurability_warning",
]

PARENT_CHOICE_LIMIT = 300
NUDGE_MESSAGE = (
    "This key result is hard to measure: give it a target number or a due date "
    "so everyone can tell when it is done."
)


def measurability_warning(
    result_type: str | None, target_value: Decimal | None, due_date: dt.date | None
) -> str:
    """A gentle nudge (never blocking) when a key result has neither a target
    number nor a due date."""
    if target_value is None and due_date is None:
        return NUDGE_MESSAGE
    return ""


class ObjectiveForm(BootstrapFormMixin, forms.Form):
    """Set or change a goal. The owner is the author unless a manager names a
    report by employee number, or HR sets a department or company goal."""

    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    period = forms.ModelChoiceField(queryset=GoalPeriod.objects.all(), empty_label=None)
    scope = forms.ChoiceField(label="Whose goal", choices=Scope.choices, initial=Scope.PERSONAL)
    owner = forms.CharField(
        label="Owner's employee number",
        required=False,
        max_length=30,
        help_text="Leave empty for your own goal; a manager may name one of their reports.",
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), required=False, label="Department"
    )
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.COMMITTED)
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PUBLIC)
    weight = forms.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0.01"), initial=1
    )
    parent = forms.TypedChoiceField(
        label="Contributes to",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="A goal of the same period this one helps to achieve.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, user: User, objective: Objective | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.objective = objective
        viewer = viewer_for(user)
        scopes = [(Scope.PERSONAL.value, Scope.PERSONAL.label)]
        if viewer.is_hr:
            scopes.append((Scope.DEPARTMENT.value, Scope.DEPARTMENT.label))
        if viewer.is_hr_admin:
            scopes.append((Scope.COMPANY.value, Scope.COMPANY.label))
        scope_field = self.fields["scope"]
        assert isinstance(scope_field, forms.ChoiceField)
        scope_field.choices = scopes
        department_field = self.fields["department"]
        assert isinstance(department_field, forms.ModelChoiceField)
        if viewer.is_hr_admin:
            department_field.queryset = Department.objects.order_by("path")
        elif viewer.hrbp_department_ids:
            department_field.queryset = Department.objects.filter(
                pk__in=viewer.hrbp_department_ids
            ).order_by("path")
        else:
            del self.fields["department"]
        if len(scopes) == 1:
            scope_field.widget = forms.HiddenInput()
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.TypedChoiceField)
        parent_field.choices = [("", "— none —"), *self._parent_choices()]
        self.style_fields()

    def _chosen_period_id(self) -> int | None:
        raw = self.data.get("period") if self.is_bound else None
        if raw is None:
            raw = self.initial.get("period")
        if isinstance(raw, GoalPeriod):
            return raw.pk
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def _parent_choices(self) -> list[tuple[str, str]]:
        """Visible goals of the chosen period (bounded), this goal excluded."""
        from cadence.goals import selectors

        period_id = self._chosen_period_id()
        if period_id is None:
            first = GoalPeriod.objects.order_by("-starts_on").values_list("pk", flat=True).first()
            period_id = first
        if period_id is None:
            return []
        qs = selectors.goals(self.user, selectors.GoalFilters(period=period_id)).order_by(
            "scope", "title", "id"
        )
        if self.objective is not None:
            qs = qs.exclude(pk=self.objective.pk)
        rows = qs.values_list("id", "title", "scope")[:PARENT_CHOICE_LIMIT]
        return [(str(pk), f"{title} ({Scope(scope).label.lower()})") for pk, title, scope in rows]

    def clean_owner(self) -> Employee | None:
        number = (self.cleaned_data.get("owner") or "").strip()
        if not number:
            return None
        owner = (
            Employee.objects.visible_to(self.user)
            .filter(employee_number__iexact=number)
            .exclude(status=EmploymentStatus.TERMINATED)
            .first()
        )
        if owner is None:
            raise ValidationError(f"No current employee has the employee number {number}.")
        return owner

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope") or Scope.PERSONAL
        if scope == Scope.PERSONAL and data.get("owner") is None:
            me = getattr(self.user, "employee", None)
            if me is None:
                self.add_error("owner", "Enter the employee number of the goal's owner.")
            data["owner"] = me
        if scope == Scope.DEPARTMENT and not data.get("department"):
            self.add_error(
                "department" if "department" in self.fields else "scope",
                "Choose the department this goal belongs to.",
            )
        return data

    def values(self) -> dict[str, Any]:
        """Keyword arguments for create_objective / update_objective."""
        data = self.cleaned_data
        scope = data.get("scope") or Scope.PERSONAL
        parent_id = data.get("parent")
        return {
            "title": data["title"],
            "description": data.get("description") or "",
            "period": data["period"],
            "scope": scope,
            "owner_employee": data.get("owner") if scope == Scope.PERSONAL else None,
            "owner_department": data.get("department") if scope == Scope.DEPARTMENT else None,
            "kind": data["kind"],
            "visibility": data["visibility"],
            "weight": data["weight"],
            "parent": Objective.objects.get(pk=parent_id) if parent_id else None,
        }

    @staticmethod
    def initial_for(objective: Objective) -> dict[str, Any]:
        return {
            "title": objective.title,
            "description": objective.description,
            "period": objective.period_id,
            "scope": objective.scope,
            "owner": objective.owner_employee.employee_number if objective.owner_employee else "",
            "department": objective.owner_department_id,
            "kind": objective.kind,
            "visibility": objective.visibility,
            "weight": objective.weight,
            "parent": objective.parent_id,
            "version": objective.version,
        }


class KeyResultForm(BootstrapFormMixin, forms.ModelForm):
    """A metric (start → target, in a unit, up or down) or a milestone (done
    by a due date)."""

    class Meta:
        model = KeyResult
        fields = (
            "title",
            "result_type",
            "direction",
            "unit",
            "start_value",
            "target_value",
            "due_date",
            "weight",
        )
        labels = {
            "result_type": "Type",
            "start_value": "Start value",
            "target_value": "Target value",
        }
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    # The version read, so a save over someone else's edit is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"].initial = Direction.INCREASE
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version
        for name, hint in (
            ("target_value", "The number that means done."),
            ("due_date", "For a milestone: when it should be done."),
        ):
            self.fields[name].help_text = hint
            self.fields[name].widget.attrs["data-nudge-input"] = ""

    def _post_clean(self) -> None:
        # Model validation belongs to the service.
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields} | {
            "unit": self.cleaned_data.get("unit") or ""
        }

    @property
    def nudge(self) -> str:
        """The measurability warning for what was entered (or is stored)."""
        if self.is_bound:
            data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
            return measurability_warning(
                data.get("result_type"), data.get("target_value"), data.get("due_date")
            )
        if self.instance.pk:
            return measurability_warning(
                self.instance.result_type, self.instance.target_value, self.instance.due_date
            )
        return ""


class CheckInForm(BootstrapFormMixin, forms.Form):
    """A check-in on one key result: the value now (metric) or done
    (milestone), confidence and a comment."""

    value = forms.DecimalField(
        label="Current value", required=False, max_digits=14, decimal_places=4
    )
    done = forms.BooleanField(label="Done", required=False)
    confidence = forms.ChoiceField(choices=Confidence.choices, initial=Confidence.ON_TRACK)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, key_result: KeyResult, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"kr{key_result.pk}")
        super().__init__(*args, **kwargs)
        self.key_result = key_result
        if key_result.result_type == KeyResultType.MILESTONE:
            del self.fields["value"]
            self.fields["done"].initial = key_result.done
        else:
            del self.fields["done"]
            value = self.fields["value"]
            current = key_result.current_value
            value.initial = plain_number(current) if current is not None else None
            if key_result.unit:
                value.label = f"Current value ({key_result.unit})"
            value.required = True

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "confidence": data["confidence"],
            "comment": data.get("comment") or "",
        }
        if "value" in self.fields:
            values["value"] = data["value"]
        else:
            values["done"] = bool(data.get("done"))
        return values


class ApprovalForm(BootstrapFormMixin, forms.Form):
    """A manager's decision on a report's goal: approve it, or send it back
    with a comment saying what to change (the service insists on one)."""

    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("request_changes", "Ask for changes")]
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you ask for changes: the owner sees it.",
    )

    def values(self) -> dict[str, Any]:
        return {
            "approve": self.cleaned_data["decision"] == "approve",
            "comment": self.cleaned_data.get("comment") or "",
        }


class GoalPeriodForm(BootstrapFormMixin, forms.ModelForm):
    """A goal period with its goal-setting window, approval rule and
    check-in reminder interval (HR admin)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = GoalPeriod
        fields = PERIOD_FIELDS
        labels = {
            "starts_on": "Starts on",
            "ends_on": "Ends on",
            "setting_opens_on": "Goal setting opens on",
            "setting_closes_on": "Goal setting closes on",
            "requires_approval": "Managers approve their reports' goals",
            "check_in_reminder_days": "Remind after this many days without a check-in",
        }
        help_texts = {
            "setting_opens_on": "Leave empty to allow goal setting from any time.",
            "setting_closes_on": "After this day only HR can set new goals for the period.",
        }
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("starts_on", "ends_on", "setting_opens_on", "setting_closes_on")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version
        self.style_fields()

    def _post_clean(self) -> None:
        # Model validation belongs to the service.
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}
