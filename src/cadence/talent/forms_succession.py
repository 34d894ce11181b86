"""Forms for the succession pages. They parse input only; the writes go
through `cadence.talent.services_succession`, whose ValidationErrors are
mapped back onto the fields by `apply_service_errors`.

People (a position's holder, a successor) are picked by employee number
from a text box with a list of suggestions (a `<datalist>` of at most
`PEOPLE_LIMIT` names), so the form works for any size of organisation and
from the keyboard."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet

from cadence.core.models import User
from cadence.jobs.models import JobProfile
from cadence.people.forms import BootstrapFormMixin, apply_service_errors
from cadence.people.models import Department, Employee
from cadence.talent.models import Rating3, Readiness
from cadence.talent.selectors_succession import BenchStrength, RoleFilters, scope_departments

__all__ = [
    "RoleFilterForm",
    "RoleForm",
    "SuccessorAddForm",
    "SuccessorForm",
    "VersionForm",
    "apply_service_errors",
    "people_options",
]

PEOPLE_LIMIT = 500
NOTES = forms.Textarea(attrs={"rows": 3})


def _departments(queryset: QuerySet[Department]) -> list[tuple[Any, str]]:
    return [
        (pk, "\u2003" * path.strip("/").count("/") + name)
        for pk, name, path in queryset.values_list("id", "name", "path")
    ]


def people_options(people: QuerySet[Employee]) -> list[tuple[str, str]]:
    """(employee number, "Name · Department") for a datalist (one query)."""
    rows = people.select_related("department").order_by("last_name", "first_name", "id")[
        :PEOPLE_LIMIT
    ]
    return [
        (p.employee_number, f"{p.full_name} · {p.department.name}" if p.department else p.full_name)
        for p in rows
    ]


class PersonField(forms.CharField):
    """An employee number, looked up among `people` when the form is cleaned."""

    def __init__(self, *, list_id: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": list_id, "autocomplete": "off"})


def _person(people: QuerySet[Employee] | None, number: str, message: str) -> Employee:
    found = people.filter(employee_number__iexact=number).first() if people is not None else None
    if found is None:
        raise forms.ValidationError(message)
    return found


class RoleFilterForm(BootstrapFormMixin, forms.Form):
    """The list's search box and filters, from the query string."""

    q = forms.CharField(label="Search", required=False, max_length=150)
    department = forms.TypedChoiceField(
        label="Department", required=False, coerce=int, empty_value=None
    )
    risk = forms.ChoiceField(
        label="Risk of loss", required=False, choices=[("", "Any"), *Rating3.choices]
    )
    impact = forms.ChoiceField(
        label="Impact of loss", required=False, choices=[("", "Any"), *Rating3.choices]
    )
    bench = forms.ChoiceField(
        label="Bench strength", required=False, choices=[("", "Any"), *BenchStrength.choices]
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Role, job profile or holder",
                "autocomplete": "off",
                "class": "form-control",
            }
        )
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            ("", "Any"),
            *_departments(scope_departments(user, writable=False)),
        ]

    def filters(self) -> RoleFilters:
        """The filters asked for; invalid input is ignored rather than failing."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return RoleFilters(
            q=(data.get("q") or "").strip(),
            department=data.get("department"),
            risk=data.get("risk") or "",
            impact=data.get("impact") or "",
            bench=data.get("bench") or "",
        )


class RoleForm(BootstrapFormMixin, forms.Form):
    """A critical role: a job profile (with its department) or one person's
    position (their department is the role's)."""

    title = forms.CharField(label="Title", max_length=200)
    job_profile = forms.TypedChoiceField(
        label="Job profile",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Every holder of this job profile. Leave empty for one person's position.",
    )
    incumbent = PersonField(
        label="Position holder (employee number)",
        required=False,
        list_id="incumbent-options",
        help_text="Type a name and pick the person, or leave empty for a job-profile role.",
    )
    department = forms.TypedChoiceField(
        label="Department",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Required for a job-profile role; a position is in its holder's department.",
    )
    risk_of_loss = forms.ChoiceField(
        label="Risk of loss",
        choices=Rating3.choices,
        initial=Rating3.MEDIUM,
        help_text="How likely the role is to fall vacant soon.",
    )
    impact_of_loss = forms.ChoiceField(
        label="Impact of loss",
        choices=Rating3.choices,
        initial=Rating3.HIGH,
        help_text="How much it would hurt the organisation if it did.",
    )
    notes = forms.CharField(label="Notes", required=False, max_length=10_000, widget=NOTES)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, people: QuerySet[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        cast(forms.ChoiceField, self.fields["job_profile"]).choices = [
            ("", "None: one person's position"),
            # Retired profiles are not offered, except the one the role has.
            *JobProfile.objects.filter(
                Q(is_active=True) | Q(pk=self.initial.get("job_profile") or 0)
            )
            .order_by("title", "id")
            .values_list("id", "title"),
        ]
        self.departments = scope_departments(user, writable=True)
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            ("", "The position holder's"),
            *_departments(self.departments),
        ]

    def clean_incumbent(self) -> Employee | None:
        number = (self.cleaned_data.get("incumbent") or "").strip()
        if not number:
            return None
        return _person(self.people, number, "Choose a current employee from the list.")

    def values(self) -> dict[str, Any]:
        """The service's arguments: records for the ids."""
        data = self.cleaned_data
        incumbent: Employee | None = data["incumbent"]
        department_id = data["department"]
        if incumbent is not None and incumbent.department_id is not None:
            # The holder's department is the role's: the service sets it.
            department_id = None
        return {
            "title": data["title"],
            "job_profile": JobProfile.objects.filter(pk=data["job_profile"]).first()
            if data["job_profile"]
            else None,
            "incumbent": incumbent,
            "department": self.departments.filter(pk=department_id).first()
            if department_id
            else None,
            "risk_of_loss": data["risk_of_loss"],
            "impact_of_loss": data["impact_of_loss"],
            "notes": data["notes"],
        }


class SuccessorAddForm(BootstrapFormMixin, forms.Form):
    """Name a successor: a current employee, their readiness, notes."""

    employee = PersonField(
        label="Successor (employee number)",
        list_id="successor-options",
        help_text="Type a name and pick the person from the list.",
    )
    readiness = forms.ChoiceField(label="Readiness", choices=Readiness.choices)
    notes = forms.CharField(label="Notes", required=False, max_length=10_000, widget=NOTES)

    def __init__(self, *args: Any, people: QuerySet[Employee] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.people = people

    def clean_employee(self) -> Employee:
        number = (self.cleaned_data.get("employee") or "").strip()
        return _person(self.people, number, "Choose a current employee from the list.")


class SuccessorForm(BootstrapFormMixin, forms.Form):
    """Change a successor's readiness or notes."""

    readiness = forms.ChoiceField(label="Readiness", choices=Readiness.choices)
    notes = forms.CharField(label="Notes", required=False, max_length=10_000, widget=NOTES)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VersionForm(forms.Form):
    """The plan version a deletion was confirmed from (stale: refused)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
