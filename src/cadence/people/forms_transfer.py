"""Forms of the employee import pages: upload, column mapping, confirm."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from cadence.people.forms import BootstrapFormMixin
from cadence.people.importing import FIELD_LABELS, MAX_FILE_BYTES, MAX_ROWS

IGNORE = ""


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label="Employee file",
        help_text=(
            f"A .csv (UTF-8) or .xlsx file, at most {MAX_FILE_BYTES // (1024 * 1024)} MB and "
            f"{MAX_ROWS:,} rows. The first row must hold the column headers."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
        return upload


class ImportMappingForm(BootstrapFormMixin, forms.Form):
    """One select per file header: the Cadence field it fills, or ignore."""

    def __init__(
        self, *args: Any, headers: list[str], initial_mapping: Mapping[str, str], **kwargs: Any
    ) -> None:
        self.headers = headers
        initial = {
            self.field_name(i): initial_mapping.get(h, IGNORE) for i, h in enumerate(headers)
        }
        super().__init__(*args, initial=initial, **kwargs)
        choices = [(IGNORE, "— ignore this column —"), *FIELD_LABELS.items()]
        for index, header in enumerate(headers):
            self.fields[self.field_name(index)] = forms.ChoiceField(
                label=header, choices=choices, required=False
            )
        self.style_fields()

    @staticmethod
    def field_name(index: int) -> str:
        return f"column_{index}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            name = cleaned.get(self.field_name(index)) or IGNORE
            if name == IGNORE:
                continue
            if name in seen:
                self.add_error(
                    self.field_name(index),
                    f'"{seen[name]}" is already mapped to {FIELD_LABELS[name]}.',
                )
            else:
                seen[name] = header
        if "employee_number" not in seen:
            raise forms.ValidationError(
                "Map one column to Employee number: it is how rows are matched to people."
            )
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(self.field_name(i)) or IGNORE
            for i, header in enumerate(self.headers)
        }


class ImportConfirmForm(BootstrapFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label="I have checked the preview; apply these changes to the organisation.",
        required=True,
        error_messages={"required": "Tick the box to confirm the import."},
    )
