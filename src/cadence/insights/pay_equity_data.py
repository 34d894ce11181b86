"""What the pay-equity analysis reads: one row per active or on-leave
employee in the viewer's scope (one query, with the job profile, level,
family and location joined), and, when ratings are controlled for, each
person's final rating in a cycle (one more query). Everything after that is
NumPy in pay_equity.py.

Each person is either analysed or left out for the first reason that
applies, in this order: no salary (or zero), no currency, paid in another
currency than the one analysed, no job profile, no location, no hire date,
no final rating in the cycle (only when ratings are controlled for). A
blank protected attribute is not a reason: it is the "Not disclosed" group.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F
from django.db.models.functions import Coalesce

from cadence.insights.attributes import Attribute
from cadence.people.models import Employee, EmploymentStatus
from cadence.reviews.models import Cycle, ReviewResult

if TYPE_CHECKING:
    from cadence.core.models import User
    from cadence.insights.access import InsightScope

ANALYSED_STATUSES = (EmploymentStatus.ACTIVE, EmploymentStatus.ON_LEAVE)

NO_SALARY = "No salary recorded (or zero)"
NO_CURRENCY = "Salary without a currency"
OTHER_CURRENCY = "Paid in another currency"
NO_JOB_PROFILE = "No job profile (so no job level or family)"
NO_LOCATION = "No location"
NO_HIRE_DATE = "No hire date (so no tenure)"
NO_RATING = "No final rating in the cycle"
REASONS = (
    NO_SALARY,
    NO_CURRENCY,
    OTHER_CURRENCY,
    NO_JOB_PROFILE,
    NO_LOCATION,
    NO_HIRE_DATE,
    NO_RATING,
)


@dataclass(frozen=True)
class PersonRow:
    """One employee as the analysis needs them (no name, no id shown)."""

    employee_id: int
    salary: Decimal | None
    currency: str
    level: tuple[int, str] | None  # (rank, "L3 Professional")
    family: str | None
    location: tuple[str, str] | None  # (code, name): names need not be unique
    hire_date: dt.date | None
    group_value: str  # the raw protected attribute ("" when not recorded)


def read_people(scope: InsightScope, attribute: Attribute) -> list[PersonRow]:
    """Every active or on-leave employee in scope, in one query."""
    rows = (
        Employee.objects.filter(scope.employee_q(), status__in=ANALYSED_STATUSES)
        .order_by("pk")
        .values_list(
            "pk",
            "salary",
            "currency",
            "job_profile__level__code",
            "job_profile__level__name",
            "job_profile__level__rank",
            "job_profile__family__name",
            "location__code",
            "location__name",
            "hire_date",
            attribute.key,
        )
    )
    return [
        PersonRow(
            employee_id=pk,
            salary=salary,
            currency=(currency or "").strip().upper(),
            level=(rank, f"{code} {name}".strip()) if code is not None else None,
            family=family,
            location=(location_code, location) if location_code is not None else None,
            hire_date=hire_date,
            group_value=value or "",
        )
        for (
            pk,
            salary,
            currency,
            code,
            name,
            rank,
            family,
            location_code,
            location,
            hire_date,
            value,
        ) in rows
    ]


def read_ratings(user: User, scope: InsightScope, cycle: Cycle) -> dict[int, float]:
    """Each employee's final rating value in `cycle` (calibrated, else the
    manager's, else the computed level), for the results `user` may see."""
    final = Coalesce(
        F("calibrated_level__value"), F("manager_level__value"), F("computed_level__value")
    )
    rows = (
        ReviewResult.objects.visible_to(user)
        .filter(scope.employee_q("employee__"), cycle=cycle)
        .annotate(final_value=final)
        .filter(final_value__isnull=False)
        .values_list("employee_id", "final_value")
    )
    return {employee_id: float(value) for employee_id, value in rows}


def salaried(row: PersonRow) -> bool:
    return row.salary is not None and row.salary > 0 and bool(row.currency)


def currency_counts(rows: list[PersonRow]) -> list[tuple[str, int]]:
    """People with a salary per currency, most common first (then A–Z)."""
    counts = Counter(row.currency for row in rows if salaried(row))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def reason_left_out(row: PersonRow, currency: str, ratings: dict[int, float] | None) -> str | None:
    """Why `row` is not in the analysis of `currency`, or None if it is."""
    if row.salary is None or row.salary <= 0:
        return NO_SALARY
    if not row.currency:
        return NO_CURRENCY
    if row.currency != currency:
        return OTHER_CURRENCY
    if row.level is None or row.family is None:
        return NO_JOB_PROFILE
    if row.location is None:
        return NO_LOCATION
    if row.hire_date is None:
        return NO_HIRE_DATE
    if ratings is not None and row.employee_id not in ratings:
        return NO_RATING
    return None
