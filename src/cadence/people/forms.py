"""Forms for the people pages. They only parse and validate input; the
writes go through `cadence.people.services`, whose field-level
ValidationErrors are mapped back onto these forms by `apply_service_errors`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cadence.core.models import User
from cadence.jobs.models import JobProfile
from cadence.people.models import Department, Employee, EmploymentStatus, Location
from cadence.people.selectors import DirectoryFilters
from cadence.people.services import DEPARTMENT_FIELDS, LOCATION_FIELDS

STALE_MESSAGE = (
    "This record was changed by someone else while you were editing it. "
    "Reload the page to see their changes, then make yours again."
)


class BootstrapFormMixin:
    """Bootstrap classes on every widget, and on a field with errors
    `is-invalid` plus `aria-describedby` pointing at its error text (the ids
    used by templates/includes/field.html). Reusable by any app's forms."""

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput) or "class" in widget.attrs:
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]  # type: ignore[index]
            attrs = self.fields[name].widget.attrs
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            described = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            attrs["aria-describedby"] = " ".join(described)


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form: each message on its
    field, a stale version as a plain-language non-field error, anything
    else as a non-field error."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages in error.message_dict.items():
        if name == "version":
            form.add_error(None, STALE_MESSAGE)
        elif name in form.fields and name != NON_FIELD_ERRORS:
            form.add_error(name, messages)
        else:
            form.add_error(None, messages)


def _department_choices() -> list[tuple[str, str]]:
    """Departments in tree order, indented by depth (one query)."""
    rows = Department.objects.order_by("path").values_list("id", "name", "path")
    return [(str(pk), "\u2003" * (path.strip("/").count("/")) + name) for pk, name, path in rows]


# --- directory ---------------------------------------------------------------


class DirectoryFilterForm(BootstrapFormMixin, forms.Form):
    """The directory's search box and filters, from the query string."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    department = forms.TypedChoiceField(
        label="Department", required=False, coerce=int, empty_value=None
    )
    location = forms.TypedChoiceField(
        label="Location", required=False, coerce=int, empty_value=None
    )
    job_profile = forms.TypedChoiceField(
        label="Job profile", required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everyone: list[tuple[str, str]] = [("", "Any")]
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Name, email, employee number or job title",
                "autocomplete": "off",
                "class": "form-control",
            }
        )
        choice_fields: dict[str, list[tuple[str, str]]] = {
            "department": _department_choices(),
            "location": [
                (str(pk), name) for pk, name in Location.objects.values_list("id", "name")
            ],
            "job_profile": [
                (str(pk), title)
                for pk, title in JobProfile.objects.order_by("title").values_list("id", "title")
            ],
            "status": list(EmploymentStatus.choices),
        }
        for name, choices in choice_fields.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = everyone + choices

    def filters(self) -> DirectoryFilters:
        """The selector's filters; invalid input is ignored rather than failing."""
        data = self.cleaned_data if self.is_valid() else {}
        return DirectoryFilters(
            q=(data.get("q") or "").strip(),
            department=data.get("department"),
            location=data.get("location"),
            job_profile=data.get("job_profile"),
            status=data.get("status") or None,
        )


# --- employees ---------------------------------------------------------------


class EmployeeForm(BootstrapFormMixin, forms.Form):
    """Edit an employee. Only the fields the editor may read are offered
    (`fields` comes from the access rules); the manager is entered by
    employee number instead of a select of the whole organisation."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    manager = forms.CharField(
        label="Manager's employee number",
        required=False,
        max_length=30,
        help_text="Leave empty for someone at the top of the organisation.",
    )

    def __init__(self, *args: Any, user: User, fields: tuple[str, ...], **kwargs: Any) -> None:
        self.user = user
        model_fields = [f for f in fields if f != "manager"]
        generated = forms.fields_for_model(Employee, fields=model_fields)
        super().__init__(*args, **kwargs)
        manager_field = self.fields.pop("manager")
        version_field = self.fields.pop("version")
        ordered: dict[str, forms.Field] = {}
        for name in fields:
            if name == "manager":
                ordered["manager"] = manager_field
            elif name in generated and generated[name] is not None:
                ordered[name] = generated[name]
        ordered["version"] = version_field
        self.fields = ordered
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.DateInput):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            if isinstance(field, forms.ModelChoiceField) and name == "department":
                # Tree order, indented: easier to pick the right sub-department.
                field.widget.choices = [("", "---------"), *_department_choices()]
        self.style_fields()

    def clean_manager(self) -> Employee | None:
        number = (self.cleaned_data.get("manager") or "").strip()
        if not number:
            return None
        manager = (
            Employee.objects.visible_to(self.user)
            .filter(employee_number__iexact=number)
            .exclude(status=EmploymentStatus.TERMINATED)
            .first()
        )
        if manager is None:
            raise ValidationError(f"No current employee has the employee number {number}.")
        return manager

    def changes(self) -> dict[str, Any]:
        """The values to hand to `update_employee` (everything but version)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


# --- departments and locations ---------------------------------------------


class DepartmentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = DEPARTMENT_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        parent.label = "Parent department"
        parent.help_text = "Leave empty for a top-level department."
        parent.widget.choices = [("", "— none —"), *_department_choices()]

    def _post_clean(self) -> None:
        # Model validation and placement in the tree belong to the service.
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DEPARTMENT_FIELDS}


class LocationForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Location
        fields = LOCATION_FIELDS
        labels = {"country": "Country code"}

    def _post_clean(self) -> None:
        # Uniqueness and the rest of model validation run in the service.
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in LOCATION_FIELDS}
