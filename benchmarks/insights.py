"""Benchmark scenario `insights.adverse_impact`: the adverse-impact report
over 1,000,000 ratings (DESIGN §5: "Insights reports over 1,000,000 ratings
in under 2 s on PostgreSQL").

The report is about one review cycle, so "1,000,000 ratings" means a cycle
with 1,000,000 results. The scenario builds its own population for it: that
many real `Employee` rows (with sex, race/ethnicity, age band, disability and
veteran status drawn from a fixed distribution; blank and "prefer not to
say" included) in one department of the demo organisation, and one released
cycle on a five-point scale with a real `ReviewResult` each (computed and
manager level; a fifth of them calibrated; women and a few groups slightly
less often at the top, so there is something to find). On PostgreSQL the
rows are written with `INSERT ... SELECT ... generate_series` (seeded
`random()`); on SQLite with `bulk_create` batches.

Then, as the HR admin, it times `adverse_impact(...)` for outcome `top`,
stage `after`, by sex and by race/ethnicity (the first call of each and a
second, warm one), the before/after pair the page computes, and the page
itself through the Django test client. Timings go to
`run.notes["adverse_impact"]` and are printed.

Size: the environment variable CADENCE_BENCH_RATINGS (e.g. 200000); by
default 1,000,000 on PostgreSQL and 200,000 on SQLite (where a million
inserted through the ORM takes minutes and says nothing about PostgreSQL).

    createdb -h 127.0.0.1 -U postgres cadence_bench_ai
    python -m benchmarks --employees 2000 --only insights.adverse_impact \\
        --database-url postgres://postgres@127.0.0.1:5432/cadence_bench_ai
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.__main__ import Run

PREFIX = "AIB"  # employee numbers of the benchmark population
BATCH = 10_000

# (value, cumulative share) per attribute: what random() < share picks.
SEX = [("female", 0.47), ("male", 0.95), ("non_binary", 0.96), ("undisclosed", 0.98), ("", 1.0)]
RACE = [
    ("white", 0.55),
    ("hispanic_latino", 0.73),
    ("black", 0.85),
    ("asian", 0.93),
    ("two_or_more", 0.96),
    ("american_indian_alaska", 0.97),
    ("native_hawaiian_pacific", 0.975),
    ("undisclosed", 1.0),
]
AGE = [("under_25", 0.1), ("25_34", 0.4), ("35_44", 0.7), ("45_54", 0.9), ("55_plus", 1.0)]
YES_NO = [("yes", 0.08), ("no", 0.9), ("undisclosed", 1.0)]
# Cumulative shares of levels 1–4 (the rest is level 5, the top); the top
# share is lower for women (9%) than for everyone else (12%).
LEVEL_CUTS = (0.05, 0.20, 0.62)
TOP_SHARE = {"female": 0.09}
TOP_SHARE_OTHERS = 0.12
CALIBRATED_SHARE = 0.2


def ratings_wanted(vendor: str) -> int:
    raw = os.environ.get("CADENCE_BENCH_RATINGS", "")
    if raw.strip():
        return max(1, int(raw))
    return 1_000_000 if vendor == "postgresql" else 200_000


def _pick(table: list[tuple[str, float]], roll: float) -> str:
    return next((value for value, share in table if roll < share), table[-1][0])


def _sql_case(column: str, table: list[tuple[str, float]]) -> str:
    whens = " ".join(f"WHEN {column} < {share} THEN '{value}'" for value, share in table[:-1])
    return f"CASE {whens} ELSE '{table[-1][0]}' END"


def _level_case(roll: str, top_share: str, ids: list[int]) -> str:
    l1, l2, l3, l4, l5 = ids
    c1, c2, c3 = LEVEL_CUTS
    return (
        f"CASE WHEN {roll} < {c1} THEN {l1} WHEN {roll} < {c2} THEN {l2} "
        f"WHEN {roll} < {c3} THEN {l3} WHEN {roll} < 1 - {top_share} THEN {l4} ELSE {l5} END"
    )


def _build_postgresql(count: int, department_id: int, cycle_id: int, ids: list[int]) -> None:
    from django.db import connection

    top_share = (
        f"(CASE WHEN e.sex = 'female' THEN {TOP_SHARE['female']} ELSE {TOP_SHARE_OTHERS} END)"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            f"""
            INSERT INTO people_employee (
                employee_number, first_name, last_name, preferred_name, email,
                department_id, reporting_path, hire_date, status, currency,
                sex, race_ethnicity, age_band, disability, veteran_status,
                version, created_at, updated_at)
            SELECT '{PREFIX}' || lpad(i::text, 8, '0'), 'Bench', 'Person ' || i, '',
                   'aib' || i || '@bench.example.com', %s, '', DATE '2020-01-06',
                   'active', '',
                   {_sql_case("r.sex", SEX)}, {_sql_case("r.race", RACE)},
                   {_sql_case("r.age", AGE)}, {_sql_case("r.dis", YES_NO)},
                   {_sql_case("r.vet", YES_NO)}, 1, now(), now()
            FROM (SELECT i, random() AS sex, random() AS race, random() AS age,
                         random() AS dis, random() AS vet
                  FROM generate_series(1, %s) AS i) AS r
            """,
            [department_id, count],
        )
        cursor.execute(
            "UPDATE people_employee SET reporting_path = '/' || id || '/' "
            "WHERE employee_number LIKE %s",
            [f"{PREFIX}%"],
        )
        cursor.execute(
            f"""
            INSERT INTO reviews_reviewresult (
                cycle_id, employee_id, computed_level_id, manager_level_id,
                calibrated_level_id, override_reason, calibration_reason,
                released_at, acknowledgement_comment, version, created_at, updated_at)
            SELECT %s, e.id,
                   {_level_case("e.computed", top_share, ids)},
                   {_level_case("e.manager", top_share, ids)},
                   CASE WHEN e.calibrate < {CALIBRATED_SHARE}
                        THEN {_level_case("e.calibrated", top_share, ids)} END,
                   '', '', now(), '', 1, now(), now()
            FROM (SELECT id, sex, random() AS computed, random() AS manager,
                         random() AS calibrate, random() AS calibrated
                  FROM people_employee WHERE employee_number LIKE %s) AS e
            """,
            [cycle_id, f"{PREFIX}%"],
        )
        cursor.execute("ANALYZE people_employee")
        cursor.execute("ANALYZE reviews_reviewresult")


def _build_sqlite(count: int, department_id: int, cycle_id: int, ids: list[int], seed: int) -> None:
    from django.utils import timezone

    from cadence.people.models import Employee
    from cadence.reviews.models import ReviewResult

    rng = random.Random(seed)
    now = timezone.now()

    def level(sex: str) -> int:
        roll = rng.random()
        cuts = (*LEVEL_CUTS, 1 - TOP_SHARE.get(sex, TOP_SHARE_OTHERS))
        return next((ids[i] for i, cut in enumerate(cuts) if roll < cut), ids[4])

    for start in range(0, count, BATCH):
        people = Employee.objects.bulk_create(
            Employee(
                employee_number=f"{PREFIX}{i:08d}",
                first_name="Bench",
                last_name=f"Person {i}",
                email=f"aib{i}@bench.example.com",
                department_id=department_id,
                hire_date=now.date(),
                sex=_pick(SEX, rng.random()),
                race_ethnicity=_pick(RACE, rng.random()),
                age_band=_pick(AGE, rng.random()),
                disability=_pick(YES_NO, rng.random()),
                veteran_status=_pick(YES_NO, rng.random()),
            )
            for i in range(start + 1, min(start + BATCH, count) + 1)
        )
        for person in people:
            person.reporting_path = f"/{person.pk}/"
        Employee.objects.bulk_update(people, ["reporting_path"])
        ReviewResult.objects.bulk_create(
            ReviewResult(
                cycle_id=cycle_id,
                employee_id=person.pk,
                computed_level_id=level(person.sex),
                manager_level_id=level(person.sex),
                calibrated_level_id=level(person.sex) if rng.random() < CALIBRATED_SHARE else None,
                released_at=now,
            )
            for person in people
        )


def _cycle() -> tuple[Any, list[int]]:
    """A released cycle on its own five-point scale; the level ids, lowest first."""
    from django.utils import timezone

    from cadence.reviews.models import Cycle, RatingLevel, RatingScale, ReviewTemplate, Stage

    scale = RatingScale.objects.create(name="Adverse impact benchmark five-point")
    levels = RatingLevel.objects.bulk_create(
        RatingLevel(scale=scale, value=Decimal(v), label=f"Level {v}") for v in range(1, 6)
    )
    template = ReviewTemplate.objects.create(
        name="Adverse impact benchmark template", rating_scale=scale
    )
    cycle = Cycle.objects.create(
        name="Adverse impact benchmark cycle",
        template=template,
        stage=Stage.RELEASED,
        launched_at=timezone.now(),
    )
    return cycle, [level.pk for level in levels]


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return round(time.perf_counter() - started, 3)


def adverse_impact_report(run: Run) -> int:
    """Build a cycle of N ratings and time the adverse-impact report on it
    as the HR admin. Returns the number of ratings."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from cadence.core.models import User
    from cadence.insights.adverse_impact import adverse_impact, adverse_impact_stages
    from cadence.people.demo import generate_demo_organisation, organisation_exists
    from cadence.people.models import Department
    from cadence.reviews.models import ReviewResult

    if not organisation_exists():  # run alone (--only insights.adverse_impact)
        generate_demo_organisation(employees=run.employees, seed=run.seed)
    admin = User.objects.get(email="hr.admin@example.com")
    count = ratings_wanted(connection.vendor)
    department = Department.objects.order_by("id").first()
    assert department is not None
    started = time.perf_counter()
    cycle, ids = _cycle()
    if connection.vendor == "postgresql":
        _build_postgresql(count, department.pk, cycle.pk, ids)
    else:
        _build_sqlite(count, department.pk, cycle.pk, ids, run.seed)
    build_seconds = round(time.perf_counter() - started, 2)
    ratings = ReviewResult.objects.filter(cycle=cycle).count()

    def report(attribute: str) -> Callable[[], Any]:
        def call() -> Any:
            fresh = User.objects.get(pk=admin.pk)  # as a request would: no cached viewer
            return adverse_impact(
                fresh, cycle=cycle, outcome="top", attribute=attribute, stage="after"
            )

        return call

    timings: dict[str, Any] = {
        "ratings": ratings,
        "build_seconds": build_seconds,
        "sex_first": _timed(report("sex")),
        "sex": _timed(report("sex")),
        "race_ethnicity_first": _timed(report("race_ethnicity")),
        "race_ethnicity": _timed(report("race_ethnicity")),
        "before_and_after_sex": _timed(
            lambda: adverse_impact_stages(
                User.objects.get(pk=admin.pk), cycle=cycle, outcome="top", attribute="sex"
            )
        ),
    }
    flagged = report("sex")().flagged
    timings["flagged_by_sex"] = [g.label for g in flagged]
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    url = reverse("insights:fairness")
    params = {"cycle": cycle.pk, "attribute": "race_ethnicity", "stage": "after"}
    client.get(url, params)  # warm up (template compilation, first-request imports)
    started = time.perf_counter()
    response = client.get(url, params)
    timings["page_race_ethnicity"] = round(time.perf_counter() - started, 3)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    run.notes["adverse_impact"] = timings
    print("insights.adverse_impact:", ", ".join(f"{k}={v}" for k, v in timings.items()))
    return ratings
