"""Forms for the 1:1 and coaching pages. They parse input only; the writes
go through `services_meetings` and `services_coaching`, whose
ValidationErrors are mapped back onto the fields by `apply_service_errors`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.feedback.models import Frequency, OneOnOneSeries
from cadence.feedback.selectors_meetings import ADHERENCE_DEFAULT_DAYS
from cadence.feedback.services_coaching import BODY_MAX
from cadence.feedback.services_meetings import TEXT_MAX
from cadence.people.forms import BootstrapFormMixin, apply_service_errors
from cadence.people.models import Employee, EmploymentStatus

__all__ = [
    "ActionItemForm",
    "AdherenceFilterForm",
    "AgendaItemForm",
    "CoachingNoteForm",
    "PrivateNoteForm",
    "SeriesForm",
    "SharedNotesForm",
    "apply_service_errors",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_RANGE_DAYS = 3 * 366


def _find_person(value: str, field: str) -> Employee:
    """An active employee by e-mail or employee number (HR's form: a select
    of the whole organisation would not fit on a page)."""
    value = value.strip()
    found = (
        Employee.objects.exclude(status=EmploymentStatus.TERMINATED)
        .filter(email__iexact=value)
        .first()
        or Employee.objects.exclude(status=EmploymentStatus.TERMINATED)
        .filter(employee_number__iexact=value)
        .first()
    )
    if found is None:
        raise ValidationError(f"No current employee has the e-mail or number “{value}”.")
    return found


class SeriesForm(BootstrapFormMixin, forms.Form):
    """Start a 1:1 series. A manager picks one of their reports; HR names the
    manager and the report by e-mail or employee number."""

    manager_ref = forms.CharField(
        label="Manager", required=False, max_length=254, help_text="E-mail or employee number."
    )
    report = forms.ModelChoiceField(label="With", queryset=Employee.objects.none())
    report_ref = forms.CharField(
        label="Report", required=False, max_length=254, help_text="E-mail or employee number."
    )
    frequency = forms.ChoiceField(label="How often", choices=Frequency.choices)
    starts_on = forms.DateField(label="First meeting", widget=DATE)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("starts_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        viewer = viewer_for(user)
        self.for_hr = viewer.is_hr
        reports = (
            Employee.objects.filter(viewer.reports_q())
            .exclude(status=EmploymentStatus.TERMINATED)
            .order_by("last_name", "first_name", "pk")
        )
        # No query when the viewer has no place in the reporting tree.
        self.has_reports = reports.exists()
        if self.has_reports:
            field = self.fields["report"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = reports
            field.help_text = "Your direct and indirect reports."
            del self.fields["report_ref"]
            if not self.for_hr:
                del self.fields["manager_ref"]
            else:
                self.fields[
                    "manager_ref"
                ].help_text = "E-mail or employee number; leave empty to run it yourself."
                self.fields["report"].required = False
                self.fields["report"].help_text += " HR: or name someone below."
                self.fields["report_ref"] = forms.CharField(
                    label="Or report", required=False, max_length=254
                )
        else:
            del self.fields["report"]
            self.fields["manager_ref"].required = True
            self.fields["report_ref"].required = True
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, key in (("manager_ref", "manager"), ("report_ref", "report_person")):
            if data.get(name):
                try:
                    data[key] = _find_person(data[name], key)
                except ValidationError as error:
                    self.add_error(name, error)
        if not (data.get("report") or data.get("report_person") or self.has_error("report_ref")):
            self.add_error("report" if "report" in self.fields else "report_ref", "Choose who.")
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "manager": d.get("manager"),
            "report": d.get("report") or d.get("report_person"),
            "frequency": d["frequency"],
            "starts_on": d["starts_on"],
        }


class AgendaItemForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="Add to the agenda", max_length=TEXT_MAX)


class SharedNotesForm(BootstrapFormMixin, forms.Form):
    shared_notes = forms.CharField(
        label="Shared notes",
        required=False,
        max_length=20_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Both of you can read and edit these.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PrivateNoteForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label="My private notes",
        required=False,
        max_length=20_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only you can see this. Not the other person, not HR, never exported.",
    )


class ActionItemForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="Action", max_length=TEXT_MAX)
    owner = forms.ModelChoiceField(label="Owner", queryset=Employee.objects.none())
    due_on = forms.DateField(label="Due", required=False, widget=DATE)

    def __init__(self, *args: Any, series: OneOnOneSeries, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Employee.objects.filter(pk__in=[series.manager_id, series.report_id])
        field.label_from_instance = _full_name  # type: ignore[assignment]


def _full_name(employee: Employee) -> str:
    return employee.full_name


class CoachingNoteForm(BootstrapFormMixin, forms.Form):
    noted_on = forms.DateField(label="Date", widget=DATE)
    body = forms.CharField(
        label="Note", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("noted_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class AdherenceFilterForm(BootstrapFormMixin, forms.Form):
    """The adherence page's range and search, from the query string."""

    date_from = forms.DateField(label="From", required=False, widget=DATE)
    date_to = forms.DateField(label="To", required=False, widget=DATE)
    q = forms.CharField(label="Manager", required=False, max_length=100)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", "The end date must be on or after the start date.")
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("date_from", "Choose a range of at most three years.")
        return data

    def range(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The chosen range, or the last 90 days."""
        default = (today - dt.timedelta(days=ADHERENCE_DEFAULT_DAYS), today)
        if not self.is_bound or not self.is_valid():
            return default
        return (
            self.cleaned_data.get("date_from") or default[0],
            self.cleaned_data.get("date_to") or default[1],
        )

    def search(self) -> str:
        return self.cleaned_data.get("q", "").strip() if self.is_valid() else ""
