"""Run the benchmark scenarios against a fresh database and report timings.

    python -m benchmarks --employees 10000 [--database-url URL] [--json out.json]
        [--only SCENARIO ...] [--load-users 1,20] [--load-seconds 40] [--think 0.5-1.5]

By default each run uses a new temporary SQLite file. With --database-url the
database must hold no organisation yet (it is migrated first). To add a
scenario, write a function taking the `Run` and returning the number of rows
it produced, and append it to SCENARIOS; scenarios run in order, so later ones
can use what earlier ones made (the demo organisation comes first).
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.calibration import calibration_session
from benchmarks.insights import adverse_impact_report
from benchmarks.load import LoadOptions, load_pages, parse_think, parse_users


@dataclass
class Run:
    employees: int
    seed: int
    notes: dict[str, Any] = field(default_factory=dict)
    load: LoadOptions = field(default_factory=LoadOptions)


@dataclass
class Result:
    scenario: str
    size: int
    seconds: float
    rows: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def demo_generation(run: Run) -> int:
    """The demo organisation of `--employees` people (DESIGN §5: 10,000 in
    under a minute on SQLite)."""
    from cadence.people.demo import generate_demo_organisation

    summary = generate_demo_organisation(employees=run.employees, seed=run.seed)
    run.notes["tree_depth"] = summary.depth
    # Where the time goes, per app (wall and CPU seconds), for the JSON.
    run.notes["demo_steps"] = {name: round(v, 2) for name, v in summary.steps.items()}
    run.notes["demo_cpu_steps"] = {name: round(v, 2) for name, v in summary.cpu_steps.items()}
    return summary.rows


def _review_template() -> Any:
    """A small template (a five-point scale, one questions section)."""
    from decimal import Decimal

    from cadence.reviews.models import (
        Question,
        RatingLevel,
        RatingScale,
        ReviewTemplate,
        TemplateSection,
    )

    scale = RatingScale.objects.create(name="Benchmark five-point")
    RatingLevel.objects.bulk_create(
        RatingLevel(scale=scale, value=Decimal(v), label=f"Level {v}") for v in range(1, 6)
    )
    template = ReviewTemplate.objects.create(name="Benchmark template", rating_scale=scale)
    section = TemplateSection.objects.create(template=template, kind="questions", title="Overall")
    Question.objects.create(section=section, kind="rating", text="Overall?")
    return template


def review_cycle_launch(run: Run) -> int:
    """A review cycle over the whole demo organisation (self, manager and
    upward reviews) designed and launched: the launch request, then the
    task's bulk work as a worker runs it (DESIGN §5: 10,000 people in under
    10 s on SQLite). Returns the participants and assignments created."""
    import datetime as dt

    from cadence.core.models import User
    from cadence.reviews.services_cycles import create_cycle, launch_cycle
    from cadence.reviews.tasks import run_cycle_launch

    admin = User.objects.get(email="hr.admin@example.com")
    phases = [
        {"kind": kind, "due_on": dt.date(2030, 1, day)}
        for day, kind in enumerate(
            ("self_review", "peer_nomination", "peer_review", "manager_review"), start=10
        )
    ]
    cycle = create_cycle(
        actor=admin,
        name="Benchmark cycle",
        template=_review_template(),
        include_upward=True,
        phases=phases,
    )
    started = time.perf_counter()
    launch_cycle(actor=admin, cycle=cycle)
    counts = run_cycle_launch.call(cycle.pk, admin.pk)
    run.notes["review_launch_seconds"] = round(time.perf_counter() - started, 2)
    run.notes["review_launch_counts"] = counts
    run.notes["review_cycle_id"] = cycle.pk
    return int(counts["participants"]) + sum(counts["assignments"].values())


def review_peer_assignments(run: Run) -> int:
    """Peer reviews for approved nominations, in bulk: up to three teammates
    (people with the same manager) for every participant of the launched
    cycle. Returns how many were created."""
    from collections import defaultdict

    from cadence.reviews.models import Cycle, CycleParticipant
    from cadence.reviews.services_cycles import create_peer_assignments

    cycle = Cycle.objects.get(pk=run.notes["review_cycle_id"])
    teams: dict[int | None, list[int]] = defaultdict(list)
    for employee_id, manager_id in CycleParticipant.objects.filter(cycle=cycle).values_list(
        "employee_id", "manager_id"
    ):
        teams[manager_id].append(employee_id)
    pairs = [
        (peer, reviewee)
        for team in teams.values()
        for i, reviewee in enumerate(team)
        for peer in (team[(i + step) % len(team)] for step in (1, 2, 3) if step < len(team))
    ]
    return create_peer_assignments(cycle=cycle, pairs=pairs)


SCENARIOS: list[tuple[str, Callable[[Run], int]]] = [
    ("demo.generate", demo_generation),
    ("reviews.launch", review_cycle_launch),
    ("reviews.peer_assignments", review_peer_assignments),
    # Before the scenarios that add their own populations (2,000 calibrated,
    # 200,000+ rated people): the load runs on the organisation of --employees.
    ("load.pages", load_pages),
]
SCENARIOS.append(("calibration.session", calibration_session))
SCENARIOS.append(("insights.adverse_impact", adverse_impact_report))


def _prepare_database(database_url: str | None, *, reuse: bool = False) -> str:
    """Point Django at the database (before it is imported), set it up and
    migrate it. Unless `reuse`, it must hold no organisation yet. Returns a
    printable description of the database."""
    if database_url is None:
        directory = tempfile.mkdtemp(prefix="cadence-bench-")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        database_url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
    os.environ["CADENCE_DATABASE_URL"] = database_url
    os.environ.setdefault("CADENCE_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)

    from django.db import connection

    from cadence.people.demo import organisation_exists

    if organisation_exists() and not reuse:
        sys.exit(
            f"{database_url} already holds an organisation; use an empty database "
            "(or --reuse to measure that organisation)."
        )
    if reuse and not organisation_exists():
        sys.exit(f"--reuse: {database_url} holds no organisation to measure.")
    if connection.vendor == "sqlite":
        import sqlite3

        version = sqlite3.sqlite_version
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = str(cursor.fetchone()[0]).split(" on ")[0].split(",")[0]
    return f"{connection.vendor} {version} ({database_url.split('@')[-1]})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="default: a new temporary SQLite file")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--only", action="append", help="run only these scenarios (repeatable)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the organisation already in --database-url (made by an earlier run) "
        "instead of generating one",
    )
    load = parser.add_argument_group("load.pages")
    load.add_argument("--load-users", default="1,20", help="concurrent user levels (1,20)")
    load.add_argument("--load-seconds", type=int, default=40, help="seconds per level (40)")
    load.add_argument("--warmup-seconds", type=int, default=10, help="unrecorded first run (10)")
    load.add_argument("--think", default="0.5-1.5", help="think time between requests, s")
    load.add_argument("--web-workers", type=int, help="default: what `cadence serve` picks")
    load.add_argument("--no-worker", action="store_true", help="skip the worker measurement")
    args = parser.parse_args(argv)
    names = [name for name, _ in SCENARIOS]
    unknown = sorted(set(args.only or []) - set(names))
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(names)}")
    try:
        load_options = LoadOptions(
            users=parse_users(args.load_users),
            seconds=args.load_seconds,
            warmup_seconds=args.warmup_seconds,
            think=parse_think(args.think),
            web_workers=args.web_workers,
            worker=not args.no_worker,
        )
    except ValueError as error:
        parser.error(str(error))

    if args.reuse and (not args.database_url or "demo.generate" in (args.only or [])):
        parser.error("--reuse needs --database-url and measures, never generates, an organisation")
    database = _prepare_database(args.database_url, reuse=args.reuse)
    print(f"Database: {database}\n")
    only = list(args.only or [])
    if args.reuse:
        only = [name for name in (only or names) if name != "demo.generate"]
    elif only and "demo.generate" not in only:
        from cadence.people.demo import organisation_exists

        if not organisation_exists():
            # Every other scenario works on the organisation: make it first
            # (timed like any run) rather than fail on an empty database.
            only.insert(0, "demo.generate")
    if args.reuse:
        from cadence.people.models import Employee

        args.employees = Employee.objects.count()  # the size of what is measured
    run = Run(employees=args.employees, seed=args.seed, load=load_options)
    results: list[Result] = []
    for name, scenario in SCENARIOS:
        if only and name not in only:
            continue
        started = time.perf_counter()
        rows = scenario(run)
        results.append(Result(name, args.employees, time.perf_counter() - started, rows))
    summary = {
        "machine": report.machine(database),
        "employees": args.employees,
        "seed": args.seed,
        "notes": run.notes,
        "results": [{**asdict(r), "rows_per_second": round(r.rows_per_second, 1)} for r in results],
    }
    print()
    print(report.table(summary))
    if args.json:
        report.write_json(summary, args.json)
        print(f"\nWrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
