"""Forms for the results pages. They only parse input; the rules are in
services_results.py, whose field-level errors `apply_service_errors` puts
back on the form."""

from __future__ import annotations

from typing import Any

from django import forms

from cadence.people.forms import BootstrapFormMixin
from cadence.people.models import Department
from cadence.reviews.models import RatingLevel

YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _department_choices() -> list[tuple[str, str]]:
    """Departments in tree order, indented by depth (one query)."""
    rows = Department.objects.order_by("path").values_list("id", "name", "path")
    return [(str(pk), "\u2003" * path.strip("/").count("/") + name) for pk, name, path in rows]


class RatingForm(BootstrapFormMixin, forms.Form):
    """The manager's proposed final rating, with the reason it differs from
    the computed one (the service insists on it then)."""

    level = forms.TypedChoiceField(label="Proposed rating", coerce=int)
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when your rating differs from the computed one. It is kept on record.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, levels: list[RatingLevel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.levels = {level.pk: level for level in levels}
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            (str(level.pk), str(level)) for level in levels
        ]

    def values(self) -> dict[str, Any]:
        return {
            "level": self.levels[self.cleaned_data["level"]],
            "reason": self.cleaned_data.get("reason") or "",
            "expected_version": self.cleaned_data.get("version"),
        }


class AcknowledgementForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your manager and HR read it with your acknowledgement.",
    )


class ReleaseForm(BootstrapFormMixin, forms.Form):
    """Which results to release, and the confirmation that it is meant."""

    department = forms.TypedChoiceField(
        label="Department", required=False, coerce=int, empty_value=None
    )
    confirm = forms.BooleanField(
        label="I understand the employees will read these results and it cannot be undone.",
        required=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [  # type: ignore[attr-defined]
            ("", "Everyone"),
            *_department_choices(),
        ]

    def chosen_department(self) -> Department | None:
        pk = self.cleaned_data.get("department")
        return None if pk is None else Department.objects.filter(pk=pk).first()


class ResultFilterForm(BootstrapFormMixin, forms.Form):
    """The results list's filters, from the query string."""

    department = forms.TypedChoiceField(
        label="Department", required=False, coerce=int, empty_value=None
    )
    level = forms.TypedChoiceField(
        label="Final rating", required=False, coerce=int, empty_value=None
    )
    released = forms.ChoiceField(label="Released", required=False, choices=YES_NO)
    acknowledged = forms.ChoiceField(label="Acknowledged", required=False, choices=YES_NO)

    def __init__(self, *args: Any, levels: list[RatingLevel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [  # type: ignore[attr-defined]
            ("", "Any"),
            *_department_choices(),
        ]
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            ("", "Any"),
            *((str(level.pk), str(level)) for level in levels),
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "department": data.get("department"),
            "level": data.get("level"),
            "released": _yes_no(data.get("released", "")),
            "acknowledged": _yes_no(data.get("acknowledged", "")),
        }
