"""Generated pay data for the pay-equity tests, written through the real
database (job levels, families, profiles, locations, employees with hire
dates, salaries and protected attributes), and kept in Python as the
truth the tests check against with statsmodels.

log(salary) = 10.3 + level + family + location + 0.012·tenure
              + PLANTED_GAP·[female] (+ RATING_EFFECT·rating) + noise.
With `confounded`, women are more often in junior levels and in the
cheaper location, so the raw gap is much wider than the planted one.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from cadence.core.models import Role, User
from cadence.insights.access import require_hr_admin
from cadence.jobs.models import JobFamily, JobLevel, JobProfile
from cadence.people.models import Department, Employee, EmploymentStatus, Location
from cadence.reviews.models import Cycle, RatingLevel, ReviewResult, Stage
from tests.factories import UserFactory, grant
from tests.review_factories import CycleFactory, five_point_scale

AS_OF = dt.date(2026, 6, 30)
PLANTED_GAP = -0.0513  # exp(-0.0513) - 1 = -5.0%
RATING_EFFECT = 0.03

LEVELS = [  # code, name, rank, effect on log pay
    ("L1", "Associate", 1, 0.0),
    ("L2", "Professional", 2, 0.22),
    ("L3", "Senior", 3, 0.45),
    ("L4", "Lead", 4, 0.70),
    ("L5", "Principal", 5, 0.95),
]
FAMILIES = {"Engineering": 0.10, "Sales": 0.0, "Operations": -0.06, "Finance": 0.04}
LOCATIONS = {"London": 0.18, "Leeds": 0.0, "Glasgow": -0.03}


def level_label(code: str) -> str:
    return next(
        f"{c} {name}" for c, name, _, _ in [*LEVELS, ("L6", "Executive", 6, 1.2)] if c == code
    )


@dataclass
class Person:
    """One generated employee and what the analysis should make of them."""

    sex: str
    level: str | None  # "L2 Professional"
    family: str | None
    location: str | None
    hire_date: dt.date | None
    salary: Decimal | None
    currency: str = "GBP"
    status: str = EmploymentStatus.ACTIVE
    rating: float | None = None
    left_out: str = ""  # the expected reason, "" when analysed
    employee: Employee | None = None

    @property
    def group(self) -> str:
        return self.sex if self.sex and self.sex != "undisclosed" else "undisclosed"


@dataclass
class PayData:
    hr_admin: User
    people: list[Person]
    locations: dict[str, Location] = field(default_factory=dict)

    def analysed(self) -> list[Person]:
        return [
            p for p in self.people if not p.left_out and p.status != EmploymentStatus.TERMINATED
        ]

    def frame(self, as_of: dt.date = AS_OF) -> pd.DataFrame:
        """The people analysed, as statsmodels wants them (the independent side)."""
        rows = self.analysed()
        return pd.DataFrame(
            {
                "log_salary": [math.log(float(p.salary or 0)) for p in rows],
                "salary": [float(p.salary or 0) for p in rows],
                "tenure": [
                    (as_of - p.hire_date).days / 365.25 if p.hire_date else 0.0 for p in rows
                ],
                "level": [p.level for p in rows],
                "family": [p.family for p in rows],
                "location": [p.location for p in rows],
                "grp": [p.group for p in rows],
                "rating": [p.rating for p in rows],
            }
        )


def hr_admin_user() -> User:
    user = UserFactory(email="pay.hr@example.com")
    grant(user, Role.HR_ADMIN)
    return user


def scope_of(user: User):  # type: ignore[no-untyped-def]
    return require_hr_admin(user)


def _profiles() -> dict[tuple[str, str], JobProfile]:
    levels = {
        code: JobLevel.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})[0]
        for code, name, rank, _ in [*LEVELS, ("L6", "Executive", 6, 0)]
    }
    families = {
        name: JobFamily.objects.get_or_create(name=name)[0] for name in [*FAMILIES, "Design"]
    }
    return {
        (level_label(code), family): JobProfile.objects.get_or_create(
            title=f"{family} {code}", level=level, defaults={"family": families[family]}
        )[0]
        for code, level in levels.items()
        for family in families
    }


def _locations(names: list[str]) -> dict[str, Location]:
    found: dict[str, Location] = {}
    for i, name in enumerate(names):
        found[name] = Location.objects.get_or_create(
            code=f"PAY{i}", defaults={"name": name, "country": "GB"}
        )[0]
    return found


def save(people: list[Person], *, locations: list[str] | None = None) -> dict[str, Location]:
    """Write the people as employees (one bulk insert)."""
    profiles = _profiles()
    places = _locations(locations or [*LOCATIONS, "Remote", "Dublin"])
    department = Department.objects.create(
        name="Pay test", code=f"PAYD{Department.objects.count()}"
    )
    start = Employee.objects.count()
    rows = []
    for i, p in enumerate(people, start=start):
        rows.append(
            Employee(
                employee_number=f"P{i:06d}",
                first_name=f"Pay{i}",
                last_name="Person",
                email=f"pay{i}@example.com",
                department=department,
                location=places[p.location] if p.location else None,
                job_profile=profiles[p.level, p.family] if p.level and p.family else None,
                hire_date=p.hire_date,
                status=p.status,
                salary=p.salary,
                currency=p.currency,
                sex=p.sex,
                race_ethnicity="white" if i % 3 else "asian",
            )
        )
    created = Employee.objects.bulk_create(rows)
    for p, e in zip(people, created, strict=True):
        p.employee = e
    return places


def generate(
    n: int,
    *,
    seed: int = 20260630,
    gap: float = PLANTED_GAP,
    confounded: bool = True,
    noise: float = 0.05,
    rating: bool = False,
) -> list[Person]:
    """`n` analysed GBP employees (women, men, 3 non-binary, some not
    disclosed), without the left-out extras."""
    rng = np.random.default_rng(seed)
    people: list[Person] = []
    for i in range(n):
        if i < 3:
            sex = "non_binary"
        elif i % 25 == 0:
            sex = "" if i % 50 else "undisclosed"
        else:
            sex = "female" if rng.random() < 0.47 else "male"
        female = sex == "female"
        if confounded and female:
            level_weights = [0.34, 0.30, 0.20, 0.11, 0.05]
            location_weights = [0.2, 0.6, 0.2]
        elif confounded and sex == "male":
            level_weights = [0.10, 0.18, 0.27, 0.25, 0.20]
            location_weights = [0.55, 0.25, 0.2]
        else:
            level_weights = [0.2] * 5
            location_weights = [1 / 3] * 3
        code, _, _, level_effect = LEVELS[rng.choice(5, p=level_weights)]
        family = list(FAMILIES)[rng.integers(len(FAMILIES))]
        location = list(LOCATIONS)[rng.choice(3, p=location_weights)]
        hire = AS_OF - dt.timedelta(days=int(rng.integers(30, 15 * 365)))
        tenure = (AS_OF - hire).days / 365.25
        rated = float(rng.integers(1, 6)) if rating else None
        log_pay = (
            10.3
            + level_effect
            + FAMILIES[family]
            + LOCATIONS[location]
            + 0.012 * tenure
            + (gap if female else 0.0)
            + (RATING_EFFECT * rated if rated is not None else 0.0)
            + rng.normal(0.0, noise)
        )
        salary = Decimal(str(round(math.exp(log_pay), 2)))
        status = EmploymentStatus.ON_LEAVE if i % 40 == 7 else EmploymentStatus.ACTIVE
        people.append(
            Person(
                sex, level_label(code), family, location, hire, salary, status=status, rating=rated
            )
        )
    return people


def extras() -> list[Person]:
    """People the analysis must leave out (or not count at all), one
    reason each, plus one person alone at level L6 (analysed)."""
    hire = dt.date(2021, 3, 1)
    pay = Decimal("60000.00")
    base = {"level": "L2 Professional", "family": "Sales", "location": "Leeds", "hire_date": hire}
    found = [
        *[
            Person("female", salary=None, left_out="No salary recorded (or zero)", **base)
            for _ in range(4)
        ],
        Person("male", salary=Decimal("0.00"), left_out="No salary recorded (or zero)", **base),
        *[
            Person("male", salary=pay, currency="EUR", left_out="Paid in another currency", **base)
            for _ in range(6)
        ],
        Person("female", salary=pay, currency="", left_out="Salary without a currency", **base),
        *[
            Person(
                "male",
                None,
                None,
                "Leeds",
                hire,
                pay,
                left_out="No job profile (so no job level or family)",
            )
            for _ in range(3)
        ],
        *[
            Person("female", "L3 Senior", "Sales", None, hire, pay, left_out="No location")
            for _ in range(2)
        ],
        *[
            Person(
                "male",
                "L3 Senior",
                "Sales",
                "Leeds",
                None,
                pay,
                left_out="No hire date (so no tenure)",
            )
            for _ in range(2)
        ],
        *[
            Person("female", salary=pay, status=EmploymentStatus.TERMINATED, **base)
            for _ in range(5)
        ],
        Person("male", "L6 Executive", "Engineering", "London", hire, Decimal("210000.00")),
    ]
    return found


def build(n: int = 400, *, with_extras: bool = True, **options: object) -> PayData:
    people = generate(n, **options)  # type: ignore[arg-type]
    if with_extras:
        people += extras()
    places = save(people)
    return PayData(hr_admin=hr_admin_user(), people=people, locations=places)


def rated_cycle(data: PayData, *, missing: int = 4) -> Cycle:
    """A released cycle with a result for every analysed person but the
    first `missing` (they are left out when ratings are controlled for).
    The final rating is the calibrated level, else the manager's, else the
    computed one; the levels before it are set to something else so a
    wrong order would show."""
    cycle = CycleFactory(name="Pay cycle", stage=Stage.RELEASED)
    scale = cycle.template.rating_scale
    five_point_scale(scale.name)
    levels = {float(lv.value): lv for lv in RatingLevel.objects.filter(scale=scale)}
    results = []
    for i, p in enumerate(data.analysed()):
        if i < missing:
            p.left_out = "No final rating in the cycle (Pay cycle)"
            continue
        p.rating = p.rating or 3.0
        final = levels[p.rating]
        other = levels[1.0 if final.value != 1 else 5.0]
        kinds = {
            0: {"computed_level": final},
            1: {"computed_level": other, "manager_level": final},
            2: {"computed_level": other, "manager_level": other, "calibrated_level": final},
        }[i % 3]
        results.append(ReviewResult(cycle=cycle, employee=p.employee, **kinds))
    ReviewResult.objects.bulk_create(results)
    return cycle
