"""Forms for the job architecture pages. They parse and pre-validate input;
the services in `cadence.jobs.services` make (and re-validate) the change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cadence.jobs.models import (
    BehaviouralIndicator,
    Competency,
    CompetencyFramework,
    JobFamily,
    JobLevel,
    JobProfile,
    PayGrade,
    ProficiencyLevel,
)
from cadence.jobs.services import (
    COMPETENCY_FIELDS,
    FAMILY_FIELDS,
    FRAMEWORK_FIELDS,
    INDICATOR_FIELDS,
    LEVEL_FIELDS,
    PAY_GRADE_FIELDS,
    PROFICIENCY_FIELDS,
    PROFILE_FIELDS,
)


class BootstrapFormMixin:
    """Bootstrap classes on every widget. Django itself ties errors and help
    text to the field with aria-describedby (ids `<id>_error`, `<id>_helptext`)."""

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 4)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their
    fields, the rest (and errors on hidden fields, like `version`) at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = form.fields.get(name)
            target = name if field is not None and not field.widget.is_hidden else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


class JobFamilyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = JobFamily
        fields = FAMILY_FIELDS


class JobLevelForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = JobLevel
        fields = LEVEL_FIELDS


class PayGradeForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PayGrade
        fields = PAY_GRADE_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, mid, high = data.get("minimum"), data.get("midpoint"), data.get("maximum")
        if low is not None and mid is not None and low > mid:
            self.add_error("midpoint", "The midpoint must not be below the minimum.")
        if mid is not None and high is not None and mid > high:
            self.add_error("maximum", "The maximum must not be below the midpoint.")
        return data


class VersionedFormMixin(forms.ModelForm):
    """Carries the record's version through the form so the service can
    refuse an edit made against an older version."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version


class JobProfileForm(BootstrapFormMixin, VersionedFormMixin):
    class Meta:
        model = JobProfile
        fields = PROFILE_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "duties": forms.Textarea(attrs={"rows": 6}),
            "performance_standards": forms.Textarea(attrs={"rows": 6}),
        }

    def service_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS}


class CompetencyFrameworkForm(BootstrapFormMixin, VersionedFormMixin):
    class Meta:
        model = CompetencyFramework
        fields = FRAMEWORK_FIELDS


class CompetencyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Competency
        fields = COMPETENCY_FIELDS


class ProficiencyLevelForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ProficiencyLevel
        fields = PROFICIENCY_FIELDS


class BehaviouralIndicatorForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = BehaviouralIndicator
        fields = INDICATOR_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        competency = self.instance.competency
        levels = ProficiencyLevel.objects.filter(framework_id=competency.framework_id)
        self.fields["level"] = forms.TypedChoiceField(
            label="Proficiency level",
            coerce=int,
            choices=[("", "Choose a level")] + [(lv.level, str(lv)) for lv in levels],
        )
        self.fields["level"].widget.attrs["class"] = "form-select"


class ExpectedProficiencyForm(BootstrapFormMixin, forms.Form):
    """One level select per competency (`level_<competency id>`)."""

    def __init__(
        self, *args: Any, rows: list[tuple[Any, list[Any], int | None]], **kwargs: Any
    ) -> None:
        self.rows = rows
        kwargs["initial"] = {f"level_{c.pk}": current or "" for c, _, current in rows}
        super().__init__(*args, **kwargs)
        for competency, levels, _ in rows:
            self.fields[f"level_{competency.pk}"] = forms.TypedChoiceField(
                label=f"{competency.name} ({competency.framework.name})",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "Not expected")] + [(lv.level, str(lv)) for lv in levels],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def levels(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix("level_")): value for name, value in self.cleaned_data.items()
        }

    def table(self) -> list[tuple[Any, forms.BoundField]]:
        return [(competency, self[f"level_{competency.pk}"]) for competency, _, _ in self.rows]
