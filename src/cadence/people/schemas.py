"""What the API takes and gives for the organisation. Employee output is
shaped per viewer: a field the viewer may not read is left out of the JSON
altogether, never sent as null."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from cadence.api.fields import MAX_ID, Id, LongText, NoNul, SearchText, text_limits
from cadence.people.models import (
    AgeBand,
    EmploymentStatus,
    RaceEthnicity,
    Sex,
    YesNoUndisclosed,
)
from cadence.people.selectors import EmployeeRecord

EmployeeNumber = Annotated[str, text_limits(30, 1), NoNul]
PersonName = Annotated[str, text_limits(100, 1), NoNul]
OptionalName = Annotated[str, text_limits(100), NoNul]
Email = Annotated[str, text_limits(254, 3), NoNul]
Currency = Annotated[str, text_limits(3), NoNul]
DepartmentName = Annotated[str, text_limits(150, 1), NoNul]
Code = Annotated[str, text_limits(30, 1), NoNul]
Salary = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


# --- output ------------------------------------------------------------------


class DepartmentRef(Schema):
    id: int
    name: str


class LocationRef(Schema):
    id: int
    name: str


class JobProfileRef(Schema):
    id: int
    title: str


class ManagerRef(Schema):
    id: int
    name: str


class EmployeeOut(Schema):
    """An employee as the caller may see them. Fields the caller may not read
    are ABSENT (not null): everyone in the organisation sees the directory
    fields; the person, their manager chain, the HRBP for their department
    and executives over it also see hire date and status; salary and
    currency go to HR, the scoped HRBP, the manager chain and the person;
    protected attributes to HR admins and the person only."""

    id: int | None = None
    employee_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    preferred_name: str | None = None
    full_name: str | None = None
    email: str | None = None
    department: DepartmentRef | None = None
    location: LocationRef | None = None
    job_profile: JobProfileRef | None = None
    manager: ManagerRef | None = None
    hire_date: dt.date | None = None
    status: EmploymentStatus | None = None
    salary: Decimal | None = None
    currency: str | None = None
    sex: str | None = None
    race_ethnicity: str | None = None
    date_of_birth: dt.date | None = None
    age_band: str | None = None
    disability: str | None = None
    veteran_status: str | None = None
    version: int | None = Field(
        None, description="Send it back with PATCH to refuse a concurrent edit."
    )


def employee_out(record: EmployeeRecord) -> dict[str, Any]:
    """The JSON for one record: only the keys the viewer may read."""
    employee = record.employee
    out: dict[str, Any] = {}
    for name, value in record.values.items():
        if name == "department":
            dept = employee.department
            out[name] = {"id": dept.pk, "name": dept.name} if dept else None
        elif name == "location":
            loc = employee.location
            out[name] = {"id": loc.pk, "name": loc.name} if loc else None
        elif name == "job_profile":
            job = employee.job_profile
            out[name] = {"id": job.pk, "title": job.title} if job else None
        elif name == "manager":
            # None in the record when the viewer may not see the manager.
            boss = employee.manager if value is not None else None
            out[name] = {"id": boss.pk, "name": boss.full_name} if boss else None
        else:
            out[name] = value
    if "first_name" in out:
        out["full_name"] = employee.full_name
    out["version"] = employee.version
    return out


class DepartmentOut(Schema):
    id: int
    name: str
    code: str
    parent: int | None = Field(None, alias="parent_id")
    description: str
    depth: int


# --- input -------------------------------------------------------------------


class EmployeeCreate(Schema):
    """A new employee. Related records are given by id."""

    employee_number: EmployeeNumber
    first_name: PersonName
    last_name: PersonName
    preferred_name: OptionalName = ""
    email: Email
    department: Id | None = None
    location: Id | None = None
    job_profile: Id | None = None
    manager: Id | None = None
    hire_date: dt.date | None = None
    status: EmploymentStatus = EmploymentStatus.ACTIVE
    salary: Salary | None = None
    currency: Currency = ""
    sex: Sex | None = None
    race_ethnicity: RaceEthnicity | None = None
    date_of_birth: dt.date | None = None
    age_band: AgeBand | None = None
    disability: YesNoUndisclosed | None = None
    veteran_status: YesNoUndisclosed | None = None


class EmployeePatch(Schema):
    """Only the fields sent are changed; null clears an optional field."""

    version: int | None = Field(
        None, ge=1, le=MAX_ID, description="The version you read; 409 if it has moved on."
    )
    employee_number: EmployeeNumber | None = None
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    preferred_name: OptionalName | None = None
    email: Email | None = None
    department: Id | None = None
    location: Id | None = None
    job_profile: Id | None = None
    manager: Id | None = None
    hire_date: dt.date | None = None
    status: EmploymentStatus | None = None
    salary: Salary | None = None
    currency: Currency | None = None
    sex: Sex | None = None
    race_ethnicity: RaceEthnicity | None = None
    date_of_birth: dt.date | None = None
    age_band: AgeBand | None = None
    disability: YesNoUndisclosed | None = None
    veteran_status: YesNoUndisclosed | None = None


class EmployeeFilters(Schema):
    q: SearchText = Field("", description="Name, email, employee number or job title.")
    department: Id | None = Field(None, description="A department and its sub-departments.")
    location: Id | None = None
    job_profile: Id | None = None
    status: EmploymentStatus | None = None
    manager: Id | None = Field(None, description="Direct reports of this employee.")


class DepartmentCreate(Schema):
    name: DepartmentName
    code: Code
    parent: Id | None = None
    description: LongText = ""
