"""Turning one text cell of an employee file into a field value, and the
lookups (departments, locations, job profiles) loaded once per import so
that validating a file costs the same few queries whatever its length."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import TextChoices

from cadence.jobs.models import JobProfile
from cadence.people.models import (
    AgeBand,
    Department,
    EmploymentStatus,
    Location,
    RaceEthnicity,
    Sex,
    YesNoUndisclosed,
)

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y")
DATE_HELP = "YYYY-MM-DD, DD/MM/YYYY or 6 Jan 2020"

TEXT_LIMITS = {
    "employee_number": 30,
    "first_name": 100,
    "last_name": 100,
    "preferred_name": 100,
    "email": 254,
}
CHOICES: dict[str, type[TextChoices]] = {
    "status": EmploymentStatus,
    "sex": Sex,
    "race_ethnicity": RaceEthnicity,
    "age_band": AgeBand,
    "disability": YesNoUndisclosed,
    "veteran_status": YesNoUndisclosed,
}
DATE_FIELDS = ("hire_date", "date_of_birth")
FOREIGN_KEYS = ("department", "location", "job_profile", "manager")


class CellError(ValueError):
    """The cell's text is not a valid value; the message says why."""


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("–", "-").replace("—", "-")).strip().lower()


@dataclass
class _ByCodeOrName:
    """Resolve a department or location from its code or its name."""

    noun: str
    by_code: dict[str, int]
    by_name: dict[str, list[int]]

    def resolve(self, text: str) -> int:
        key = _fold(text)
        if key in self.by_code:
            return self.by_code[key]
        ids = self.by_name.get(key, [])
        if len(ids) == 1:
            return ids[0]
        if ids:
            raise CellError(f'"{text}" matches {len(ids)} {self.noun}s by name; use the code.')
        raise CellError(f'Unknown {self.noun} "{text}" (no {self.noun} has this code or name).')


@dataclass
class Lookups:
    departments: _ByCodeOrName
    locations: _ByCodeOrName
    job_profiles: dict[str, list[int]]

    @classmethod
    def load(cls) -> Lookups:
        """Three queries, whatever the size of the file."""

        def by_code_or_name(noun: str, rows: list[tuple[int, str, str]]) -> _ByCodeOrName:
            names: dict[str, list[int]] = defaultdict(list)
            for pk, _code, name in rows:
                names[_fold(name)].append(pk)
            return _ByCodeOrName(noun, {_fold(code): pk for pk, code, _ in rows}, dict(names))

        profiles: dict[str, list[int]] = defaultdict(list)
        for pk, title in JobProfile.objects.values_list("pk", "title"):
            profiles[_fold(title)].append(pk)
        return cls(
            departments=by_code_or_name(
                "department", list(Department.objects.values_list("pk", "code", "name"))
            ),
            locations=by_code_or_name(
                "location", list(Location.objects.values_list("pk", "code", "name"))
            ),
            job_profiles=dict(profiles),
        )

    def job_profile(self, text: str) -> int:
        ids = self.job_profiles.get(_fold(text), [])
        if len(ids) == 1:
            return ids[0]
        if ids:
            raise CellError(f'"{text}" matches {len(ids)} job profiles at different levels.')
        raise CellError(f'Unknown job profile "{text}" (no job profile has this title).')


def parse_date(text: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(f'"{text}" is not a date ({DATE_HELP}).')


def parse_choice(name: str, text: str) -> str:
    choices = CHOICES[name]
    key = _fold(text)
    for value, label in choices.choices:
        if key in (_fold(str(value)), _fold(str(label))):
            return str(value)
    allowed = ", ".join(str(label) for _, label in choices.choices)
    raise CellError(f'"{text}" is not one of: {allowed}.')


def parse_salary(text: str) -> Decimal:
    cleaned = re.sub(r"[\s,]", "", text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f'"{text}" is not an amount.') from None
    if not value.is_finite() or value < 0:
        raise CellError(f'"{text}" is not a positive amount.')
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(Decimal("0.01")):
        raise CellError(f'"{text}" has more than two decimal places.')
    value = value.quantize(Decimal("0.01"))
    if len(value.as_tuple().digits) > 12:
        raise CellError(f'"{text}" is too large.')
    return value


def parse_cell(name: str, text: str, lookups: Lookups) -> Any:
    """The value of field `name` for a non-blank cell. Managers are resolved
    later, once every row is known, so they stay text here."""
    if name in TEXT_LIMITS:
        limit = TEXT_LIMITS[name]
        if len(text) > limit:
            raise CellError(f"Must be at most {limit} characters (it has {len(text)}).")
        if name == "email":
            text = text.lower()
            try:
                validate_email(text)
            except ValidationError:
                raise CellError(f'"{text}" is not a valid email address.') from None
        return text
    if name == "currency":
        if not re.fullmatch(r"[A-Za-z]{3}", text):
            raise CellError(f'"{text}" is not a three-letter currency code (e.g. GBP).')
        return text.upper()
    if name == "salary":
        return parse_salary(text)
    if name in DATE_FIELDS:
        return parse_date(text)
    if name in CHOICES:
        return parse_choice(name, text)
    if name == "department":
        return lookups.departments.resolve(text)
    if name == "location":
        return lookups.locations.resolve(text)
    if name == "job_profile":
        return lookups.job_profile(text)
    if name == "manager":
        return text
    raise CellError(f"{name} cannot be imported.")


def blank_value(name: str) -> Any:
    """What a blank cell sets the field to (clears it)."""
    if name in DATE_FIELDS or name in FOREIGN_KEYS or name == "salary":
        return None
    return ""
