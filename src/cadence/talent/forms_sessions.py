"""Forms for the calibration session pages. They parse input only: the
rules are in services_sessions, whose field errors are put back on the
form with `apply_service_errors`.

People are named by employee number in text areas (one per line, or
separated by commas or spaces) rather than with a select of the whole
organisation, so the forms stay small at any size."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q

from cadence.core.models import Role, User
from cadence.jobs.models import JobLevel
from cadence.people.forms import BootstrapFormMixin, apply_service_errors
from cadence.people.importing_files import MAX_FILE_BYTES
from cadence.people.models import Department, Employee
from cadence.reviews.models import Cycle, RatingLevel, Stage
from cadence.talent.grid import ALL_BOXES, Box, ScaleBands
from cadence.talent.models import (
    CalibrationEntry,
    PopulationKind,
    SessionState,
)
from cadence.talent.selectors_sessions import EntryFilters, SessionFilters

__all__ = [
    "EntryFilterForm",
    "EntryImportForm",
    "MoveForm",
    "SessionFilterForm",
    "SessionForm",
    "SessionSetupForm",
    "TransitionForm",
    "apply_service_errors",
]

MAX_PEOPLE_LISTED = 5000


def facilitator_choices() -> Any:
    """Active logins holding an HR role (admin or business partner)."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(role_assignments__role__in=[Role.HR_ADMIN, Role.HRBP]) | Q(is_superuser=True))
        .distinct()
        .order_by("email")
    )


def _numbers(text: str) -> list[str]:
    return [n for n in re.split(r"[\s,;]+", text or "") if n]


def people_from_numbers(text: str, field_label: str) -> list[Employee]:
    """The employees named by number in `text`; unknown numbers are an error."""
    numbers = list(dict.fromkeys(_numbers(text)))
    if len(numbers) > MAX_PEOPLE_LISTED:
        raise forms.ValidationError(f"List at most {MAX_PEOPLE_LISTED:,} people.")
    found = {e.employee_number: e for e in Employee.objects.filter(employee_number__in=numbers)}
    unknown = [n for n in numbers if n not in found]
    if unknown:
        shown = ", ".join(unknown[:10])
        raise forms.ValidationError(f"No employee has the number {shown} ({field_label}).")
    return [found[n] for n in numbers]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


# --- lists ------------------------------------------------------------------------------------


class SessionFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Search by name", required=False, max_length=200)
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.none(), required=False, label="Cycle", empty_label="Any cycle"
    )
    state = forms.ChoiceField(
        choices=[("", "Any state"), *SessionState.choices], required=False, label="State"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cycle_field = self.fields["cycle"]
        assert isinstance(cycle_field, forms.ModelChoiceField)
        cycle_field.queryset = Cycle.objects.filter(calibration_sessions__isnull=False).distinct()

    def filters(self) -> SessionFilters:
        if not self.is_bound or not self.is_valid():
            return SessionFilters()
        data = self.cleaned_data
        cycle = data.get("cycle")
        return SessionFilters(
            cycle=cycle.pk if cycle else None, state=data.get("state") or "", q=data.get("q") or ""
        )


class EntryFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Search by name or number", required=False, max_length=200)
    manager = forms.TypedChoiceField(coerce=int, required=False, label="Manager", empty_value=None)
    department = forms.TypedChoiceField(
        coerce=int, required=False, label="Department", empty_value=None
    )
    level = forms.TypedChoiceField(coerce=int, required=False, label="Rating now", empty_value=None)
    changed = forms.BooleanField(required=False, label="Changed in the session only")

    def __init__(
        self,
        *args: Any,
        managers: list[Employee],
        departments: list[Department],
        levels: list[RatingLevel],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("manager", "Any manager", [(m.pk, m.full_name) for m in managers])
        self._set_choices("department", "Any department", [(d.pk, d.name) for d in departments])
        self._set_choices("level", "Any rating", [(lv.pk, str(lv)) for lv in levels])

    def _set_choices(self, name: str, empty: str, choices: list[tuple[int, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", empty), *choices]

    def filters(self) -> EntryFilters:
        if not self.is_bound or not self.is_valid():
            return EntryFilters()
        data = self.cleaned_data
        return EntryFilters(
            manager=data.get("manager"),
            department=data.get("department"),
            level=data.get("level"),
            changed=bool(data.get("changed")),
            q=data.get("q") or "",
        )


# --- set-up -----------------------------------------------------------------------------------


class _SetupFields(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    facilitator = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Facilitator",
        help_text="An HR admin or HR business partner who runs the meeting and closes it.",
    )
    participants = forms.CharField(
        label="Participants (employee numbers)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The managers taking part, one per line or separated by commas.",
    )
    share_whole_view = forms.BooleanField(
        label="Share the whole view with participants",
        required=False,
        help_text=(
            "Managers then see everyone's ratings in the session, not only their own people's."
        ),
    )
    min_team_size = forms.IntegerField(
        label="Minimum team size for a severity estimate",
        min_value=2,
        max_value=100,
        initial=3,
    )
    scheduled_for = forms.DateTimeField(label="Meets on", required=False, widget=DateTimeInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facilitator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = facilitator_choices()

    def clean_participants(self) -> list[Employee] | None:
        text = self.cleaned_data.get("participants") or ""
        if not text.strip():
            return None
        return people_from_numbers(text, "participants")


class SessionForm(_SetupFields):
    """A new session: the cycle, the population and the set-up."""

    cycle = forms.ModelChoiceField(queryset=Cycle.objects.none(), label="Cycle")
    population_kind = forms.ChoiceField(
        choices=PopulationKind.choices,
        label="Population",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial=PopulationKind.DEPARTMENT,
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        label="Department",
        help_text="The department and every department below it.",
    )
    job_level = forms.ModelChoiceField(
        queryset=JobLevel.objects.all(), required=False, label="Job level"
    )
    employees = forms.CharField(
        label="People (employee numbers)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a list: one per line or separated by commas.",
    )
    field_order = [
        "cycle",
        "name",
        "population_kind",
        "department",
        "job_level",
        "employees",
        "facilitator",
        "participants",
        "share_whole_view",
        "min_team_size",
        "scheduled_for",
    ]

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].help_text = (
            "Leave blank to invite the managers who rated the people. "
            "One employee number per line or separated by commas."
        )
        cycle = self.fields["cycle"]
        assert isinstance(cycle, forms.ModelChoiceField)
        running = [Stage.DRAFT, Stage.LAUNCHING, Stage.CLOSED]
        cycle.queryset = Cycle.objects.exclude(stage__in=running).order_by("-created_at")
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = departments

    def clean_employees(self) -> list[Employee]:
        text = self.cleaned_data.get("employees") or ""
        if self.data.get("population_kind") != PopulationKind.LIST:
            return []
        return people_from_numbers(text, "people")

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        kind = data["population_kind"]
        if kind != PopulationKind.DEPARTMENT:
            data["department"] = None
        if kind != PopulationKind.JOB_LEVEL:
            data["job_level"] = None
        return data


GUIDANCE_PREFIX = "guidance_"


class SessionSetupForm(_SetupFields):
    """A session's set-up, changed after creation, with HR's guidance: one
    optional target percent per level of the cycle's scale (highest first)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, levels: Sequence[RatingLevel] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level in sorted(levels, key=lambda lv: lv.value, reverse=True):
            self.fields[f"{GUIDANCE_PREFIX}{level.pk}"] = forms.IntegerField(
                label=f"Target % at {level}",
                required=False,
                min_value=0,
                max_value=100,
            )
        self.style_fields()

    def guidance_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(GUIDANCE_PREFIX)]

    def pop_guidance(self, data: dict[str, Any]) -> dict[str, int]:
        """Take the guidance fields out of `data` as {"<level id>": percent}."""
        guidance: dict[str, int] = {}
        for name in [n for n in data if n.startswith(GUIDANCE_PREFIX)]:
            value = data.pop(name)
            if value is not None:
                guidance[name.removeprefix(GUIDANCE_PREFIX)] = value
        return guidance


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=[(SessionState.OPEN, "Open"), (SessionState.LOCKED, "Close")])
    version = forms.IntegerField(required=False)


# --- moves ------------------------------------------------------------------------------------


class MoveForm(BootstrapFormMixin, forms.Form):
    """Move one person: to a box of the grid (performance band × potential),
    optionally naming the exact rating within the box's band, with a reason."""

    entry = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    box = forms.ChoiceField(
        label="Box",
        choices=[(box.key, box.label) for box in ALL_BOXES],
        help_text="Performance (columns, low to high) and potential (rows).",
    )
    level = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        label="Rating",
        help_text="Leave on “nearest in the box” to take the box's rating nearest to theirs.",
    )
    reason = forms.CharField(
        label="Reason for the change",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. Kept on record with your name and the time.",
    )

    def __init__(self, *args: Any, bands: ScaleBands, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bands = bands
        field = self.fields["level"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Nearest in the box"), *[(lv.pk, str(lv)) for lv in bands.levels]]

    def target(self, entry: CalibrationEntry) -> tuple[RatingLevel | None, int]:
        """The level and potential the chosen box (and rating) give `entry`."""
        box = Box.parse(self.cleaned_data["box"])
        assert box is not None
        level_id = self.cleaned_data.get("level")
        if level_id is not None:
            level = next((lv for lv in self.bands.levels if lv.pk == level_id), None)
            if level is None or self.bands.band(level.pk) != box.band:
                raise forms.ValidationError(
                    {"level": "Choose a rating in the box's performance band."}
                )
            return level, box.potential
        return self.bands.level_for_move(entry.current_level_id, box.band), box.potential


class EntryImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label="File of moves",
        help_text=(
            f"A .csv (UTF-8) or .xlsx file, at most {MAX_FILE_BYTES // (1024 * 1024)} MB, "
            "with the columns of the export. Fill “reason” on every row you change."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        # Refused before it is read into memory.
        if (upload.size or 0) > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
        return upload
