"""Forms for the rating-scale and template pages (the template builder is
in `forms_admin_builder`). They parse input only; the rules live in
`services_admin`, whose errors (keyed by path, e.g. `levels.2.value`) are
put back on the right row and field here.

Both editors change their rows on the server: "add", "remove" and "move"
are submit buttons named `op`, so they work without JavaScript (the page
re-renders with the change and nothing is saved) and, with htmx, swap the
form in place. Nothing typed is lost: a re-render starts from what was
posted."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

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

OP = re.compile(r"(?P<name>[a-z_]+)(?:-(?P<i>\d{1,3}))?(?:-(?P<j>\d{1,3}))?")


def parse_op(value: str | None) -> tuple[str, int | None, int | None]:
    """An `op` button's value as (name, i, j); ("save", None, None) by default."""
    match = OP.fullmatch(value or "save")
    if match is None:
        return "", None, None
    i, j = match["i"], match["j"]
    return match["name"], int(i) if i else None, int(j) if j else None


def posted_count(data: QueryDict, key: str, limit: int) -> int:
    """A posted row count, kept within 0..limit (a bad value is 0)."""
    try:
        return max(0, min(int(data.get(key, 0)), limit))
    except (TypeError, ValueError):
        return 0


def posted_values(blank: forms.Form, data: QueryDict) -> dict[str, Any]:
    """What was posted for `blank`'s fields (an unbound form with the
    row's prefix), read the way each widget reads it, to show again as
    initial values (unvalidated)."""
    return {
        name: f.widget.value_from_datadict(data, {}, blank.add_prefix(name))
        for name, f in blank.fields.items()
    }


def reviewer_kinds_widget() -> forms.CheckboxSelectMultiple:
    """Checkboxes styled by hand (BootstrapFormMixin would style them as inputs)."""
    return forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


def move_row(rows: list[Any], index: int, step: int) -> int:
    """Swap rows[index] with its neighbour; the row's new index."""
    other = index + step
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
        return other
    return index


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


class BaseLevelFormSet(forms.BaseFormSet[LevelForm]):
    def initial_form_count(self) -> int:
        # Every posted row may be left blank (and is then skipped), so none
        # counts as an "initial" row that Django would require.
        return 0 if self.is_bound else super().initial_form_count()


LevelFormSet = forms.formset_factory(
    LevelForm,
    formset=BaseLevelFormSet,
    extra=0,
    max_num=MAX_LEVELS,
    absolute_max=MAX_LEVELS,
)


class ScaleEditor:
    """The scale form and its levels (a formset with prefix "levels").
    `op` "add_level" adds a row, "remove_level-<i>" removes one, "save"
    (the default) validates for the service."""

    prefix = "levels"

    def __init__(self, data: QueryDict | None = None, scale: RatingScale | None = None) -> None:
        self.scale = scale
        self.focus = ""
        self.level_errors: list[str] = []
        self._rows: list[int] = []
        self.op, index, _ = parse_op(data.get("op") if data is not None else None)
        if data is None:
            initial = self._stored(scale)
            self.form = ScaleForm(initial=initial["form"])
            self.levels = LevelFormSet(prefix=self.prefix, initial=initial["levels"])
        elif self.op == "save":
            self.form = ScaleForm(data)
            self.levels = LevelFormSet(data, prefix=self.prefix)
        else:
            total = posted_count(data, f"{self.prefix}-TOTAL_FORMS", MAX_LEVELS)
            rows = [
                posted_values(LevelForm(prefix=f"{self.prefix}-{i}"), data) for i in range(total)
            ]
            if self.op == "add_level" and len(rows) < MAX_LEVELS:
                rows.append({})
                self.focus = f"id_{self.prefix}-{len(rows) - 1}-value"
            elif self.op == "remove_level" and index is not None and index < len(rows):
                del rows[index]
                self.focus = "add-level"
            self.form = ScaleForm(initial=posted_values(ScaleForm(), data))
            self.levels = LevelFormSet(prefix=self.prefix, initial=rows)
        if self.focus.startswith("id_"):
            for form in self.levels.forms:
                if form["value"].auto_id == self.focus:
                    form.fields["value"].widget.attrs["autofocus"] = True

    @staticmethod
    def _stored(scale: RatingScale | None) -> dict[str, Any]:
        if scale is None:
            return {"form": {"allow_unable_to_rate": True}, "levels": [{}, {}, {}]}
        return {
            "form": {
                "name": scale.name,
                "description": scale.description,
                "allow_unable_to_rate": scale.allow_unable_to_rate,
                "version": scale.version,
            },
            "levels": [
                {"value": plain_number(lv.value), "label": lv.label, "description": lv.description}
                for lv in scale.levels.all()
            ],
        }

    @property
    def saving(self) -> bool:
        return self.op == "save"

    def is_valid(self) -> bool:
        return self.saving and all([self.form.is_valid(), self.levels.is_valid()])

    def values(self) -> dict[str, Any]:
        """What `services_admin.save_scale` takes (after `is_valid`)."""
        levels = []
        self._rows = []
        for index, form in enumerate(self.levels.forms):
            if form.is_blank():
                continue
            self._rows.append(index)
            levels.append(
                {
                    "value": form.cleaned_data["value"],
                    "label": form.cleaned_data["label"],
                    "description": form.cleaned_data["description"],
                }
            )
        data = self.form.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "allow_unable_to_rate": data["allow_unable_to_rate"],
            "levels": levels,
        }

    @property
    def version(self) -> int | None:
        version: int | None = self.form.cleaned_data.get("version")
        return version

    def apply_service_errors(self, error: ValidationError) -> None:
        """Each message on its level row and field, or on the scale form."""
        if not hasattr(error, "error_dict"):
            apply_service_errors(self.form, error)
            return
        rest: dict[str, list[str]] = {}
        for path, messages in error.message_dict.items():
            parts = path.split(".")
            if path == "levels":
                self.level_errors.extend(messages)
            elif parts[0] == "levels" and len(parts) >= 2 and parts[1].isdigit():
                position = int(parts[1])
                if position >= len(self._rows):
                    self.level_errors.extend(messages)
                    continue
                form = self.levels.forms[self._rows[position]]
                name = parts[2] if len(parts) > 2 and parts[2] in form.fields else None
                form.add_error(name, messages)
            else:
                rest[path] = messages
        if rest:
            apply_service_errors(self.form, ValidationError(rest))

    @property
    def has_errors(self) -> bool:
        if not self.saving:
            return False
        level_errors = any(form.errors for form in self.levels.forms)
        return bool(self.form.errors or level_errors or self.level_errors)


class CopyTemplateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="Name of the copy", max_length=150)
