"""Forms for the rating-scale and template pages (the template builder is
in `forms_admin_builder`). They parse input only; the rules live in
`services_admin`, whose errors (keyed by path, e.g. `levels.2.value`) are
put back on the right row and field here.

Both editors change their rows on the server (see `cadence.core.formrows`):
"add", "remove" and "move" are submit buttons named `op`, and nothing typed
is lost."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from cadence.core.formrows import RowFormSet, RowsEditor
from cadence.core.numbers import plain_number
from cadence.people.forms import STALE_MESSAGE, BootstrapFormMixin, apply_service_errors
from cadence.reviews.models import RatingScale
from cadence.reviews.selectors_admin import ProgrammeFilters
from cadence.reviews.services_admin import MAX_LEVELS

__all__ = [
    "STALE_MESSAGE",
    "CopyTemplateForm",
    "LevelFormSet",
    "ProgrammeFilterForm",
    "ScaleEditor",
    "apply_service_errors",
]


def reviewer_kinds_widget() -> forms.CheckboxSelectMultiple:
    """Checkboxes styled by hand (BootstrapFormMixin would style them as inputs)."""
    return forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


# --- lists ------------------------------------------------------------------------------


class ProgrammeFilterForm(BootstrapFormMixin, forms.Form):
    """The search box and archived filter of the scale and template lists."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    archived = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Current"), ("1", "Archived"), ("all", "All")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Search by name",
                "autocomplete": "off",
                "class": "form-control",
            }
        )

    def filters(self) -> ProgrammeFilters:
        if not self.is_bound or not self.is_valid():
            return ProgrammeFilters(archived=False)
        archived = {"": False, "1": True, "all": None}[self.cleaned_data["archived"]]
        return ProgrammeFilters(q=self.cleaned_data["q"].strip(), archived=archived)


# --- rating scales ----------------------------------------------------------------------


class ScaleForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    allow_unable_to_rate = forms.BooleanField(
        required=False,
        initial=True,
        label="Reviewers may answer “unable to rate”",
        help_text="For someone they have not seen enough of to judge.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LevelForm(BootstrapFormMixin, forms.Form):
    """One level. Left blank, the row is skipped; the service says what a
    half-filled row lacks."""

    value = forms.DecimalField(required=False, max_digits=5, decimal_places=2)
    label = forms.CharField(required=False, max_length=80)
    description = forms.CharField(required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return data.get("value") is None and not data.get("label") and not data.get("description")


LevelFormSet = forms.formset_factory(
    LevelForm,
    formset=RowFormSet,
    extra=0,
    max_num=MAX_LEVELS,
    absolute_max=MAX_LEVELS,
)


class ScaleEditor(RowsEditor):
    """The scale form and its levels (a formset with prefix "levels").
    `op` "add_level" adds a row, "remove_level-<i>" removes one, "save"
    (the default) validates for the service."""

    prefix = "levels"
    row = "level"
    focus_field = "value"
    max_rows = MAX_LEVELS
    formset_class = LevelFormSet
    row_form = LevelForm

    def __init__(self, data: QueryDict | None = None, scale: RatingScale | None = None) -> None:
        self.scale = scale
        super().__init__(data)

    def make_form(self, data: QueryDict | None = None, **kwargs: Any) -> ScaleForm:
        return ScaleForm(data, **kwargs)

    def stored(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        scale = self.scale
        if scale is None:
            return {"allow_unable_to_rate": True}, [{}, {}, {}]
        return (
            {
                "name": scale.name,
                "description": scale.description,
                "allow_unable_to_rate": scale.allow_unable_to_rate,
                "version": scale.version,
            },
            [
                {"value": plain_number(lv.value), "label": lv.label, "description": lv.description}
                for lv in scale.levels.all()
            ],
        )

    def values(self) -> dict[str, Any]:
        """What `services_admin.save_scale` takes (after `is_valid`)."""
        levels = [
            {
                "value": form.cleaned_data["value"],
                "label": form.cleaned_data["label"],
                "description": form.cleaned_data["description"],
            }
            for form in self.filled_rows()
        ]
        data = self.form.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "allow_unable_to_rate": data["allow_unable_to_rate"],
            "levels": levels,
        }


class CopyTemplateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="Name of the copy", max_length=150)
