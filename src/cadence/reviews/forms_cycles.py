"""Forms for the cycle pages. They parse input only; writes go through
services_cycles and services_cycles_changes, whose ValidationErrors are
mapped back onto the fields by `apply_service_errors`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from cadence.goals.models import GoalPeriod
from cadence.jobs.models import JobLevel
from cadence.people.forms import BootstrapFormMixin, apply_service_errors
from cadence.people.models import Department, Employee, EmploymentStatus, Location
from cadence.reviews.models import Cycle, Nominator, PhaseKind, ReviewTemplate, Stage
from cadence.reviews.services_cycles import RUNNING_STAGES

__all__ = [
    "CycleForm",
    "CycleNameForm",
    "ExtendDeadlineForm",
    "ParticipantAddForm",
    "ReasonForm",
    "ReplaceReviewerForm",
    "StageForm",
    "apply_service_errors",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBERS_HELP = "Employee numbers, separated by commas, spaces or new lines."


def _department_choices() -> list[tuple[int, str]]:
    """Departments in tree order, indented by depth (one query)."""
    rows = Department.objects.order_by("path").values_list("id", "name", "path")
    return [(pk, "\u2003" * path.strip("/").count("/") + name) for pk, name, path in rows]


def _numbers(raw: str) -> list[str]:
    return [n for n in re.split(r"[\s,;]+", raw or "") if n]


def _employees_by_number(numbers: list[str]) -> tuple[list[int], list[str]]:
    """Ids for the employee numbers (one query), and the numbers not found."""
    if not numbers:
        return [], []
    found = {
        number.lower(): pk
        for number, pk in Employee.objects.filter(employee_number__in=numbers).values_list(
            "employee_number", "pk"
        )
    }
    ids = [found[n.lower()] for n in numbers if n.lower() in found]
    return sorted(set(ids)), [n for n in numbers if n.lower() not in found]


def _number_text(ids: list[int]) -> str:
    numbers = Employee.objects.filter(pk__in=ids).order_by("employee_number")
    return "\n".join(numbers.values_list("employee_number", flat=True))


class CycleForm(BootstrapFormMixin, forms.Form):
    """Design a cycle: who takes part (rules, inclusions and exclusions by
    employee number), which reviews, the peer and anonymity settings, and
    each phase's deadline."""

    name = forms.CharField(max_length=150)
    template = forms.ModelChoiceField(queryset=ReviewTemplate.objects.none(), empty_label=None)
    goal_period = forms.ModelChoiceField(
        queryset=GoalPeriod.objects.order_by("-starts_on"),
        required=False,
        help_text="The goals rated in the review's goals section.",
    )
    departments = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        help_text="Leave empty for every department. A department includes those below it.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    locations = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        help_text="Leave empty for every location.",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    job_levels = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        help_text="Leave empty for every job level.",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    include_on_leave = forms.BooleanField(
        required=False,
        label="Include people on leave",
        help_text="Active people always take part and people who have left never do.",
    )
    hired_before = forms.DateField(
        required=False,
        widget=DATE,
        help_text="Only people hired before this day take part (newer joiners are listed as out).",
    )
    include = forms.CharField(
        label="Also include",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"{NUMBERS_HELP} They take part even if the rules leave them out "
        "(not if they have left).",
    )
    exclude = forms.CharField(
        label="Exclude",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"{NUMBERS_HELP} They never take part.",
    )
    include_self = forms.BooleanField(label="Self review", required=False, initial=True)
    include_manager = forms.BooleanField(label="Manager review", required=False, initial=True)
    include_peer = forms.BooleanField(label="Peer reviews", required=False, initial=True)
    include_upward = forms.BooleanField(
        label="Upward reviews",
        required=False,
        help_text="Each report reviews their manager.",
    )
    peers_min = forms.IntegerField(
        label="Fewest peers per reviewee", min_value=0, max_value=100, initial=0
    )
    peers_max = forms.IntegerField(
        label="Most peers per reviewee", min_value=0, max_value=100, initial=5
    )
    peer_nominator = forms.ChoiceField(
        label="Who nominates peers", choices=Nominator.choices, initial=Nominator.REVIEWEE
    )
    peers_need_approval = forms.BooleanField(
        label="The manager approves nominated peers", required=False, initial=True
    )
    peer_anonymous = forms.BooleanField(
        label="Peer reviews are anonymous",
        required=False,
        initial=True,
        help_text="The reviewee never sees which peer wrote what.",
    )
    upward_anonymous = forms.BooleanField(
        label="Upward reviews are anonymous",
        required=False,
        initial=True,
        help_text="The manager never sees which report wrote what.",
    )
    min_group_size = forms.IntegerField(
        label="Fewest answers before results show",
        min_value=3,
        max_value=1000,
        initial=3,
        help_text="Fewer peer or upward answers than this are never shown, not even averaged "
        "(at least 3).",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, cycle: Cycle | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        # Current templates, and the one the cycle has even if archived since.
        current = Q(is_archived=False)
        if cycle is not None:
            current |= Q(pk=cycle.template_id)
        templates = ReviewTemplate.objects.filter(current)
        template_field = self.fields["template"]
        assert isinstance(template_field, forms.ModelChoiceField)
        template_field.queryset = templates.order_by("name")
        choices: dict[str, list[tuple[int, str]]] = {
            "departments": _department_choices(),
            "locations": list(Location.objects.order_by("name").values_list("id", "name")),
            "job_levels": [(lvl.pk, str(lvl)) for lvl in JobLevel.objects.order_by("rank")],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options
        for kind, label in PhaseKind.choices:
            self.fields[f"{kind}_opens_on"] = forms.DateField(
                label=f"{label} opens", required=False, widget=DATE
            )
            self.fields[f"{kind}_due_on"] = forms.DateField(
                label=f"{label} due", required=False, widget=DATE
            )
        self.style_fields()

    @property
    def phase_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(label, opens field, due field) per phase, for the template."""
        return [
            (label, self[f"{kind}_opens_on"], self[f"{kind}_due_on"])
            for kind, label in PhaseKind.choices
        ]

    def _ids_from(self, name: str) -> list[int]:
        ids, unknown = _employees_by_number(_numbers(self.cleaned_data.get(name, "")))
        if unknown:
            raise ValidationError(f"No employee has the number {', '.join(unknown[:10])}.")
        return ids

    def clean_include(self) -> list[int]:
        return self._ids_from("include")

    def clean_exclude(self) -> list[int]:
        return self._ids_from("exclude")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind, label in PhaseKind.choices:
            if data.get(f"{kind}_opens_on") and not data.get(f"{kind}_due_on"):
                self.add_error(f"{kind}_due_on", f"Give {label.lower()} a due date too.")
        return data

    def phases(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "kind": kind,
                "opens_on": data.get(f"{kind}_opens_on"),
                "due_on": data[f"{kind}_due_on"],
            }
            for kind in PhaseKind.values
            if data.get(f"{kind}_due_on")
        ]

    def values(self) -> dict[str, Any]:
        """Keyword arguments for create_cycle / update_cycle."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "template": data["template"],
            "goal_period": data.get("goal_period"),
            "rule_department_ids": data.get("departments") or [],
            "rule_location_ids": data.get("locations") or [],
            "rule_job_level_ids": data.get("job_levels") or [],
            "rule_hired_before": data.get("hired_before"),
            "rule_include_on_leave": bool(data.get("include_on_leave")),
            "included_employee_ids": data.get("include") or [],
            "excluded_employee_ids": data.get("exclude") or [],
            "include_self": data["include_self"],
            "include_manager": data["include_manager"],
            "include_peer": data["include_peer"],
            "include_upward": data["include_upward"],
            "peers_min": data["peers_min"],
            "peers_max": data["peers_max"],
            "peer_nominator": data["peer_nominator"],
            "peers_need_approval": data["peers_need_approval"],
            "peer_anonymous": data["peer_anonymous"],
            "upward_anonymous": data["upward_anonymous"],
            "min_group_size": data["min_group_size"],
            "phases": self.phases(),
        }

    @staticmethod
    def initial_for(cycle: Cycle) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": cycle.name,
            "template": cycle.template_id,
            "goal_period": cycle.goal_period_id,
            "departments": cycle.rule_department_ids,
            "locations": cycle.rule_location_ids,
            "job_levels": cycle.rule_job_level_ids,
            "hired_before": cycle.rule_hired_before,
            "include_on_leave": cycle.rule_include_on_leave,
            "include": _number_text(cycle.included_employee_ids),
            "exclude": _number_text(cycle.excluded_employee_ids),
            "version": cycle.version,
        }
        for name in (
            "include_self",
            "include_manager",
            "include_peer",
            "include_upward",
            "peers_min",
            "peers_max",
            "peer_nominator",
            "peers_need_approval",
            "peer_anonymous",
            "upward_anonymous",
            "min_group_size",
        ):
            initial[name] = getattr(cycle, name)
        for phase in cycle.phases.all():
            initial[f"{phase.kind}_opens_on"] = phase.opens_on
            initial[f"{phase.kind}_due_on"] = phase.due_on
        return initial


class CycleNameForm(BootstrapFormMixin, forms.Form):
    """A launched cycle keeps its design; only its name changes."""

    name = forms.CharField(max_length=150)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StageForm(BootstrapFormMixin, forms.Form):
    to = forms.ChoiceField(label="Move to")
    reason = forms.CharField(label="Note (optional)", required=False, max_length=300)

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        later = [
            (value, label)
            for value, label in Stage.choices
            if value in RUNNING_STAGES and cycle.stage_reached(value) is False
        ]
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = later
        self.style_fields()


class ReasonForm(BootstrapFormMixin, forms.Form):
    """The reason every controlled change needs (kept in the audit trail)."""

    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit trail.",
    )


class ParticipantAddForm(ReasonForm):
    employee = forms.CharField(label="Employee number", max_length=30)

    field_order = ["employee", "reason"]

    def clean_employee(self) -> Employee:
        number = (self.cleaned_data.get("employee") or "").strip()
        found = (
            Employee.objects.filter(employee_number__iexact=number)
            .exclude(status=EmploymentStatus.TERMINATED)
            .first()
        )
        if found is None:
            raise ValidationError(f"No current employee has the employee number {number}.")
        return found


class ReplaceReviewerForm(ParticipantAddForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"].label = "New reviewer's employee number"


class ExtendDeadlineForm(ReasonForm):
    due_on = forms.DateField(label="New deadline", widget=DATE)

    field_order = ["due_on", "reason"]

    def __init__(self, *args: Any, current: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].help_text = f"Later than {current:%d %b %Y}."
