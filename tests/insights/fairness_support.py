"""Building blocks for the adverse-impact tests: a released cycle on the
five-point scale, and people with protected attributes and results made in
bulk (real Employee and ReviewResult rows, so the numbers go through the
real SQL), plus an independent computation of the expected numbers with
SciPy."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils import timezone
from scipy import stats as scipy_stats

from cadence.people.models import Department, Employee
from cadence.reviews.models import Cycle, RatingLevel, ReviewResult, Stage
from tests.review_factories import CycleFactory

_numbers = itertools.count(1)


def released_cycle(name: str | None = None) -> Cycle:
    cycle: Cycle = CycleFactory(
        name=name or f"Fairness cycle {next(_numbers)}",
        stage=Stage.RELEASED,
        launched_at=timezone.now() - dt.timedelta(days=60),
    )
    return cycle


def levels_of(cycle: Cycle) -> list[RatingLevel]:
    """The cycle's levels, lowest first (1 Does not meet … 5 Far exceeds)."""
    return list(RatingLevel.objects.filter(scale=cycle.template.rating_scale).order_by("value"))


def people(department: Department, count: int, **attributes: str) -> list[Employee]:
    """`count` employees with these protected attributes (bulk)."""
    made = []
    for _ in range(count):
        number = next(_numbers)
        made.append(
            Employee(
                employee_number=f"F{number:07d}",
                first_name=f"Fair{number}",
                last_name="Person",
                email=f"fair{number}@example.com",
                department=department,
                sex=attributes.get("sex", ""),
                race_ethnicity=attributes.get("race_ethnicity", ""),
                age_band=attributes.get("age_band", ""),
                disability=attributes.get("disability", ""),
                veteran_status=attributes.get("veteran_status", ""),
            )
        )
    created = Employee.objects.bulk_create(made)
    for employee in created:  # a root of the reporting tree, as place_employee would set
        employee.reporting_path = f"/{employee.pk}/"
    Employee.objects.bulk_update(created, ["reporting_path"])
    return created


def rate(
    cycle: Cycle,
    employees: Sequence[Employee],
    selected: int,
    *,
    field: str = "manager_level",
    top: RatingLevel | None = None,
    other: RatingLevel | None = None,
    released: bool = True,
) -> list[ReviewResult]:
    """Results for `employees`: the first `selected` at `top` (default the
    highest level), the others at `other` (default "Meets"), in `field`."""
    levels = levels_of(cycle)
    top = top or levels[-1]
    other = other or levels[2]
    now = timezone.now()
    return ReviewResult.objects.bulk_create(
        ReviewResult(
            cycle=cycle,
            employee=employee,
            released_at=now if released else None,
            **{field: top if i < selected else other},
        )
        for i, employee in enumerate(employees)
    )


def group(
    cycle: Cycle,
    department: Department,
    count: int,
    selected: int,
    *,
    field: str = "manager_level",
    **attributes: str,
) -> list[Employee]:
    """`count` people with `attributes`, `selected` of them at the top level."""
    employees = people(department, count, **attributes)
    rate(cycle, employees, selected, field=field)
    return employees


@dataclass(frozen=True)
class Expected:
    """One group against the reference, computed independently."""

    ratio: Fraction
    z: float | None
    z_p: float
    fisher_p: float
    shortfall: float


def expected_against(s: int, n: int, ref_s: int, ref_n: int) -> Expected:
    """The numbers as a statistician would compute them by hand / with SciPy:
    the pooled two-proportion Z written out, its p from the normal
    distribution, Fisher's exact p from scipy.stats.fisher_exact."""
    p1, p2 = s / n, ref_s / ref_n
    pooled = (s + ref_s) / (n + ref_n)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / ref_n))
    z = (p1 - p2) / se if se > 0 else None
    z_p = 2 * scipy_stats.norm.sf(abs(z)) if z is not None else 1.0
    fisher = scipy_stats.fisher_exact([[s, n - s], [ref_s, ref_n - ref_s]], alternative="two-sided")
    return Expected(
        ratio=Fraction(s, n) / Fraction(ref_s, ref_n),
        z=z,
        z_p=float(z_p),
        fisher_p=float(fisher.pvalue),
        shortfall=n * pooled - s,
    )
