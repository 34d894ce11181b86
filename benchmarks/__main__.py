"""Run the benchmark scenarios against a fresh database and report timings.

    python -m benchmarks --employees 10000 [--database-url URL] [--json out.json]

By default each run uses a new temporary SQLite file. With --database-url the
database must hold no organisation yet (it is migrated first). To add a
scenario, write a function taking the `Run` and returning the number of rows
it produced, and append it to SCENARIOS; scenarios run in order, so later ones
can use what earlier ones made (the demo organisation comes first).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Run:
    employees: int
    seed: int
    notes: dict[str, Any] = field(default_factory=dict)


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
    return summary.rows


SCENARIOS: list[tuple[str, Callable[[Run], int]]] = [
    ("demo.generate", demo_generation),
]


def _prepare_database(database_url: str | None) -> str:
    """Point Django at the database (before it is imported), set it up and
    migrate it. Returns a printable description of the database."""
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

    if organisation_exists():
        sys.exit(f"{database_url} already holds an organisation; use an empty database.")
    return f"{connection.vendor} ({database_url.split('@')[-1]})"


def _print_table(results: list[Result]) -> None:
    header = f"{'scenario':<24} {'size':>8} {'seconds':>9} {'rows/s':>10}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.scenario:<24} {r.size:>8} {r.seconds:>9.2f} {r.rows_per_second:>10,.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="default: a new temporary SQLite file")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--only", action="append", help="run only these scenarios (repeatable)")
    args = parser.parse_args(argv)

    database = _prepare_database(args.database_url)
    print(f"Database: {database}\n")
    run = Run(employees=args.employees, seed=args.seed)
    results: list[Result] = []
    for name, scenario in SCENARIOS:
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        rows = scenario(run)
        results.append(Result(name, args.employees, time.perf_counter() - started, rows))
    _print_table(results)
    if args.json:
        report = {
            "database": database,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "employees": args.employees,
            "seed": args.seed,
            "notes": run.notes,
            "results": [
                {**asdict(r), "rows_per_second": round(r.rows_per_second, 1)} for r in results
            ],
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nWrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
