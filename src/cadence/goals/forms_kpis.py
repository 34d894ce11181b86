"""Forms for the KPI pages: the list's filters, a KPI's definition, a
measurement entered by hand and a file of measurements. They parse input
only; the writes go through `cadence.goals.kpis`, whose ValidationErrors are
mapped back onto the fields by `apply_service_errors`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.goals.kpis import KpiFilters
from cadence.goals.models import Direction, Kpi
from cadence.jobs.models import JobProfile
from cadence.people.forms import BootstrapFormMixin, apply_service_errors
from cadence.people.importing_files import MAX_FILE_BYTES, MAX_ROWS
from cadence.people.models import Department

__all__ = [
    "KpiFilterForm",
    "KpiForm",
    "MeasurementForm",
    "MeasurementUploadForm",
    "apply_service_errors",
]

STATUS_CHOICES: list[tuple[str, str]] = [("green", "Green"), ("amber", "Amber"), ("red", "Red")]
ATTACH_ONE = "Attach the KPI to a job profile or to a department."
ATTACH_NOT_BOTH = "Choose a job profile or a department, not both."


def _indented(department: Department) -> str:
    """A department's name indented by its depth, so a select shows the tree."""
    return "\u2003" * department.depth + department.name


# --- the list's filters --------------------------------------------------------------


class KpiFilterForm(BootstrapFormMixin, forms.Form):
    """The KPI list's search box and filters, from the query string. The
    department and job profile selects offer only those that have a KPI the
    viewer may see (one query each)."""

    q = forms.CharField(label="Name", required=False, max_length=150)
    department = forms.TypedChoiceField(
        label="Department", required=False, coerce=int, empty_value=None
    )
    job_profile = forms.TypedChoiceField(
        label="Job profile", required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any")])
    active = forms.ChoiceField(
        label="Active",
        required=False,
        choices=[("", "Any"), ("1", "Active"), ("0", "Inactive")],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Search by name",
                "autocomplete": "off",
                "class": "form-control",
            }
        )
        visible = Kpi.objects.visible_to(user)
        departments = Department.objects.filter(
            pk__in=visible.filter(department__isnull=False).values("department_id")
        ).order_by("path")
        profiles = JobProfile.objects.filter(
            pk__in=visible.filter(job_profile__isnull=False).values("job_profile_id")
        ).order_by("title", "id")
        choices: dict[str, list[tuple[str, str]]] = {
            "department": [(str(d.pk), _indented(d)) for d in departments],
            "job_profile": [(str(p.pk), p.title) for p in profiles],
            "status": STATUS_CHOICES,
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "Any"), *options]

    def filters(self) -> KpiFilters:
        """The filters asked for; invalid input is ignored rather than failing."""
        data = self.cleaned_data if self.is_valid() else {}
        return KpiFilters(
            q=(data.get("q") or "").strip(),
            department=data.get("department"),
            job_profile=data.get("job_profile"),
            status=data.get("status") or None,
            active={"1": True, "0": False}.get(data.get("active") or ""),
        )


# --- a KPI's definition -------------------------------------------------------------


class _DepartmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _indented(obj)


class _JobProfileChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.level})"


class KpiForm(BootstrapFormMixin, forms.ModelForm):
    """Define or change a KPI. It belongs to exactly one job profile or one
    department. HR admins may use either; an HRBP only the departments they
    look after (job-profile KPIs are organisation-wide, so the field is not
    offered to them). Model validation, the threshold order included, is the
    service's: its errors come back through `apply_service_errors`."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Kpi
        fields = (
            "name",
            "description",
            "unit",
            "direction",
            "frequency",
            "target",
            "amber_threshold",
            "red_threshold",
            "job_profile",
            "department",
            "is_active",
        )
        field_classes = {"job_profile": _JobProfileChoice, "department": _DepartmentChoice}
        labels = {
            "description": "Formula or description",
            "direction": "Better when the value goes",
            "amber_threshold": "Amber threshold",
            "red_threshold": "Red threshold",
            "is_active": "Active (still measured)",
        }
        help_texts = {
            "description": "How the number is worked out, e.g. “orders shipped late ÷ orders "
            "shipped × 100”.",
            "unit": "Shown after every value, e.g. %, days, £.",
            "direction": "Up: higher values are better. Down: lower values are better.",
            "target": "The value the KPI should reach.",
            "amber_threshold": "Values worse than this are amber (below it when higher is "
            "better, above it when lower is better).",
            "red_threshold": "Values at or worse than this are red. It must be further from "
            "the target than the amber threshold.",
            "job_profile": "For a KPI of everyone in one job. Choose a job profile or a "
            "department, not both.",
            "department": "For a KPI of a department. Choose a department or a job profile, "
            "not both.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        viewer = viewer_for(user)
        direction = self.fields["direction"]
        assert isinstance(direction, forms.ChoiceField)
        direction.choices = [
            (Direction.INCREASE.value, "Up (higher is better)"),
            (Direction.DECREASE.value, "Down (lower is better)"),
        ]
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.empty_label = "— none —"
        if viewer.is_hr_admin:
            department.queryset = Department.objects.order_by("path")
            profile = self.fields["job_profile"]
            assert isinstance(profile, forms.ModelChoiceField)
            profile.empty_label = "— none —"
            # Inactive profiles are not offered, except the one the KPI already has.
            offered = Q(is_active=True)
            if self.instance.job_profile_id is not None:
                offered |= Q(pk=self.instance.job_profile_id)
            profile.queryset = (
                JobProfile.objects.filter(offered).select_related("level").order_by("title", "id")
            )
        else:
            department.queryset = Department.objects.filter(
                pk__in=viewer.hrbp_department_ids
            ).order_by("path")
            department.required = True
            department.help_text = "One of the departments you look after."
            del self.fields["job_profile"]
        self.style_fields()

    @property
    def offers_job_profiles(self) -> bool:
        return "job_profile" in self.fields

    def _post_clean(self) -> None:
        # Model validation belongs to the service; leave the instance untouched.
        pass

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.offers_job_profiles:
            return data
        profile, department = data.get("job_profile"), data.get("department")
        if profile is not None and department is not None:
            self.add_error("job_profile", ATTACH_NOT_BOTH)
            self.add_error("department", ATTACH_NOT_BOTH)
        elif (
            profile is None
            and department is None
            and "job_profile" not in self.errors
            and "department" not in self.errors
        ):
            self.add_error("job_profile", ATTACH_ONE)
            self.add_error("department", ATTACH_ONE)
        return data

    def values(self) -> dict[str, Any]:
        """Keyword arguments for create_kpi / update_kpi."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.Meta.fields}
        values["description"] = data.get("description") or ""
        values["unit"] = data.get("unit") or ""
        values["is_active"] = bool(data.get("is_active"))
        if not self.offers_job_profiles:
            values["job_profile"] = None
        return values


# --- measurements --------------------------------------------------------------------


class MeasurementForm(BootstrapFormMixin, forms.Form):
    """A KPI's value on a day, entered by hand."""

    measured_on = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day the value was measured. If that day already has a value, "
        "this one replaces it.",
    )
    value = forms.DecimalField(label="Value", max_digits=14, decimal_places=4)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=300,
        help_text="Optional: where the number comes from, or why it moved.",
    )

    def __init__(self, *args: Any, kpi: Kpi, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kpi.unit:
            self.fields["value"].label = f"Value ({kpi.unit})"

    def values(self) -> dict[str, Any]:
        """Keyword arguments for record_measurement."""
        data = self.cleaned_data
        return {
            "measured_on": data["measured_on"],
            "value": data["value"],
            "note": data.get("note") or "",
        }


class MeasurementUploadForm(BootstrapFormMixin, forms.Form):
    """A CSV or XLSX file of measurements (columns kpi, measured_on, value, note)."""

    file = forms.FileField(
        label="Measurements file",
        help_text=(
            f"A .csv (UTF-8) or .xlsx file, at most {MAX_FILE_BYTES // (1024 * 1024)} MB and "
            f"{MAX_ROWS:,} rows. The first row holds the column headers."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if (upload.size or 0) > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
        return upload
